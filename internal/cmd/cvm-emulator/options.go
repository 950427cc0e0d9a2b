package main

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// options are the program's flags.
type options struct {
	listen    string
	addrFile  string
	statsFile string
	fleets    fleetsFlag
	instances instancesFlag
	changes   transitionsFlag
	seed      uint64
	rateLimit float64
	// rateLimitAcrossRegions makes each action's limit one for all regions together.
	rateLimitAcrossRegions bool
	denied                 listFlag
	latency                time.Duration
	faults                 emulator.Faults
	ops                    emulator.Operations
	prepaid                string
	keys                   keyOptions
}

// flagGroup is a part of the -help page: the flags for one thing, and a command line using them.
type flagGroup struct {
	title   string
	example string
	flags   []string
}

// flagGroups are the -help page; TestEveryFlagIsInOneGroup keeps a new flag from being left out.
var flagGroups = []flagGroup{
	{"Fleet: the instances seeded in each region, with names, zones, VPCs, addresses and tags drawn from the seed",
		"cvm-emulator -fleet ap-guangzhou=1000,ap-shanghai=200 -seed 7",
		[]string{"fleet", "seed"}},
	{"Instances: named instances added after the seeded ones, with the attributes a test selects them by",
		"cvm-emulator -instance ap-guangzhou:ins-web00001=RUNNING,name=web-1,zone=ap-guangzhou-3,tag:env=prod -instance ap-guangzhou:ins-db000001=STOPPED",
		[]string{"instance", "prepaid"}},
	{"Transitions: changes the emulator makes on its own, a while after it starts",
		"cvm-emulator -instance ap-guangzhou:ins-web00005=PENDING -transition ap-guangzhou:ins-web00005=RUNNING@10s -transition ap-guangzhou:ins-web00006=LAUNCH_FAILED@5s",
		[]string{"transition"}},
	{"Limits and faults: the API's rate limits, latency, and failures injected at random",
		"cvm-emulator -rate-limit 20 -latency 150ms -throttle 0.05 -internal-error 0.01 -drop 0.01 -churn 0.1 -deny StopInstances",
		[]string{"rate-limit", "rate-limit-across-regions", "latency", "throttle", "internal-error", "drop", "churn", "fault-seed", "deny"}},
	{"Operations: how StartInstances, StopInstances and RebootInstances are carried out",
		"cvm-emulator -operation-time 10s -operation-jitter 5s -operation-failures 0.1",
		[]string{"operation-time", "operation-jitter", "operation-failures", "operation-seed"}},
	{"Keys: who may call, and the roles STS lets them take on (AssumeRole with MFA, OIDC web identities, SAML, the metadata service's CAM roles)",
		"cvm-emulator -role qcs::cam::uin/100000000001:roleName/ci,oidc=OIDC -web-identity-token OIDC=eyJhbGciOiJSUzI1NiJ9.ci.sig -role qcs::cam::uin/100000000001:roleName/admin,mfa -mfa-device qcs::cam:uin/100000000001::mfa/softToken=123456",
		[]string{"secret-id", "secret-key", "account", "role", "web-identity-token", "saml-assertion", "mfa-device", "instance-role"}},
	{"Serving",
		"cvm-emulator -listen 127.0.0.1:8080 -addr-file /tmp/cvm-emulator.addr -stats-file /tmp/cvm-emulator.json",
		[]string{"listen", "addr-file", "stats-file"}},
}

const about = `cvm-emulator serves the Tencent Cloud CVM API (DescribeInstancesStatus, DescribeInstances,
StartInstances, StopInstances, RebootInstances), STS (AssumeRole, AssumeRoleWithWebIdentity,
AssumeRoleWithSAML, GetCallerIdentity) and the metadata service's CAM roles on one local address,
with the API's wire format, signatures, paging, limits and error codes: for testing Terraform
modules and programs that use any Tencent Cloud SDK without an account. It runs until SIGINT or
SIGTERM, then prints the calls it answered.
`

func parseOptions(args []string, output io.Writer) (options, error) {
	var o options
	fs := o.flagSet(output)
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q: every setting is a flag (cvm-emulator -help lists them)", fs.Arg(0))
	}
	for _, action := range o.denied {
		if !slices.Contains(emulator.Actions(), action) {
			return o, fmt.Errorf("-deny %s: the emulator serves no such action; it serves %s", action, strings.Join(emulator.Actions(), ", "))
		}
	}
	return o, nil
}

