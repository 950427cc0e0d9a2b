package emulator

import (
	"maps"
	"net/http"
	"slices"
	"time"
)

// Stats is what the emulator has seen.
type Stats struct {
	// Requests counts every HTTP request, whatever its fate.
	Requests int
	// Calls counts the requests per action that passed authentication and so met the action's
	// rate limit, the injected faults and the action itself.
	Calls map[string]int
	// Throttled counts the calls answered RequestLimitExceeded, by the rate limit or injected.
	Throttled int
	// Injected counts the injected faults by kind (FaultDrop, FaultThrottle, ...).
	Injected map[string]int
	// PeakInFlight is the largest number of requests being served at once.
	PeakInFlight int
	// PeakRate is the largest number of calls in any one second.
	PeakRate int
	// AssumedRoles counts the temporary keys STS issued.
	AssumedRoles int
	// Tokens counts the security tokens of temporary keys that signed accepted requests.
	Tokens map[string]int
	// WebIdentityTokens counts the OIDC tokens AssumeRoleWithWebIdentity was sent, valid or not.
	WebIdentityTokens map[string]int
	// MetadataRequests counts the requests to the metadata service.
	MetadataRequests int
	// RequestClients counts the X-TC-RequestClient headers seen.
	RequestClients map[string]int
	// Transitions counts the scheduled transitions made (not the ends of operations); one is made
	// when the fleet is first looked at (by a request, Fleet or Put) after it is due.
	Transitions int
	// Operated counts, per operation action, the instances of the calls it accepted.
	Operated map[string]int
	// OperationsOn counts, per instance ("region/ins-xxxxxxxx"), the operations accepted on it:
	// a test of a client that may touch only some instances checks that no other was touched.
	OperationsOn map[string]int
	// IDsPerCall is, per action, the number of InstanceIds each call carried (0 for a listing of
	// the region or a read by filters), in the order the calls came, for the calls that got past
	// the rate limit and the injected faults: tests tell the polls of a wait apart with it, and
	// see how many instances one call carried. It keeps at least the last half of maxRecordedCalls
	// of each action and at most maxRecordedCalls, so that a long-running emulator does not grow
	// without bound.
	IDsPerCall map[string][]int
	// FirstRequest and LastResponse bound the time the emulator was busy.
	FirstRequest, LastResponse time.Time
}

// Stats returns a copy of what the emulator has seen so far.
func (e *Emulator) Stats() Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.stats
	s.Calls = maps.Clone(e.stats.Calls)
	s.Injected = maps.Clone(e.stats.Injected)
	s.Tokens = maps.Clone(e.stats.Tokens)
	s.RequestClients = maps.Clone(e.stats.RequestClients)
	s.WebIdentityTokens = maps.Clone(e.stats.WebIdentityTokens)
	s.Operated = maps.Clone(e.stats.Operated)
	s.OperationsOn = maps.Clone(e.stats.OperationsOn)
	s.IDsPerCall = make(map[string][]int, len(e.stats.IDsPerCall))
	for action, ids := range e.stats.IDsPerCall {
		s.IDsPerCall[action] = slices.Clone(ids)
	}
	return s
}

// Calls is Stats().Calls[action].
func (e *Emulator) Calls(action string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stats.Calls[action]
}

// maxRecordedCalls is how many calls of each action Stats.IDsPerCall remembers.
const maxRecordedCalls = 100_000

// recordIDs records that a call of action carried n InstanceIds.
func (e *Emulator) recordIDs(action string, n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	calls := e.stats.IDsPerCall[action]
	if len(calls) == maxRecordedCalls {
		// Drop the older half at once, so that recording stays cheap.
		calls = append(calls[:0], calls[maxRecordedCalls/2:]...)
	}
	e.stats.IDsPerCall[action] = append(calls, n)
}

// countRate records a call at now and updates the peak number of calls in one second; e.mu is held.
func (e *Emulator) countRate(now time.Time) {
	cutoff := now.Add(-time.Second)
	i := 0
	for i < len(e.recentCalls) && !e.recentCalls[i].After(cutoff) {
		i++
	}
	e.recentCalls = append(e.recentCalls[i:], now)
	e.stats.PeakRate = max(e.stats.PeakRate, len(e.recentCalls))
}

func (e *Emulator) begin(r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stats.FirstRequest.IsZero() {
		e.stats.FirstRequest = e.now()
	}
	e.stats.Requests++
	e.inFlight++
	e.stats.PeakInFlight = max(e.stats.PeakInFlight, e.inFlight)
	if rc := r.Header.Get("X-TC-RequestClient"); rc != "" {
		e.stats.RequestClients[rc]++
	}
}

func (e *Emulator) end() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.inFlight--
	e.stats.LastResponse = e.now()
}
