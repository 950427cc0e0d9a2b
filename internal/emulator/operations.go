package emulator

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Operations are how the emulator carries out StartInstances, StopInstances and RebootInstances.
// The real service answers at once and changes the instance in the background: it is in its
// passing state (STARTING, STOPPING, REBOOTING) from the answer until the operation ends, and
// DescribeInstances reports the operation as OPERATING, then SUCCESS or FAILED.
type Operations struct {
	// Duration is how long an operation takes; zero means DefaultOperationDuration.
	Duration time.Duration
	// Jitter adds a random share of up to this much to each instance's operation.
	Jitter time.Duration
	// FailureRate is the share of instance operations that fail: the instance returns to the
	// state it was in, and its LatestOperationState is FAILED, with an error message.
	FailureRate float64
	// Seed makes the jitter and the failures reproducible.
	Seed uint64
}

// DefaultOperationDuration is how long an operation takes unless Operations.Duration says otherwise.
const DefaultOperationDuration = 3 * time.Second

// LatestOperation is what DescribeInstances says of the last operation on an instance.
type LatestOperation struct {
	Action    string // StartInstances, StopInstances or RebootInstances
	RequestID string
	State     string // OPERATING, SUCCESS or FAILED
	ErrorMsg  string
	// StopType is the StopType the call asked for ("" when it gave none), which the API does not
	// report but tests check.
	StopType string
}

// operationKind is what one of the three operations does.
type operationKind struct {
	action  string
	from    string // the state it acts on
	passing string // the state the instance is in while it runs
	to      string // the state it ends in
	failure string // the error message of one that fails
	// stateCodes are the codes the action documents for an instance it cannot act on, by state,
	// where they are not UnsupportedOperation.InstanceState<State>.
	stateCodes map[string]string
}

var (
	startKind = operationKind{
		action: "StartInstances", from: "STOPPED", passing: "STARTING", to: "RUNNING",
		failure: "The instance could not be started: the zone has no resources left for its instance type. Try again later, or change the instance type.",
		stateCodes: map[string]string{
			"LAUNCH_FAILED":              "UnsupportedOperation.InstanceStateCorrupted",
			"ENTER_SERVICE_LIVE_MIGRATE": "UnsupportedOperation.InstanceStateServiceLiveMigrate",
			"EXIT_SERVICE_LIVE_MIGRATE":  "UnsupportedOperation.InstanceStateServiceLiveMigrate",
		},
	}
	stopKind = operationKind{
		action: "StopInstances", from: "RUNNING", passing: "STOPPING", to: "STOPPED",
		failure:    "The instance could not be stopped: its operating system did not shut down in time.",
		stateCodes: map[string]string{"LAUNCH_FAILED": "UnsupportedOperation.InstanceStateCorrupted"},
	}
	rebootKind = operationKind{
		action: "RebootInstances", from: "RUNNING", passing: "REBOOTING", to: "RUNNING",
		failure: "The instance could not be rebooted: its operating system did not shut down in time.",
		stateCodes: map[string]string{
			"LAUNCH_FAILED": "UnsupportedOperation.InstanceStateCorrupted",
			"RESCUE_MODE":   "UnsupportedOperation",
		},
	}
)

// refusal is the error of an operation on an instance in a state it does not act on.
func (k operationKind) refusal(id, state string) *apiError {
	code, ok := k.stateCodes[state]
	if !ok {
		code = "UnsupportedOperation.InstanceState" + camel(state)
	}
	return &apiError{code, fmt.Sprintf("The instance %s is %s, and %s acts only on %s instances.", id, state, k.action, k.from)}
}

// camel turns ENTER_RESCUE_MODE into EnterRescueMode, as the API's codes spell states.
func camel(state string) string {
	var b strings.Builder
	for word := range strings.SplitSeq(state, "_") {
		if word != "" {
			b.WriteString(word[:1] + strings.ToLower(word[1:]))
		}
	}
	return b.String()
}

// hold is another client's task on an instance, which refuses operations until it ends.
type hold struct {
	code  string
	until time.Time
}

// Latest returns the latest operation on an instance, as DescribeInstances reports it.
func (e *Emulator) Latest(region, id string) (LatestOperation, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.applyDue()
	op, ok := e.latest[region+"/"+id]
	if !ok {
		return LatestOperation{}, false
	}
	return *op, true
}

