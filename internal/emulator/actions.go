package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// action is one API action the emulator serves.
type action struct {
	service  string
	version  string
	regional bool
	// unsigned actions need no keys: the SDK sends them with Authorization: SKIP.
	unsigned bool
	// rateLimit is the action's documented limit, in requests per second.
	rateLimit float64
	handle    func(e *Emulator, c call) (map[string]any, *apiError)
}

// call is what an action's handler is given of an authenticated request.
type call struct {
	region    string
	requestID string
	body      []byte
	// caller is who signed the request; zero for an unsigned one.
	caller callerIdentity
}

// The documented limits of the actions, in requests per second.
const (
	DescribeRateLimit  = 40
	OperationRateLimit = 10
)

// DocumentedRateLimit is action's documented limit in requests per second, which the emulator
// applies unless told otherwise; 0 for an action it does not serve.
func DocumentedRateLimit(action string) float64 { return actions[action].rateLimit }

var actions = map[string]action{
	"DescribeInstancesStatus":   {service: "cvm", version: cvmVersion, regional: true, rateLimit: DescribeRateLimit, handle: (*Emulator).describeInstancesStatus},
	"DescribeInstances":         {service: "cvm", version: cvmVersion, regional: true, rateLimit: DescribeRateLimit, handle: (*Emulator).describeInstances},
	"StartInstances":            {service: "cvm", version: cvmVersion, regional: true, rateLimit: OperationRateLimit, handle: (*Emulator).startInstances},
	"StopInstances":             {service: "cvm", version: cvmVersion, regional: true, rateLimit: OperationRateLimit, handle: (*Emulator).stopInstances},
	"RebootInstances":           {service: "cvm", version: cvmVersion, regional: true, rateLimit: OperationRateLimit, handle: (*Emulator).rebootInstances},
	"AssumeRole":                {service: "sts", version: stsVersion, regional: true, rateLimit: DescribeRateLimit, handle: (*Emulator).assumeRole},
	"AssumeRoleWithWebIdentity": {service: "sts", version: stsVersion, regional: true, unsigned: true, rateLimit: DescribeRateLimit, handle: (*Emulator).assumeRoleWithWebIdentity},
	"AssumeRoleWithSAML":        {service: "sts", version: stsVersion, regional: true, unsigned: true, rateLimit: DescribeRateLimit, handle: (*Emulator).assumeRoleWithSAML},
	"GetCallerIdentity":         {service: "sts", version: stsVersion, regional: true, rateLimit: DescribeRateLimit, handle: (*Emulator).getCallerIdentity},
}

const (
	cvmVersion = "2017-03-12"
	stsVersion = "2018-08-13"
)

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

// Actions are the names of the actions the emulator serves, sorted.
func Actions() []string {
	return slices.Sorted(maps.Keys(actions))
}
