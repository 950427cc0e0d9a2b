package acctest

import (
	"os"
	"slices"
	"strings"
)

// inherited are the variables of this process that a run here (Terraform, make, go) keeps: where
// programs, the home folder, temporary files and Go's caches are, the module proxy, the locale,
// the certificates to trust and the network's proxy (which a live run needs to reach the API).
// Everything else (a developer's TENCENTCLOUD_* keys or role, TKE_* pod identity, TF_LOG*, a CLI
// configuration, GOFLAGS) stays out, so that the provider under test signs in and logs only as told.
var inherited = []string{
	"PATH", "HOME", "USER", "LOGNAME", "TMPDIR", "TMP", "TEMP", "TZ", "LANG", "SSL_CERT_FILE", "SSL_CERT_DIR", "SYSTEMROOT",
	"GOCACHE", "GOMODCACHE", "GOPATH", "GOPROXY", "GOSUMDB", "GONOSUMDB", "GOPRIVATE", "GOTOOLCHAIN",
	"HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "no_proxy",
}

// Environment is this process's allow-listed variables (inherited, and LC_*) followed by extra
// (NAME=value), which win over them.
func Environment(extra ...string) []string {
	return allowed(os.Environ(), extra...)
}

func allowed(environ []string, extra ...string) []string {
	var env []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "LC_") || slices.Contains(inherited, name) {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// Withhold removes from this process's environment the variables whose names start with prefix,
// and returns them: a test run keeps a developer's own keys away from the providers it starts,
// and gives them only to the live tests.
func Withhold(prefix string) map[string]string {
	withheld := map[string]string{}
	for _, kv := range os.Environ() {
		if name, value, _ := strings.Cut(kv, "="); strings.HasPrefix(name, prefix) {
			withheld[name] = value
			os.Unsetenv(name)
		}
	}
	return withheld
}
