// Command cvm-emulator serves the CVM API emulator on a local address, for the demo and for
// trying the provider without a Tencent Cloud account.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "cvm-emulator:", err)
		os.Exit(1)
	}
}

// options are the program's flags.
type options struct {
	listen    string
	addrFile  string
	secretID  string
	secretKey string
	fleets    fleetsFlag
	instances instancesFlag
	changes   transitionsFlag
	seed      uint64
	rateLimit float64
	latency   time.Duration
	faults    emulator.Faults
	ops       emulator.Operations
	prepaid   string
}

func parseOptions(args []string) (options, error) {
	o := options{fleets: fleetsFlag{"ap-guangzhou": 300}}
	fs := flag.NewFlagSet("cvm-emulator", flag.ContinueOnError)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:0", "address to listen on; port 0 picks a free port")
	fs.StringVar(&o.addrFile, "addr-file", "", "write the address listened on (host:port) to this file once serving")
	fs.StringVar(&o.secretID, "secret-id", "AKIDcvmemulator", "the SecretId the emulator accepts")
	fs.StringVar(&o.secretKey, "secret-key", "cvm-emulator-secret-key", "the SecretKey of -secret-id")
	fs.Var(&o.fleets, "fleet", "instances to seed per region, as region=count[,region=count...]")
	fs.Var(&o.instances, "instance", "an instance to add after the seeded ones, as region:ins-xxxxxxxx=STATE[,attribute=value...] with the attributes "+
		strings.Join(slices.Sorted(maps.Keys(instanceAttributes)), ", ")+" and tag:<key>, such as "+
		"ap-guangzhou:ins-web00001=RUNNING,name=web-1,zone=ap-guangzhou-3,tag:env=prod (repeatable)")
	fs.Var(&o.changes, "transition", "a change the emulator makes on its own a while after it starts, as region:ins-xxxxxxxx=STATE@10s; "+
		"an instance that does not exist yet appears then, and the STATE "+terminated+" removes the instance (repeatable)")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the generated fleets")
	fs.Float64Var(&o.rateLimit, "rate-limit", 0, "requests per second of every action before RequestLimitExceeded; 0 for each action's documented limit (40 Describe*, 10 Start/Stop/RebootInstances), negative for none")
	fs.DurationVar(&o.latency, "latency", 0, "latency added to every answer")
	fs.Float64Var(&o.faults.Throttle, "throttle", 0, "fraction of calls answered RequestLimitExceeded")
	fs.Float64Var(&o.faults.InternalError, "internal-error", 0, "fraction of calls answered InternalError")
	fs.Float64Var(&o.faults.Drop, "drop", 0, "fraction of calls whose connection is dropped without an answer")
	fs.Float64Var(&o.faults.Churn, "churn", 0, "fraction of calls before which an instance of the region is created or terminated")
	fs.Uint64Var(&o.faults.Seed, "fault-seed", 1, "seed of the injected faults")
	fs.DurationVar(&o.ops.Duration, "operation-time", emulator.DefaultOperationDuration, "how long StartInstances, StopInstances and RebootInstances take per instance")
	fs.DurationVar(&o.ops.Jitter, "operation-jitter", 0, "up to this much longer for each instance, at random")
	fs.Float64Var(&o.ops.FailureRate, "operation-failures", 0, "fraction of instance operations that fail (the instance returns to its state, LatestOperationState FAILED)")
	fs.Uint64Var(&o.ops.Seed, "operation-seed", 1, "seed of the operations' jitter and failures")
	fs.StringVar(&o.prepaid, "prepaid", "", "comma-separated IDs of prepaid instances, which refuse StopInstances with StoppedMode STOP_CHARGING")
	return o, fs.Parse(args)
}

func run(args []string) error {
	o, err := parseOptions(args)
	if err != nil {
		return err
	}
	emu := emulator.New(emulator.Config{
		Keys:       map[string]string{o.secretID: o.secretKey},
		Fleets:     o.fleets,
		Seed:       o.seed,
		RateLimit:  o.rateLimit,
		Latency:    o.latency,
		Faults:     o.faults,
		Operations: o.ops,
		Prepaid:    strings.FieldsFunc(o.prepaid, func(r rune) bool { return r == ',' }),
	})
	for _, inst := range o.instances {
		if err := emu.Put(inst.region, inst.Instance); err != nil {
			return err
		}
	}
	for _, t := range o.changes {
		if err := emu.Schedule(t); err != nil {
			return err
		}
	}

	listener, err := net.Listen("tcp", o.listen)
	if err != nil {
		return err
	}
	addr := listener.Addr().String()
	if o.addrFile != "" {
		if err := os.WriteFile(o.addrFile, []byte(addr+"\n"), 0o600); err != nil {
			return err
		}
	}
	printBanner(emu, o, addr)

	server := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = server.Shutdown(shutdown)
	}()
	if err := server.Serve(listener); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	printStats(emu.Stats())
	return nil
}

func printBanner(emu *emulator.Emulator, o options, addr string) {
	fmt.Printf("cvm-emulator: serving the CVM API (DescribeInstancesStatus, DescribeInstances, StartInstances, StopInstances, RebootInstances) on http://%s\n", addr)
	regions := map[string]bool{}
	for region := range o.fleets {
		regions[region] = true
	}
	for _, inst := range o.instances {
		regions[inst.region] = true
	}
	for _, region := range slices.Sorted(maps.Keys(regions)) {
		fmt.Printf("  %-16s %d instances\n", region, len(emu.Fleet(region)))
	}
	for _, t := range o.changes {
		fmt.Printf("  %-16s %s: %s %s after start\n", t.Region, t.ID, t.State, t.After)
	}
	fmt.Printf("  export TENCENTCLOUD_SECRET_ID=%s TENCENTCLOUD_SECRET_KEY=%s\n", o.secretID, o.secretKey)
	block := acctest.ProviderBlock(acctest.HTTP, acctest.Endpoints(addr))
	fmt.Print("  " + strings.ReplaceAll(strings.TrimSuffix(block, "\n"), "\n", "\n  ") + "\n")
}

func printStats(s emulator.Stats) {
	fmt.Printf("cvm-emulator: stopped after %d DescribeInstancesStatus calls (%d throttled, at most %d at once, at most %d in one second)\n",
		s.Calls["DescribeInstancesStatus"], s.Throttled, s.PeakInFlight, s.PeakRate)
	if n := s.Calls["DescribeInstances"]; n > 0 {
		fmt.Printf("cvm-emulator: %d DescribeInstances calls\n", n)
	}
	for _, action := range []string{"StartInstances", "StopInstances", "RebootInstances"} {
		if s.Calls[action] > 0 {
			fmt.Printf("cvm-emulator: %d %s calls, for %d instances\n", s.Calls[action], action, s.Operated[action])
		}
	}
	if s.Transitions > 0 {
		fmt.Printf("cvm-emulator: scheduled transitions made: %d\n", s.Transitions)
	}
	if len(s.Injected) > 0 {
		fmt.Printf("cvm-emulator: injected faults: %v\n", s.Injected)
	}
}

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
