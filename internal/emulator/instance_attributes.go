package emulator

import (
	"cmp"
	"crypto/sha256"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// zoneCount is how many availability zones each region has: <region>-1 to <region>-4.
const zoneCount = 4

// Zones are the availability zones of a region.
func Zones(region string) []string {
	zones := make([]string, zoneCount)
	for i := range zones {
		zones[i] = fmt.Sprintf("%s-%d", region, i+1)
	}
	return zones
}

// vpcCount is how many VPCs each region has; each has a subnet in every zone.
const vpcCount = 3

// VpcID is the ID of the region's k-th VPC (0 <= k < 3).
func VpcID(region string, k int) string {
	return "vpc-" + shortID(region, "vpc", fmt.Sprint(k))
}

// SubnetID is the ID of the subnet of the region's k-th VPC in zone.
func SubnetID(region string, k int, zone string) string {
	return "subnet-" + shortID(region, "subnet", fmt.Sprint(k), zone)
}

// shortID is 8 lowercase letters or digits derived from parts, the form of the API's IDs.
func shortID(parts ...string) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	sum := sha256.Sum256([]byte(strings.Join(parts, "/")))
	b := make([]byte, 8)
	for i := range b {
		b[i] = alphabet[int(sum[i])%len(alphabet)]
	}
	return string(b)
}

// instanceKind is a kind of instance in a seeded fleet: its name prefix and role tag (web, db, ...), and its size.
type instanceKind struct {
	name         string
	instanceType string
	cpu, memory  int64
}

var instanceKinds = []instanceKind{
	{"web", "S5.MEDIUM4", 2, 4},
	{"api", "S5.LARGE8", 4, 8},
	{"db", "M5.2XLARGE64", 8, 64},
	{"batch", "C5.4XLARGE32", 16, 32},
	{"cache", "MA3.LARGE16", 4, 16},
}

// The tags of seeded instances: three in four carry env, role and team.
var (
	seededEnvs  = []string{"prod", "staging", "dev"}
	seededTeams = []string{"core", "data", "platform"}
)

// images are the images instances run, by ImageId.
var images = []struct{ id, os string }{
	{"img-eb30mz89", "TencentOS Server 3.1 (TK4)"},
	{"img-487zeit5", "Ubuntu Server 22.04 LTS 64bit"},
}

// seededCreation is when the first seeded instance of a fleet was created; the others follow a
// minute apart, in listing order.
var seededCreation = time.Date(2025, 1, 6, 8, 0, 0, 0, time.UTC)

// seededAttributes gives inst, about to be seeded, the attributes of a fleet that has grown over
// time: a kind (web, api, db, batch, cache) that names it (web-1, web-2, ...) and sizes it, a zone,
// a VPC and subnet, a project, addresses and, for three in four, the tags env, role and team.
// They are drawn from its ID, so that a seed always gives the same fleet.
func (f *fleet) seededAttributes(inst Instance) Instance {
	h := fnv.New64a()
	_, _ = h.Write([]byte(inst.ID)) // a hash.Hash never fails to write
	rng := rand.New(rand.NewPCG(h.Sum64(), 0x6a09e667f3bcc908))
	r := instanceKinds[rng.IntN(len(instanceKinds))]
	f.named[r.name]++
	zone := Zones(f.region)[rng.IntN(zoneCount)]
	vpc := rng.IntN(vpcCount)
	inst.Name = fmt.Sprintf("%s-%d", r.name, f.named[r.name])
	inst.InstanceType, inst.CPU, inst.Memory = r.instanceType, r.cpu, r.memory
	inst.Zone = zone
	inst.VpcID, inst.SubnetID = VpcID(f.region, vpc), SubnetID(f.region, vpc, zone)
	inst.ProjectID = []int64{0, 1001234, 1005678}[rng.IntN(3)]
	img := images[rng.IntN(len(images))]
	inst.ImageID, inst.OsName = img.id, img.os
	inst.SecurityGroupIDs = []string{"sg-" + shortID(f.region, "sg", r.name)}
	if r.name == "web" || rng.IntN(4) == 0 {
		n := len(f.instances)
		inst.PublicIPs = []string{fmt.Sprintf("203.0.%d.%d", n/250%256, n%250+1)}
	}
	if rng.IntN(4) != 0 {
		inst.Tags = map[string]string{
			"env":  seededEnvs[rng.IntN(len(seededEnvs))],
			"role": r.name,
			"team": seededTeams[rng.IntN(len(seededTeams))],
		}
	}
	inst.CreatedTime = seededCreation.Add(time.Duration(len(f.instances)) * time.Minute)
	return inst
}

