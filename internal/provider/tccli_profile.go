package provider

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/auth"
)

// tccliProfile is the tccli profile the provider block chooses.
type tccliProfile struct {
	auth.TccliProfile
	// chosen is set when the user named the profile, which then has to exist.
	chosen bool
}

// chosenProfile is the profile named by profile (or its environment variable), else the default
// one, in shared_credentials_dir (or its environment variable), else ~/.tccli.
func chosenProfile(config qcloudProviderModel, env providerEnvironment) (tccliProfile, error) {
	name := setting(config.Profile, env.Profile, "")
	p := tccliProfile{TccliProfile: auth.TccliProfile{Name: cmp.Or(name, defaultProfile)}, chosen: name != ""}
	p.Dir = setting(config.SharedCredentialsDir, env.SharedCredentialsDir, "~/.tccli")
	if rest, ok := strings.CutPrefix(p.Dir, "~"); ok && (rest == "" || rest[0] == '/' || rest[0] == filepath.Separator) {
		home, err := os.UserHomeDir()
		if err != nil {
			return p, fmt.Errorf("the tccli folder %s is in the home directory, which is unknown (%w); set shared_credentials_dir or %s", p.Dir, err, envSharedCredentialsDir)
		}
		p.Dir = filepath.Join(home, rest)
	}
	return p, nil
}
