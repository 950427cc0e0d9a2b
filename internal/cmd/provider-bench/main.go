// Command provider-bench measures the provider as users run it: built as its own binary,
// installed through a dev_overrides CLI configuration, driven by the Terraform CLI against the
// emulator with a realistic latency and the API's rate limits. Five benchmarks:
//
//   - reads: the data source at each fleet size, read five ways (the whole region, every
//     instance by ID, the half of the instances in two of the region's four zones, selected by a
//     filter, and the first two with details): API calls against their floor, the read's duration against its lower bound,
//     the provider's peak RSS and Terraform's run time;
//   - resources: fleets of qcloud_cvm_instance_state resources at each -parallelism, refreshed
//     (terraform plan) and switched from RUNNING to STOPPED (terraform apply): calls and times;
//   - shared: several runs at once that list one region each, sharing the API's quota: how many
//     calls were throttled, the API's busy window against its bound, each run's time;
//   - joining: what joining calls costs or saves where it could cost: one data source of one ID
//     and 20 of one ID each at each latency, five regions read at once, and a refusal that
//     concerns every caller;
//   - official: 2,000 instances read by tag through this provider and through the official
//     tencentcloud provider's tencentcloud_instances, given a build of it with
//     -official-provider-dir.
//
// With -before-provider-dir, the resources, shared and joining benchmarks run a second provider build too
// (an earlier commit's), so that one run compares the two. It works on Linux, where /proc gives the
// peak RSS.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

const (
	region    = "ap-guangzhou"
	secretID  = "AKIDproviderbench"
	secretKey = "provider-bench-secret-key"
	pageSize  = 100
)

type options struct {
	providerDir, beforeDir string
	officialDir            string
	terraform              string
	cli                    acctest.CLI
	benchmarks             []string
	sizes                  []int
	reads                  string
	resources, parallelism []int
	latencies              []time.Duration // of the resources and joining benchmarks
	repeat                 int
	sharedRuns, sharedSize int
	latency                time.Duration
	rateLimit              float64
}

func main() {
	o := options{}
	var benchmarks, sizes, resources, parallelism, latencies string
	flag.StringVar(&o.providerDir, "provider-dir", ".bin", "folder holding the built terraform-provider-qcloud")
	flag.StringVar(&o.beforeDir, "before-provider-dir", "", "folder holding another build to compare with in the resources and shared benchmarks")
	flag.StringVar(&o.officialDir, "official-provider-dir", "", "folder holding a build of the official tencentcloud provider, for the official benchmark")
	flag.StringVar(&o.terraform, "terraform", "terraform", "the Terraform CLI")
	flag.StringVar(&benchmarks, "benchmarks", "reads,resources,shared,joining,official", "benchmarks to run: reads, resources, shared, joining, official")
	flag.StringVar(&sizes, "sizes", "1000,10000,100000", "fleet sizes of the reads benchmark")
	flag.StringVar(&o.reads, "reads", "list all,by ID,by filter,list all with details,by ID with details", "ways of reading to measure: list all, by ID, by filter, and the first two with details (details = true)")
	flag.StringVar(&resources, "resources", "300,1000", "numbers of resources of the resources benchmark")
	flag.StringVar(&parallelism, "parallelism", "10,100", "Terraform's -parallelism values of the resources benchmark")
	flag.StringVar(&latencies, "latencies", "30ms,150ms,250ms", "latencies the emulator adds in the resources and joining benchmarks: the region's API seen from the region, from afar, from far away")
	flag.IntVar(&o.repeat, "repeat", 3, "runs of each data source case of the joining benchmark, of which the median is reported")
	flag.IntVar(&o.sharedRuns, "shared-runs", 8, "runs at once in the shared benchmark")
	flag.IntVar(&o.sharedSize, "shared-size", 10000, "instances each run of the shared benchmark lists")
	flag.DurationVar(&o.latency, "latency", 150*time.Millisecond, "latency the emulator adds to every answer in the reads and shared benchmarks")
	flag.Float64Var(&o.rateLimit, "rate-limit", emulator.DescribeRateLimit, "the emulator's limit and the provider's rate_limit, per second, in the reads and shared benchmarks")
	flag.Parse()
	o.benchmarks = strings.Split(benchmarks, ",")
	o.sizes, o.resources, o.parallelism = numbers("-sizes", sizes), numbers("-resources", resources), numbers("-parallelism", parallelism)
	o.latencies = durations("-latencies", latencies)
	var err error
	if o.providerDir, err = filepath.Abs(o.providerDir); err != nil {
		fail(err)
	}
	if o.beforeDir != "" {
		if o.beforeDir, err = filepath.Abs(o.beforeDir); err != nil {
			fail(err)
		}
	}
	if o.cli, err = acctest.FindCLI(o.terraform); err != nil {
		fail(err)
	}
	fmt.Printf("provider-bench: Terraform v%s\n", o.cli.Version)
	if slices.Contains(o.benchmarks, "reads") {
		runReads(o)
	}
	if slices.Contains(o.benchmarks, "resources") {
		runResources(o)
	}
	if slices.Contains(o.benchmarks, "shared") {
		runShared(o)
	}
	if slices.Contains(o.benchmarks, "joining") {
		runJoining(o)
	}
	if slices.Contains(o.benchmarks, "official") {
		runOfficial(o)
	}
}

