// Package emulator is a local stand-in for the Tencent Cloud CVM API 3.0: it speaks the same wire
// protocol, checks TC3-HMAC-SHA256 signatures, answers DescribeInstancesStatus and
// DescribeInstances with the real paging semantics, limits and error codes over seeded fleets, and
// carries out StartInstances, StopInstances and RebootInstances asynchronously, as the service
// does. It knows only the wire protocol, so it imports neither the provider nor its API layer.
package emulator

import (
	"cmp"
	"context"
	"errors"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxBodyBytes is the API's limit on a request body.
const maxBodyBytes = 10 << 20

// Config describes an emulator. The zero value is an emulator with no keys and empty regions.
type Config struct {
	// Keys maps each SecretId the emulator accepts to its SecretKey (cvm-emulator and the demo
	// accept DefaultSecretID and DefaultSecretKey).
	Keys map[string]string
	// Fleets is the number of instances seeded in each region.
	Fleets map[string]int
	// Instances are instances put into each region after the seeded ones, with the attributes
	// they give (see Instance).
	Instances map[string][]Instance
	// Seed makes the seeded fleets reproducible.
	Seed uint64
	// RateLimit is the requests per second each action accepts in each region before it answers
	// RequestLimitExceeded (a token bucket per action and region whose burst equals the rate), as
	// the API's limits hold per action and region. Zero means each action's documented limit (40
	// for the Describe actions, 10 for StartInstances, StopInstances and RebootInstances); a
	// negative value turns the limit off.
	RateLimit float64
	// RateLimitAcrossRegions makes each action's limit one for all regions together, as an
	// account's limit would be if it spanned regions.
	RateLimitAcrossRegions bool
	// DeniedActions are the actions the keys may not call: each is refused with
	// UnauthorizedOperation, as the API refuses a sub-account whose policy does not allow it.
	DeniedActions []string
	// Latency is added to every answer.
	Latency time.Duration
	// Now is the server's one clock: request timestamps, the expiry of temporary keys, the rate
	// limit and the statistics all read it. Nil means time.Now.
	Now func() time.Time
	// Faults are the failures to inject.
	Faults Faults
	// Account is the account (root UIN) the keys belong to; "" means DefaultAccount. The keys of
	// a role belong to the account in its ARN.
	Account string
	// Roles are the roles STS can let clients take on, by RoleArn.
	Roles map[string]Role
	// WebIdentityTokens are the OIDC tokens AssumeRoleWithWebIdentity accepts.
	WebIdentityTokens map[string]WebIdentityToken
	// SAMLAssertions are the (base64) SAML assertions AssumeRoleWithSAML accepts, each with the
	// PrincipalArn of the identity provider that issued it.
	SAMLAssertions map[string]string
	// MFADevices are the MFA devices AssumeRole checks codes against: serial number -> the code
	// the device shows.
	MFADevices map[string]string
	// InstanceRoles are the CAM roles bound to the emulated instance, whose temporary keys the
	// metadata service hands out.
	InstanceRoles []string
	// RoleKeyLifetime is how long the metadata service's keys last; zero means 6 hours.
	RoleKeyLifetime time.Duration
	// Transitions are changes the emulator makes to instances on its own, after the seeded fleets
	// are in place: instances that finish launching, fail to, or appear.
	Transitions []Transition
	// Operations are how StartInstances, StopInstances and RebootInstances are carried out.
	Operations Operations
	// Prepaid are the IDs of the instances charged monthly (PREPAID), which refuse
	// StopInstances with StoppedMode STOP_CHARGING.
	Prepaid []string
}

// Emulator is an http.Handler serving the emulated API at "/".
type Emulator struct {
	now     func() time.Time
	latency time.Duration

	account           string
	roles             map[string]Role
	webIdentityTokens map[string]WebIdentityToken
	samlAssertions    map[string]string
	mfaDevices        map[string]string
	instanceRoles     []string
	roleKeyLifetime   time.Duration

	mu     sync.Mutex
	keys   map[string]key
	fleets map[string]*fleet
	// limiters are the rate limits, by action and region (by action alone across regions).
	limiters     map[limitKey]*rate.Limiter
	rateLimit    float64 // Config.RateLimit
	limitRegions bool
	denied       map[string]bool
	faults       Faults
	faultRand    *rand.Rand
	// pending are the scheduled transitions not yet made, sorted by when they are due.
	pending []scheduled
	ops     Operations
	opsRand *rand.Rand
	prepaid map[string]bool
	// latest and holds are, by region/id, each instance's latest operation and another client's
	// task that holds it.
	latest   map[string]*LatestOperation
	holds    map[string]hold
	stats    Stats
	inFlight int
	// recentCalls are the times of the calls in the last second, for Stats.PeakRate.
	recentCalls []time.Time
}

// New returns an emulator with the fleets of cfg seeded and its transitions scheduled. It panics
// on a transition that could never happen (a malformed ID, an unknown region), as that is a
// mistake in the caller's code.
func New(cfg Config) *Emulator {
	e := &Emulator{
		now:               cfg.Now,
		latency:           cfg.Latency,
		account:           cmp.Or(cfg.Account, DefaultAccount),
		roles:             maps.Clone(cfg.Roles),
		webIdentityTokens: maps.Clone(cfg.WebIdentityTokens),
		samlAssertions:    maps.Clone(cfg.SAMLAssertions),
		mfaDevices:        map[string]string{},
		instanceRoles:     slices.Clone(cfg.InstanceRoles),
		roleKeyLifetime:   cmp.Or(cfg.RoleKeyLifetime, defaultRoleKeyLifetime),
		keys:              map[string]key{},
		fleets:            map[string]*fleet{},
		limiters:          map[limitKey]*rate.Limiter{},
		limitRegions:      !cfg.RateLimitAcrossRegions,
		denied:            map[string]bool{},
		faults:            cfg.Faults,
		ops:               cfg.Operations,
		opsRand:           rand.New(rand.NewPCG(cfg.Operations.Seed, cfg.Operations.Seed^0x2545f4914f6cdd1d)),
		prepaid:           map[string]bool{},
		latest:            map[string]*LatestOperation{},
		holds:             map[string]hold{},
		stats: Stats{Calls: map[string]int{}, Injected: map[string]int{}, Tokens: map[string]int{},
			RequestClients: map[string]int{}, Operated: map[string]int{}, OperationsOn: map[string]int{}, IDsPerCall: map[string][]int{},
			WebIdentityTokens: map[string]int{}},
	}
	e.ops.Duration = cmp.Or(e.ops.Duration, DefaultOperationDuration)
	for _, id := range cfg.Prepaid {
		e.prepaid[id] = true
	}
	e.faultRand = newFaultRand(cfg.Faults.Seed)
	if e.now == nil {
		e.now = time.Now
	}
	maps.Copy(e.mfaDevices, cfg.MFADevices)
	for id, secret := range cfg.Keys {
		e.keys[id] = key{secret: secret, caller: callerIdentity{
			account: e.account, arn: "qcs::cam::uin/" + e.account + ":uin/" + e.account, userID: e.account, kind: "CAMUser",
		}}
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	// Seed regions in a fixed order so that a seed always gives the same fleets.
	for _, region := range slices.Sorted(maps.Keys(cfg.Fleets)) {
		e.fleet(region).seed(rng, cfg.Fleets[region], e.now())
	}
	for _, region := range slices.Sorted(maps.Keys(cfg.Instances)) {
		for _, inst := range cfg.Instances[region] {
			if err := e.Put(region, inst); err != nil {
				panic("emulator: " + err.Error())
			}
		}
	}
	for _, t := range cfg.Transitions {
		if err := e.schedule(t); err != nil {
			panic("emulator: " + err.Error())
		}
	}
	e.rateLimit = cfg.RateLimit
	for _, action := range cfg.DeniedActions {
		e.denied[action] = true
	}
	return e
}

// Fleet returns a copy of the region's instances as of now, in the API's listing order (creation
// order), each as DescribeInstances describes it.
func (e *Emulator) Fleet(region string) []Instance {
	e.mu.Lock()
	defer e.mu.Unlock()
	instances := e.fleet(region).instances
	fleet := make([]Instance, len(instances))
	for i, inst := range instances {
		fleet[i] = e.withCharge(inst.clone())
	}
	return fleet
}

// Put creates an instance at the end of the region's listing, with defaults for the attributes it
// leaves out, or changes the state and the attributes given of an existing one.
func (e *Emulator) Put(region string, inst Instance) error {
	if err := validInstance(inst); err != nil {
		return err
	}
	if err := validPlacement(region, inst); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.fleet(region).put(inst, e.now())
	return nil
}

// SetFaults replaces the faults to inject from now on.
func (e *Emulator) SetFaults(f Faults) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = f
	e.faultRand = newFaultRand(f.Seed)
}

// fleet returns the region's fleet as of now, with the transitions that are due made; e.mu is held.
func (e *Emulator) fleet(region string) *fleet {
	e.applyDue()
	return e.regionFleet(region)
}

// regionFleet returns the region's fleet, made empty on first use; e.mu is held.
func (e *Emulator) regionFleet(region string) *fleet {
	f, ok := e.fleets[region]
	if !ok {
		f = newFleet(region)
		e.fleets[region] = f
	}
	return f
}

// ServeHTTP answers one API 3.0 request, or a request to the metadata service.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, metadataRolesPath) {
		e.serveMetadata(w, r)
		return
	}
	requestID := newRequestID()
	e.begin(r)
	defer e.end()

	result, apiErr := e.serve(r, requestID)
	if err := sleep(r.Context(), e.latency); err != nil {
		return
	}
	switch {
	case apiErr == errDrop:
		dropConnection(w)
	case apiErr != nil:
		writeError(w, requestID, apiErr)
	default:
		writeResponse(w, requestID, result)
	}
}

