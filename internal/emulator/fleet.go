package emulator

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Instance is one CVM instance: its state, and the attributes that DescribeInstances reports and
// its Filters select on. An attribute left zero when an instance is created gets a default (see
// withLaunchDefaults); when an existing instance is put again, only the attributes given change.
type Instance struct {
	ID    string
	State string

	Name         string
	Zone         string // one of the region's zones, such as ap-guangzhou-3
	ProjectID    int64
	InstanceType string
	CPU          int64 // cores
	Memory       int64 // GB
	ImageID      string
	OsName       string
	VpcID        string
	SubnetID     string
	PrivateIPs   []string
	PublicIPs    []string
	IPv6s        []string
	// SecurityGroupIDs are the security groups the instance is in.
	SecurityGroupIDs []string
	Tags             map[string]string
	// ChargeType is POSTPAID_BY_HOUR (the default), PREPAID, CDHPAID or SPOTPAID.
	ChargeType         string
	HostID             string // the CDH host it runs on, if any
	DedicatedClusterID string // the CDC it runs in, if any
	UUID               string
	CreatedTime        time.Time
	// ExpiredTime is when a prepaid instance's term ends: a month after its creation unless
	// given; zero for the others.
	ExpiredTime time.Time
}

// clone is a copy of inst that shares nothing with it.
func (inst Instance) clone() Instance {
	inst.PrivateIPs = slices.Clone(inst.PrivateIPs)
	inst.PublicIPs = slices.Clone(inst.PublicIPs)
	inst.IPv6s = slices.Clone(inst.IPv6s)
	inst.SecurityGroupIDs = slices.Clone(inst.SecurityGroupIDs)
	inst.Tags = maps.Clone(inst.Tags)
	return inst
}

// States are the instance states the API documents, in its order.
var States = []string{
	"PENDING", "LAUNCH_FAILED", "RUNNING", "STOPPED", "STARTING", "STOPPING", "REBOOTING",
	"SHUTDOWN", "TERMINATING", "ENTER_RESCUE_MODE", "RESCUE_MODE", "EXIT_RESCUE_MODE",
	"ENTER_SERVICE_LIVE_MIGRATE", "SERVICE_LIVE_MIGRATE", "EXIT_SERVICE_LIVE_MIGRATE",
}

// Regions are the regions the emulator accepts; a region without a seeded fleet is empty.
var Regions = []string{
	"ap-bangkok", "ap-beijing", "ap-chengdu", "ap-chongqing", "ap-guangzhou", "ap-hongkong",
	"ap-jakarta", "ap-mumbai", "ap-nanjing", "ap-seoul", "ap-shanghai", "ap-shanghai-fsi",
	"ap-shenzhen-fsi", "ap-singapore", "ap-tokyo", "eu-frankfurt", "na-ashburn",
	"na-siliconvalley", "sa-saopaulo",
}

// InstanceIDPattern is the form of a CVM instance ID.
var InstanceIDPattern = regexp.MustCompile(`^ins-[a-z0-9]{8}$`)

// fleet holds one region's instances in creation order, which is the API's listing order.
type fleet struct {
	region    string
	instances []Instance
	index     map[string]int
	// named counts the instances given a name of each role, for the names of seeded ones.
	named map[string]int
}

func newFleet(region string) *fleet {
	return &fleet{region: region, index: map[string]int{}, named: map[string]int{}}
}

// seed adds n instances created at now, with random IDs, a realistic spread of states (mostly
// running, some stopped, a few in transition) and the attributes of seeded instances.
func (f *fleet) seed(rng *rand.Rand, n int, now time.Time) {
	for range n {
		id := randomInstanceID(rng)
		for f.has(id) {
			id = randomInstanceID(rng)
		}
		f.put(f.seededAttributes(Instance{ID: id, State: randomState(rng)}), now)
	}
}

func randomInstanceID(rng *rand.Rand) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := []byte("ins-00000000")
	for i := 4; i < len(b); i++ {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

func randomState(rng *rand.Rand) string {
	switch p := rng.IntN(100); {
	case p < 80:
		return "RUNNING"
	case p < 92:
		return "STOPPED"
	default:
		return States[rng.IntN(len(States))]
	}
}

func (f *fleet) has(id string) bool {
	_, ok := f.index[id]
	return ok
}

// put creates the instance at the end of the listing, with defaults for the attributes left zero
// and created at now unless it says otherwise, or changes the state and the attributes given of
// an existing one.
func (f *fleet) put(inst Instance, now time.Time) {
	inst = inst.clone()
	if i, ok := f.index[inst.ID]; ok {
		f.instances[i] = merge(f.instances[i], inst)
		return
	}
	f.index[inst.ID] = len(f.instances)
	f.instances = append(f.instances, f.withLaunchDefaults(inst, now))
}

// delete removes an instance, as termination does.
func (f *fleet) delete(id string) {
	i, ok := f.index[id]
	if !ok {
		return
	}
	f.instances = slices.Delete(f.instances, i, i+1)
	delete(f.index, id)
	for j := i; j < len(f.instances); j++ {
		f.index[f.instances[j].ID] = j
	}
}

// matching returns the instances whose IDs are in ids (every instance when ids is empty, as the
// API treats an absent InstanceIds), each once, in listing order.
func (f *fleet) matching(ids []string) []Instance {
	if len(ids) == 0 {
		return f.instances
	}
	positions := make([]int, 0, len(ids))
	for _, id := range ids {
		if i, ok := f.index[id]; ok {
			positions = append(positions, i)
		}
	}
	slices.Sort(positions)
	positions = slices.Compact(positions)
	out := make([]Instance, len(positions))
	for j, i := range positions {
		out[j] = f.instances[i]
	}
	return out
}

func validInstance(inst Instance) error {
	if err := validID(inst.ID); err != nil {
		return err
	}
	if inst.State == "" {
		return fmt.Errorf("instance %s has no state", inst.ID)
	}
	return nil
}

// validPlacement checks that region is one the emulator serves and inst's zone, if given, one of it.
func validPlacement(region string, inst Instance) error {
	if !slices.Contains(Regions, region) {
		return fmt.Errorf("the region %q of %s is not one the emulator serves", region, inst.ID)
	}
	if inst.Zone != "" && !slices.Contains(Zones(region), inst.Zone) {
		return fmt.Errorf("the zone %q of %s is not one of %s: %s", inst.Zone, inst.ID, region, strings.Join(Zones(region), ", "))
	}
	return nil
}

func validID(id string) error {
	if !InstanceIDPattern.MatchString(id) {
		return fmt.Errorf("instance id %q does not match %s", id, InstanceIDPattern)
	}
	return nil
}
