package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// action is one API action the emulator serves.
type action struct {
	service  string
	version  string
	regional bool
	handle   func(e *Emulator, region string, body []byte) (map[string]any, *apiError)
}

var actions = map[string]action{
	"DescribeInstancesStatus": {service: "cvm", version: "2017-03-12", regional: true, handle: (*Emulator).describeInstancesStatus},
	"AssumeRole":              {service: "sts", version: "2018-08-13", regional: true, handle: (*Emulator).assumeRole},
}

// decodeParams decodes a request body into params the way the API does: an unknown parameter
// is UnknownParameter, a parameter of the wrong type InvalidParameter.
func decodeParams(body []byte, params any) *apiError {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(params)
	if err == nil {
		return nil
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return &apiError{"UnknownParameter", fmt.Sprintf("The parameter %s is not recognized.", name)}
	}
	return &apiError{"InvalidParameter", "The request body is not valid: " + err.Error()}
}