// withLaunchDefaults fills in the attributes of a new instance that are left zero with what an instance
// launched with the console's defaults has: the region's first zone, VPC and subnet, a private
// address of its own, the smallest type, the first image, no project, no tags, pay-as-you-go,
// created at now.
func (f *fleet) withLaunchDefaults(inst Instance, now time.Time) Instance {
	n := len(f.instances)
	zone := cmp.Or(inst.Zone, Zones(f.region)[0])
	inst.Zone = zone
	inst.Name = cmp.Or(inst.Name, "Unnamed")
	inst.InstanceType = cmp.Or(inst.InstanceType, instanceKinds[0].instanceType)
	inst.CPU = cmp.Or(inst.CPU, instanceKinds[0].cpu)
	inst.Memory = cmp.Or(inst.Memory, instanceKinds[0].memory)
	inst.ImageID = cmp.Or(inst.ImageID, images[0].id)
	inst.OsName = cmp.Or(inst.OsName, images[0].os)
	inst.VpcID = cmp.Or(inst.VpcID, VpcID(f.region, 0))
	inst.SubnetID = cmp.Or(inst.SubnetID, SubnetID(f.region, 0, zone))
	if len(inst.PrivateIPs) == 0 {
		inst.PrivateIPs = []string{fmt.Sprintf("10.%d.%d.%d", slices.Index(Zones(f.region), zone)+1, n/250%256, n%250+2)}
	}
	inst.ChargeType = cmp.Or(inst.ChargeType, "POSTPAID_BY_HOUR")
	if inst.UUID == "" {
		sum := sha256.Sum256([]byte(f.region + "/" + inst.ID))
		inst.UUID = fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
	}
	if inst.CreatedTime.IsZero() {
		inst.CreatedTime = now.UTC().Truncate(time.Second)
	}
	return inst
}

// merge is cur with its state and every attribute that change gives (not zero) replaced.
func merge(cur, change Instance) Instance {
	cur.State = cmp.Or(change.State, cur.State)
	cur.Name = cmp.Or(change.Name, cur.Name)
	cur.Zone = cmp.Or(change.Zone, cur.Zone)
	cur.ProjectID = cmp.Or(change.ProjectID, cur.ProjectID)
	cur.InstanceType = cmp.Or(change.InstanceType, cur.InstanceType)
	cur.CPU = cmp.Or(change.CPU, cur.CPU)
	cur.Memory = cmp.Or(change.Memory, cur.Memory)
	cur.ImageID = cmp.Or(change.ImageID, cur.ImageID)
	cur.OsName = cmp.Or(change.OsName, cur.OsName)
	cur.VpcID = cmp.Or(change.VpcID, cur.VpcID)
	cur.SubnetID = cmp.Or(change.SubnetID, cur.SubnetID)
	cur.ChargeType = cmp.Or(change.ChargeType, cur.ChargeType)
	cur.HostID = cmp.Or(change.HostID, cur.HostID)
	cur.DedicatedClusterID = cmp.Or(change.DedicatedClusterID, cur.DedicatedClusterID)
	cur.UUID = cmp.Or(change.UUID, cur.UUID)
	if !change.CreatedTime.IsZero() {
		cur.CreatedTime = change.CreatedTime
	}
	if !change.ExpiredTime.IsZero() {
		cur.ExpiredTime = change.ExpiredTime
	}
	for _, list := range []struct{ to, from *[]string }{
		{&cur.PrivateIPs, &change.PrivateIPs}, {&cur.PublicIPs, &change.PublicIPs},
		{&cur.IPv6s, &change.IPv6s}, {&cur.SecurityGroupIDs, &change.SecurityGroupIDs},
	} {
		if *list.from != nil {
			*list.to = *list.from
		}
	}
	if change.Tags != nil {
		cur.Tags = change.Tags
	}
	return cur
}