func (e *Emulator) serve(r *http.Request, requestID string) (map[string]any, *apiError) {
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		return nil, &apiError{"InvalidParameter", "This endpoint accepts only POST / with a JSON body, as the Tencent Cloud SDKs send it."}
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, &apiError{"RequestSizeLimitExceeded", "The request body exceeds 10 MB."}
		}
		return nil, &apiError{"InvalidParameter", "The request body could not be read: " + err.Error()}
	}

	name := r.Header.Get("X-TC-Action")
	act, ok := actions[name]
	switch {
	case name == "":
		return nil, &apiError{"MissingParameter", "The request is missing the X-TC-Action header."}
	case !ok:
		return nil, &apiError{"InvalidAction", "The action " + name + " does not exist."}
	case r.Header.Get("X-TC-Version") != act.version:
		return nil, &apiError{"NoSuchVersion", "The version " + r.Header.Get("X-TC-Version") + " of " + name + " does not exist; it is " + act.version + "."}
	}
	var caller callerIdentity
	// An action that needs no keys (the SDK sends Authorization: SKIP) is still checked like any
	// other when it is signed.
	if !act.unsigned || r.Header.Get("Authorization") != "SKIP" {
		k, apiErr := e.authenticate(r, body, act.service)
		if apiErr != nil {
			return nil, apiErr
		}
		caller = k.caller
	}
	region := r.Header.Get("X-TC-Region")
	if act.regional {
		if region == "" {
			return nil, &apiError{"MissingParameter", "The request is missing the X-TC-Region header."}
		}
		if !slices.Contains(Regions, region) {
			return nil, &apiError{"UnsupportedRegion", "The region " + region + " is not supported."}
		}
	}
	if apiErr := e.countAndAdmit(name, region, caller); apiErr != nil {
		return nil, apiErr
	}
	return act.handle(e, call{region: region, requestID: requestID, body: body, caller: caller})
}

