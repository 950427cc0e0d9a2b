package emulator

import (
	"math/rand/v2"
	"net"
	"net/http"
)

// Faults are failures the emulator injects. Each call that passes authentication and the rate
// limit draws once from a source seeded with Seed: it is dropped with probability Drop, answered
// RequestLimitExceeded with probability Throttle, or InternalError with probability
// InternalError.
type Faults struct {
	Seed          uint64
	Drop          float64
	Throttle      float64
	InternalError float64
	// Churn is the probability that the fleet of a DescribeInstancesStatus call's region changes
	// just before the call is answered: an instance is created or one is terminated, with even
	// odds, which shifts the instances after it in the listing.
	Churn float64
	// MaxChurn stops the changes after so many; 0 means no limit.
	MaxChurn int
}

// The names under which Stats.Injected counts each fault.
const (
	FaultDrop          = "drop"
	FaultThrottle      = "throttle"
	FaultInternalError = "internal_error"
	FaultChurn         = "churn"
)

// errDrop is the answer of a call whose connection is to be dropped: it is never written.
var errDrop = &apiError{Code: "(connection dropped)"}

// injectFault draws the fault of one call; e.mu is held.
func (e *Emulator) injectFault() *apiError {
	f := e.faults
	switch p := e.faultRand.Float64(); {
	case p < f.Drop:
		e.stats.Injected[FaultDrop]++
		return errDrop
	case p < f.Drop+f.Throttle:
		e.stats.Injected[FaultThrottle]++
		e.stats.Throttled++
		return &apiError{"RequestLimitExceeded", "Your current request times exceeds the limit; please try again later."}
	case p < f.Drop+f.Throttle+f.InternalError:
		e.stats.Injected[FaultInternalError]++
		return &apiError{"InternalError", "An internal error has occurred. Retry your request, but if the problem persists, contact us."}
	}
	return nil
}

// churn may change the region's fleet before a call reads it; e.mu is held.
func (e *Emulator) churn(region string) {
	f := e.faults
	if f.Churn == 0 || (f.MaxChurn > 0 && e.stats.Injected[FaultChurn] >= f.MaxChurn) || e.faultRand.Float64() >= f.Churn {
		return
	}
	e.stats.Injected[FaultChurn]++
	fl := e.fleet(region)
	if len(fl.instances) > 0 && e.faultRand.IntN(2) == 0 {
		fl.delete(fl.instances[e.faultRand.IntN(len(fl.instances))].ID)
		return
	}
	fl.seed(e.faultRand, 1, e.now())
}

// dropConnection closes the connection under the request without an answer, with a TCP reset,
// as a failing load balancer does.
func dropConnection(w http.ResponseWriter) {
	hijacker, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hijacker.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

func newFaultRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d))
}
