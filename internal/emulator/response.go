package emulator

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
)

// apiError is an API 3.0 error: the code and message of {"Response":{"Error":{...}}}.
type apiError struct {
	Code    string
	Message string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// writeResponse writes {"Response": {...fields, "RequestId": id}} with status 200, which is
// how the real API answers both results and errors.
func writeResponse(w http.ResponseWriter, requestID string, fields map[string]any) {
	fields["RequestId"] = requestID
	body, err := json.Marshal(map[string]any{"Response": fields})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-TC-RequestId", requestID)
	_, _ = w.Write(body)
}

func writeError(w http.ResponseWriter, requestID string, e *apiError) {
	writeResponse(w, requestID, map[string]any{"Error": map[string]string{"Code": e.Code, "Message": e.Message}})
}

// newRequestID returns a random UUID, the form of the real API's RequestId.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
