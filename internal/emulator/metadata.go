package emulator

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// metadataRolesPath is where the metadata service lists the CAM roles of the instance; a role's
// keys are at metadataRolesPath + <role>.
const metadataRolesPath = "/latest/meta-data/cam/security-credentials/"

// defaultRoleKeyLifetime is how long the metadata service's keys last unless configured.
const defaultRoleKeyLifetime = 6 * time.Hour

// serveMetadata answers the CVM metadata service's CAM role endpoints: plain HTTP GETs with no
// signature, as on an instance.
func (e *Emulator) serveMetadata(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stats.MetadataRequests++
	role := strings.TrimPrefix(r.URL.Path, metadataRolesPath)
	switch {
	case r.Method != http.MethodGet:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	case role == "":
		_, _ = w.Write([]byte(strings.Join(e.instanceRoles, "\n")))
	case !slices.Contains(e.instanceRoles, role):
		http.NotFound(w, r)
	default:
		id, k := e.issueTemporaryKeys(e.roleKeyLifetime, e.roleSession("qcs::cam::uin/"+e.account+":roleName/"+role, "cvm-instance"))
		answer := credentialsFields(id, k)
		answer["ExpiredTime"] = k.expires.Unix()
		answer["Expiration"] = k.expires.UTC().Format(time.RFC3339)
		answer["Code"] = "Success"
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(answer)
	}
}