// Hold makes another client's task (a snapshot, a resize) hold an instance for d: StartInstances,
// StopInstances and RebootInstances refuse it with code, which is
// OperationDenied.InstanceOperationInProgress or MutexOperation.TaskRunning.
func (e *Emulator) Hold(region, id, code string, d time.Duration) error {
	if err := validID(id); err != nil {
		return err
	}
	if code != "OperationDenied.InstanceOperationInProgress" && code != "MutexOperation.TaskRunning" {
		return fmt.Errorf("%s is not a code of a busy instance", code)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.holds[region+"/"+id] = hold{code: code, until: e.now().Add(d)}
	return nil
}

type startParams struct {
	InstanceIDs []string `json:"InstanceIds"`
}

type stopParams struct {
	InstanceIDs []string `json:"InstanceIds"`
	ForceStop   *bool    `json:"ForceStop"`
	StopType    *string  `json:"StopType"`
	StoppedMode *string  `json:"StoppedMode"`
}

type rebootParams struct {
	InstanceIDs []string `json:"InstanceIds"`
	ForceReboot *bool    `json:"ForceReboot"`
	StopType    *string  `json:"StopType"`
}

var (
	stopTypes    = []string{"SOFT", "HARD", "SOFT_FIRST"}
	stoppedModes = []string{"KEEP_CHARGING", "STOP_CHARGING"}
)

func (e *Emulator) startInstances(c call) (map[string]any, *apiError) {
	var p startParams
	if apiErr := decodeParams(c.body, &p); apiErr != nil {
		return nil, apiErr
	}
	e.recordIDs(startKind.action, len(p.InstanceIDs))
	return e.operate(c, startKind, p.InstanceIDs, "", false)
}

func (e *Emulator) stopInstances(c call) (map[string]any, *apiError) {
	var p stopParams
	if apiErr := decodeParams(c.body, &p); apiErr != nil {
		return nil, apiErr
	}
	e.recordIDs(stopKind.action, len(p.InstanceIDs))
	if apiErr := checkStopType(p.StopType, p.ForceStop, "ForceStop"); apiErr != nil {
		return nil, apiErr
	}
	if apiErr := oneOfParam("StoppedMode", p.StoppedMode, stoppedModes); apiErr != nil {
		return nil, apiErr
	}
	stopCharging := p.StoppedMode != nil && *p.StoppedMode == "STOP_CHARGING"
	return e.operate(c, stopKind, p.InstanceIDs, deref(p.StopType), stopCharging)
}

func (e *Emulator) rebootInstances(c call) (map[string]any, *apiError) {
	var p rebootParams
	if apiErr := decodeParams(c.body, &p); apiErr != nil {
		return nil, apiErr
	}
	e.recordIDs(rebootKind.action, len(p.InstanceIDs))
	if apiErr := checkStopType(p.StopType, p.ForceReboot, "ForceReboot"); apiErr != nil {
		return nil, apiErr
	}
	return e.operate(c, rebootKind, p.InstanceIDs, deref(p.StopType), false)
}

// checkStopType checks StopType as StopInstances and RebootInstances do: one of its values, and not
// beside the deprecated flag it replaces (ForceStop, ForceReboot).
func checkStopType(stopType *string, force *bool, forceName string) *apiError {
	if force != nil && stopType != nil {
		return &apiError{"InvalidParameterCombination", forceName + " and StopType cannot be given together; " +
			forceName + " is deprecated, use StopType."}
	}
	return oneOfParam("StopType", stopType, stopTypes)
}

func oneOfParam(name string, value *string, allowed []string) *apiError {
	if value == nil || slices.Contains(allowed, *value) {
		return nil
	}
	return &apiError{"InvalidParameterValue", fmt.Sprintf("%s %q is not one of %s.", name, *value, strings.Join(allowed, ", "))}
}

// operate checks the request as a whole, as the API does (one instance it cannot act on refuses
// the request and changes nothing), then starts the operation on every instance.
func (e *Emulator) operate(c call, k operationKind, ids []string, stopType string, stopCharging bool) (map[string]any, *apiError) {
	if len(ids) == 0 {
		return nil, &apiError{"MissingParameter", "The request is missing the parameter InstanceIds."}
	}
	if apiErr := checkIDs(ids); apiErr != nil {
		return nil, apiErr
	}
	ids = unique(ids)
	e.mu.Lock()
	defer e.mu.Unlock()
	f := e.fleet(c.region)
	var unknown, prepaid []string
	for _, id := range ids {
		if !f.has(id) {
			unknown = append(unknown, id)
		} else if e.withCharge(f.instances[f.index[id]]).ChargeType == "PREPAID" {
			prepaid = append(prepaid, id)
		}
	}
	if len(unknown) > 0 {
		return nil, &apiError{"InvalidInstanceId.NotFound", fmt.Sprintf("The instances %s do not exist in %s.", strings.Join(unknown, ", "), c.region)}
	}
	now := e.now()
	for _, id := range ids {
		if h, ok := e.holds[c.region+"/"+id]; ok && now.Before(h.until) {
			return nil, &apiError{h.code, fmt.Sprintf("The instance %s is busy with another operation; try again when it ends.", id)}
		}
		if state := f.instances[f.index[id]].State; state != k.from {
			return nil, k.refusal(id, state)
		}
	}
	if stopCharging && len(prepaid) > 0 {
		return nil, &apiError{"UnsupportedOperation.StoppedModeStopCharging", fmt.Sprintf(
			"The instances %s are prepaid and cannot be stopped with StoppedMode STOP_CHARGING; only some pay-as-you-go instances can.", strings.Join(prepaid, ", "))}
	}
	for _, id := range ids {
		e.startOperation(c, k, id, stopType, now)
		e.stats.OperationsOn[c.region+"/"+id]++
	}
	e.stats.Operated[k.action] += len(ids)
	return map[string]any{}, nil
}

// startOperation puts an instance in the operation's passing state and schedules its end; e.mu is held.
func (e *Emulator) startOperation(c call, k operationKind, id, stopType string, now time.Time) {
	op := &LatestOperation{Action: k.action, RequestID: c.requestID, State: "OPERATING", StopType: stopType}
	e.latest[c.region+"/"+id] = op
	e.regionFleet(c.region).put(Instance{ID: id, State: k.passing}, now)
	took := e.ops.Duration + time.Duration(e.opsRand.Int64N(int64(e.ops.Jitter)+1))
	end, result, msg := k.to, "SUCCESS", ""
	if e.opsRand.Float64() < e.ops.FailureRate {
		end, result, msg = k.from, "FAILED", k.failure
	}
	e.pending = insertScheduled(e.pending, scheduled{
		Transition: Transition{Region: c.region, Instance: Instance{ID: id, State: end}},
		due:        now.Add(took),
		then:       func() { op.State, op.ErrorMsg = result, msg },
	})
}

// unique drops repeated IDs, keeping the first occurrence: the API acts on an instance once.
func unique(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	return slices.DeleteFunc(slices.Clone(ids), func(id string) bool {
		dup := seen[id]
		seen[id] = true
		return dup
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
