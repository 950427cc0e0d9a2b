package main

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// fleetsFlag is -fleet region=count[,region=count...].
type fleetsFlag map[string]int

func (f fleetsFlag) String() string {
	var parts []string
	for region, n := range f {
		parts = append(parts, region+"="+strconv.Itoa(n))
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

func (f fleetsFlag) Set(value string) error {
	clear(f)
	for part := range strings.SplitSeq(value, ",") {
		region, count, ok := strings.Cut(part, "=")
		n, err := strconv.Atoi(count)
		if !ok || err != nil || n < 0 || !slices.Contains(emulator.Regions, region) {
			return fmt.Errorf("%q is not region=count with a known region and a count of 0 or more", part)
		}
		f[region] = n
	}
	return nil
}

// instancesFlag is -instance region:ins-xxxxxxxx=STATE, repeated.
type instancesFlag []regionInstance

type regionInstance struct {
	region string
	emulator.Instance
}

func (f *instancesFlag) String() string { return fmt.Sprint(*f) }

func (f *instancesFlag) Set(value string) error {
	inst, err := parseInstance(value)
	if err != nil {
		return err
	}
	*f = append(*f, inst)
	return nil
}

// parseInstance parses region:ins-xxxxxxxx=STATE[,attribute=value...].
func parseInstance(value string) (regionInstance, error) {
	region, rest, ok := strings.Cut(value, ":")
	id, attrs, ok2 := strings.Cut(rest, "=")
	if !ok || !ok2 || !slices.Contains(emulator.Regions, region) {
		return regionInstance{}, fmt.Errorf("%q is not region:ins-xxxxxxxx=STATE[,attribute=value...] with a known region", value)
	}
	state, attrs, _ := strings.Cut(attrs, ",")
	inst := emulator.Instance{ID: id, State: state}
	for attr := range strings.SplitSeq(attrs, ",") {
		if attr == "" {
			continue
		}
		name, v, _ := strings.Cut(attr, "=")
		if key, isTag := strings.CutPrefix(name, "tag:"); isTag && key != "" {
			if inst.Tags == nil {
				inst.Tags = map[string]string{}
			}
			inst.Tags[key] = v
			continue
		}
		set, ok := instanceAttributes[name]
		if !ok {
			return regionInstance{}, fmt.Errorf("%q in %q is not attribute=value with one of the attributes %s or tag:<key>",
				attr, value, strings.Join(slices.Sorted(maps.Keys(instanceAttributes)), ", "))
		}
		if err := set(&inst, v); err != nil {
			return regionInstance{}, fmt.Errorf("%q in %q: %w", attr, value, err)
		}
	}
	return regionInstance{region: region, Instance: inst}, nil
}

// instanceAttributes set the attributes that -instance takes.
var instanceAttributes = map[string]func(*emulator.Instance, string) error{
	"name":    func(i *emulator.Instance, v string) error { i.Name = v; return nil },
	"zone":    func(i *emulator.Instance, v string) error { i.Zone = v; return nil },
	"type":    func(i *emulator.Instance, v string) error { i.InstanceType = v; return nil },
	"image":   func(i *emulator.Instance, v string) error { i.ImageID = v; return nil },
	"vpc":     func(i *emulator.Instance, v string) error { i.VpcID = v; return nil },
	"subnet":  func(i *emulator.Instance, v string) error { i.SubnetID = v; return nil },
	"charge":  func(i *emulator.Instance, v string) error { i.ChargeType = v; return nil },
	"private": func(i *emulator.Instance, v string) error { i.PrivateIPs = append(i.PrivateIPs, v); return nil },
	"public":  func(i *emulator.Instance, v string) error { i.PublicIPs = append(i.PublicIPs, v); return nil },
	"sg": func(i *emulator.Instance, v string) error {
		i.SecurityGroupIDs = append(i.SecurityGroupIDs, v)
		return nil
	},
	"project": func(i *emulator.Instance, v string) (err error) {
		i.ProjectID, err = strconv.ParseInt(v, 10, 64)
		return err
	},
}

// transitionsFlag is -transition region:ins-xxxxxxxx=STATE@duration, repeated.
type transitionsFlag []emulator.Transition

// terminated is the pseudo-state of -transition for an instance whose termination ends: the API
// stops listing it.
const terminated = "TERMINATED"

func (f *transitionsFlag) String() string { return fmt.Sprint(*f) }

func (f *transitionsFlag) Set(value string) error {
	instance, after, ok := strings.Cut(value, "@")
	d, err := time.ParseDuration(after)
	if !ok || err != nil || d < 0 {
		return fmt.Errorf("%q is not region:ins-xxxxxxxx=STATE@duration, such as ap-guangzhou:ins-web00005=RUNNING@10s", value)
	}
	inst, err := parseInstance(instance)
	if err != nil {
		return err
	}
	*f = append(*f, emulator.Transition{Region: inst.region, Instance: inst.Instance, Terminated: inst.State == terminated, After: d})
	return nil
}