// authenticate checks the request's signature and returns the key that made it.
func (e *Emulator) authenticate(r *http.Request, body []byte, service string) (key, *apiError) {
	header := r.Header.Get("Authorization")
	if header == "" {
		return key{}, &apiError{"AuthFailure.SignatureFailure", "The request is not signed: the Authorization header is missing."}
	}
	auth, apiErr := parseAuthorization(header)
	if apiErr != nil {
		return key{}, apiErr
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	k, ok := e.keys[auth.secretID]
	if !ok {
		return key{}, &apiError{"AuthFailure.SecretIdNotFound", "The SecretId is not found, please ensure that your SecretId is correct."}
	}
	if apiErr := verifySignature(r, body, auth, k.secret, service, e.now()); apiErr != nil {
		return key{}, apiErr
	}
	return k, e.checkToken(r, k)
}

// limitKey names the rate limit a call counts against: its action's, in its region unless the
// limits span regions.
type limitKey struct{ action, region string }

// countAndAdmit counts the call, then applies the rate limit of its action in its region, the actions
// denied to the caller and the injected faults.
func (e *Emulator) countAndAdmit(action, region string, caller callerIdentity) *apiError {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stats.Calls[action]++
	e.countRate(e.now())
	if !e.limiter(action, region).AllowN(e.now(), 1) {
		e.stats.Throttled++
		return &apiError{"RequestLimitExceeded", "Your current request times exceeds the limit of " + action + "; please try again later."}
	}
	if e.denied[action] {
		return &apiError{"UnauthorizedOperation", "The caller " + caller.arn + " is not authorized to perform " +
			actions[action].service + ":" + action + " on any resource: no policy of the account allows it."}
	}
	return e.injectFault()
}

// Deny refuses action to every caller from now on, with UnauthorizedOperation.
func (e *Emulator) Deny(action string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.denied[action] = true
}

// limiter is the rate limit of action in region, made at its first call; e.mu is held.
func (e *Emulator) limiter(action, region string) *rate.Limiter {
	k := limitKey{action: action}
	if e.limitRegions {
		k.region = region
	}
	l, ok := e.limiters[k]
	if !ok {
		if limit := cmp.Or(e.rateLimit, actions[action].rateLimit); limit < 0 {
			l = rate.NewLimiter(rate.Inf, 0)
		} else {
			l = rate.NewLimiter(rate.Limit(limit), int(math.Ceil(limit)))
		}
		e.limiters[k] = l
	}
	return l
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