// build is a provider build to measure, by name, and the folder that holds it.
type build struct{ name, dir string }

// builds are the provider builds to measure: the one to compare with if given, then this one.
func (o options) builds() []build {
	if o.beforeDir != "" {
		return []build{{"before", o.beforeDir}, {"this", o.providerDir}}
	}
	return []build{{"this", o.providerDir}}
}

func runReads(o options) {
	fmt.Printf("\nreads: the data source, emulator latency %s, rate limit %g/s\n", o.latency, o.rateLimit)
	var results []readResult
	for _, n := range o.sizes {
		for mode := range strings.SplitSeq(o.reads, ",") {
			r, err := measureRead(o, n, mode)
			if err != nil {
				fail(fmt.Errorf("%d instances, %s: %w", n, mode, err))
			}
			results = append(results, r)
		}
	}
	reportReads(results)
}

func runResources(o options) {
	fmt.Printf("\nresources: qcloud_cvm_instance_state, the API's limits (40 reads and 10 operations per second)\n")
	var results []resourceResult
	for _, latency := range o.latencies {
		for _, n := range o.resources {
			for _, p := range o.parallelism {
				for _, b := range o.builds() {
					r, err := measureResources(o, b.name, b.dir, latency, n, p)
					if err != nil {
						fail(fmt.Errorf("%d resources at -parallelism=%d, %s, %s: %w", n, p, latency, b.name, err))
					}
					results = append(results, r)
				}
			}
		}
	}
	reportResources(results)
}

func runShared(o options) {
	if o.sharedRuns < 1 {
		return
	}
	fmt.Printf("\nshared: %d runs at once, emulator latency %s, rate limit %g/s, each run's rate_limit %g\n", o.sharedRuns, o.latency, o.rateLimit, o.rateLimit)
	var results []sharedResult
	for _, b := range o.builds() {
		r, err := measureShared(o, b.name, b.dir, o.sharedRuns, o.sharedSize)
		if err != nil {
			fail(fmt.Errorf("%d shared runs, %s: %w", o.sharedRuns, b.name, err))
		}
		results = append(results, r)
	}
	reportShared(results)
}

func numbers(flagName, list string) []int {
	return listOf(flagName, list, "a positive number", func(field string) (int, bool) {
		n, err := strconv.Atoi(field)
		return n, err == nil && n >= 1
	})
}

func durations(flagName, list string) []time.Duration {
	return listOf(flagName, list, "a duration", func(field string) (time.Duration, bool) {
		d, err := time.ParseDuration(field)
		return d, err == nil && d >= 0
	})
}

// listOf is the comma-separated list of the flag flagName, each field parsed by parse, which says
// whether it is what the flag takes.
func listOf[T any](flagName, list, what string, parse func(string) (T, bool)) []T {
	var values []T
	for field := range strings.SplitSeq(list, ",") {
		v, ok := parse(field)
		if !ok {
			fail(fmt.Errorf("%s: %q is not %s", flagName, field, what))
		}
		values = append(values, v)
	}
	return values
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "provider-bench:", err)
	os.Exit(1)
}
