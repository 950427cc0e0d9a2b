package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"time"
)

// envLiveGitHubAudience makes the live suite sign in as the GitHub Actions job it runs in (the
// nightly workflow, live.yml): the job's OIDC token for this audience is written to the file
// TENCENTCLOUD_ASSUME_ROLE_WEB_IDENTITY_TOKEN_FILE names, where the provider's
// assume_role_with_web_identity reads it, and written again every minute while the tests run. A
// token lives minutes, the suite up to an hour, and the provider reads the file at each sign-in.
const envLiveGitHubAudience = "QCLOUD_ACC_LIVE_GITHUB_OIDC_AUDIENCE"

// gitHubTokenRefresh is how often the job's token is fetched again.
const gitHubTokenRefresh = time.Minute

// keepGitHubTokenFresh writes the job's token once, then again every gitHubTokenRefresh in the
// background; a refresh that fails keeps the last token, whose sign-in then says why if it expired.
func keepGitHubTokenFresh(audience string) error {
	file := liveEnv[envWebIdentityTokenFile]
	if file == "" {
		return fmt.Errorf("%s is set, but %s is not: set it to the file the job's token goes to", envLiveGitHubAudience, envWebIdentityTokenFile)
	}
	if err := writeGitHubToken(audience, file); err != nil {
		return err
	}
	go func() {
		for range time.Tick(gitHubTokenRefresh) {
			if err := writeGitHubToken(audience, file); err != nil {
				fmt.Fprintln(os.Stderr, "refreshing the GitHub Actions OIDC token:", err)
			}
		}
	}()
	return nil
}

// writeGitHubToken asks the job's token service (ACTIONS_ID_TOKEN_REQUEST_URL, with the job's
// ACTIONS_ID_TOKEN_REQUEST_TOKEN, which GitHub sets for a job with the permission id-token: write)
// for a token for audience, and writes it to file whole, so that a reader never sees half of one.
func writeGitHubToken(audience, file string) error {
	service, err := url.Parse(os.Getenv("ACTIONS_ID_TOKEN_REQUEST_URL"))
	if err != nil || service.Host == "" {
		return fmt.Errorf("ACTIONS_ID_TOKEN_REQUEST_URL is %q: the job needs the permission id-token: write", os.Getenv("ACTIONS_ID_TOKEN_REQUEST_URL"))
	}
	query := service.Query()
	query.Set("audience", audience)
	service.RawQuery = query.Encode()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, service.String(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+os.Getenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var answer struct {
		Value string `json:"value"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil || resp.StatusCode != http.StatusOK || answer.Value == "" {
		return fmt.Errorf("GitHub's token service answered %s without a token: %w", resp.Status, err)
	}
	temporary := file + ".new"
	if err := os.WriteFile(temporary, []byte(answer.Value), 0o600); err != nil {
		return err
	}
	return os.Rename(temporary, file)
}