// flagSet defines the program's flags on o, with their defaults, and the -help page on output.
func (o *options) flagSet(output io.Writer) *flag.FlagSet {
	o.fleets = fleetsFlag{"ap-guangzhou": 300}
	fs := flag.NewFlagSet("cvm-emulator", flag.ContinueOnError)
	fs.SetOutput(output)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:0", "`address` to listen on; port 0 picks a free port")
	fs.StringVar(&o.addrFile, "addr-file", "", "write the address listened on (host:port) to this `file` once serving")
	fs.StringVar(&o.statsFile, "stats-file", "", "on SIGINT or SIGTERM, write what the emulator saw (the calls of each action, the operations on each instance, ...) to this `file` as JSON")
	fs.Var(&o.fleets, "fleet", "instances to seed per region, as `region=count[,region=count...]`")
	fs.Var(&o.instances, "instance", "an instance to add after the seeded ones, as `region:ins-xxxxxxxx=STATE[,attribute=value...]` with the attributes "+
		strings.Join(slices.Sorted(maps.Keys(instanceAttributes)), ", ")+" and tag:<key>, such as "+
		"ap-guangzhou:ins-web00001=RUNNING,name=web-1,zone=ap-guangzhou-3,tag:env=prod (repeatable)")
	fs.Var(&o.changes, "transition", "a change the emulator makes on its own a while after it starts, as `region:ins-xxxxxxxx=STATE@10s`; "+
		"an instance that does not exist yet appears then, and the STATE "+terminated+" removes the instance (repeatable)")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the generated fleets")
	fs.Float64Var(&o.rateLimit, "rate-limit", 0, "requests per second of every action in each region before RequestLimitExceeded; 0 for each action's documented limit (40 Describe*, 10 Start/Stop/RebootInstances), negative for none")
	fs.BoolVar(&o.rateLimitAcrossRegions, "rate-limit-across-regions", false, "one limit of each action for all regions together, rather than one per region")
	fs.Var(&o.denied, "deny", "an `action` refused to every caller with UnauthorizedOperation, as to a sub-account without the permission (repeatable)")
	fs.DurationVar(&o.latency, "latency", 0, "latency added to every answer")
	fs.Float64Var(&o.faults.Throttle, "throttle", 0, "`fraction` of calls answered RequestLimitExceeded")
	fs.Float64Var(&o.faults.InternalError, "internal-error", 0, "`fraction` of calls answered InternalError")
	fs.Float64Var(&o.faults.Drop, "drop", 0, "`fraction` of calls whose connection is dropped without an answer")
	fs.Float64Var(&o.faults.Churn, "churn", 0, "`fraction` of calls before which an instance of the region is created or terminated")
	fs.Uint64Var(&o.faults.Seed, "fault-seed", 1, "seed of the injected faults")
	fs.DurationVar(&o.ops.Duration, "operation-time", emulator.DefaultOperationDuration, "how long StartInstances, StopInstances and RebootInstances take per instance")
	fs.DurationVar(&o.ops.Jitter, "operation-jitter", 0, "up to this much longer for each instance, at random")
	fs.Float64Var(&o.ops.FailureRate, "operation-failures", 0, "`fraction` of instance operations that fail (the instance returns to its state, LatestOperationState FAILED)")
	fs.Uint64Var(&o.ops.Seed, "operation-seed", 1, "seed of the operations' jitter and failures")
	fs.StringVar(&o.prepaid, "prepaid", "", "comma-separated `IDs` of prepaid instances, which refuse StopInstances with StoppedMode STOP_CHARGING")
	o.keys.define(fs)
	fs.Usage = func() { printHelp(fs) }
	return fs
}

// printHelp prints the flags by group, each group with an example.
func printHelp(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprintf(w, "Usage: cvm-emulator [flags]\n\n%s", about)
	for _, g := range flagGroups {
		fmt.Fprintf(w, "\n%s\n", g.title)
		for _, name := range g.flags {
			printFlag(w, fs.Lookup(name))
		}
		fmt.Fprintf(w, "  for example:\n    %s\n", g.example)
	}
}

// printFlag prints one flag as flag.PrintDefaults does, which can only print them all at once in
// the order of their names.
func printFlag(w io.Writer, f *flag.Flag) {
	name, usage := flag.UnquoteUsage(f)
	line := "  -" + f.Name
	if name != "" {
		line += " " + name
	}
	if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "0s" && f.DefValue != "[]" && f.DefValue != "false" {
		usage += fmt.Sprintf(" (default %s)", f.DefValue)
	}
	fmt.Fprintf(w, "%s\n    \t%s\n", line, strings.ReplaceAll(usage, "\n", "\n    \t"))
}
