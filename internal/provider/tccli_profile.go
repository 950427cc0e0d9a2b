package provider

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
)

// tccliProfile is a profile of the Tencent Cloud CLI: <dir>/<name>.credential holds its keys and
// <dir>/<name>.configure its region. The SDK's TccliProfileProvider reads only ~/.tccli and no
// region, so the provider reads the two files itself.
type tccliProfile struct {
	name string
	dir  string
	// chosen is set when the user named the profile, which then has to exist.
	chosen bool
}

func newTccliProfile(config qcloudProviderModel) (tccliProfile, error) {
	name := setting(config.Profile, envProfile, "")
	p := tccliProfile{name: cmp.Or(name, defaultProfile), chosen: name != ""}
	p.dir = setting(config.SharedCredentialsDir, envSharedCredentialsDir, "~/.tccli")
	if rest, ok := strings.CutPrefix(p.dir, "~"); ok && (rest == "" || rest[0] == '/' || rest[0] == filepath.Separator) {
		home, err := os.UserHomeDir()
		if err != nil {
			return p, fmt.Errorf("the tccli folder %s is in the home directory, which is unknown (%w); set shared_credentials_dir or %s", p.dir, err, envSharedCredentialsDir)
		}
		p.dir = filepath.Join(home, rest)
	}
	return p, nil
}

func (p tccliProfile) credentialFile() string { return filepath.Join(p.dir, p.name+".credential") }
func (p tccliProfile) configureFile() string  { return filepath.Join(p.dir, p.name+".configure") }

// credential reads the profile's keys; found is false when the profile has no credential file.
func (p tccliProfile) credential() (cred *common.Credential, found bool, err error) {
	var file struct {
		SecretID  string `json:"secretId"`
		SecretKey string `json:"secretKey"`
		Token     string `json:"token"`
	}
	found, err = readJSON(p.credentialFile(), &file)
	if !found || err != nil {
		return nil, found, err
	}
	if file.SecretID == "" || file.SecretKey == "" {
		return nil, true, fmt.Errorf("%s has no secretId or no secretKey; run `tccli configure --profile %s` to write it", p.credentialFile(), p.name)
	}
	return common.NewTokenCredential(file.SecretID, file.SecretKey, file.Token), true, nil
}

// region reads the profile's region; it is empty when the profile has no configure file or no region.
func (p tccliProfile) region() (string, error) {
	var file struct {
		SysParam struct {
			Region string `json:"region"`
		} `json:"_sys_param"`
	}
	_, err := readJSON(p.configureFile(), &file)
	return file.SysParam.Region, err
}

// readJSON decodes the JSON file at name into v; found is false when there is no such file.
// Its errors never quote the file's content, which may hold keys.
func readJSON(name string, v any) (found bool, err error) {
	data, err := os.ReadFile(name) //nolint:gosec // the user names this file to be read
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return true, fmt.Errorf("cannot read %s: %w", name, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return true, fmt.Errorf("%s is not valid JSON (at byte %d), so it is not a tccli profile file", name, syntax.Offset)
		}
		return true, fmt.Errorf("%s does not have the fields of a tccli profile file: %w", name, err)
	}
	return true, nil
}
