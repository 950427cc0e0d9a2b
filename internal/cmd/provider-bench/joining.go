package main

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// joiningResult is one measured case of the joining benchmark for one build: what the user waits
// for (Terraform's run time, the median of the runs), the calls the API got, and, for the cases
// that read, whether every instance was read, or, for the refusal, how many errors named its code.
type joiningResult struct {
	provider string
	latency  time.Duration
	name     string
	runTime  time.Duration
	calls    int
	window   time.Duration // the emulator's time from the first request to the last answer
	bound    time.Duration // the least window of the case, when it has one
	outcome  string
}

// oneIDEach is a configuration of a data source of one ID for each of var.ids.
const oneIDEach = `
variable "ids" {
  type = list(string)
}

data "qcloud_cvm_instances_status" "one" {
  count        = length(var.ids)
  instance_ids = [var.ids[count.index]]
}
`

// The cases of the joining benchmark.
const (
	fiveRegionsSize = 10000
	refusalCallers  = 16
)

func runJoining(o options) {
	fmt.Printf("\njoining: data sources of one ID, five regions, a refusal of everyone; the API's limit of 40 reads per second, median of %d runs\n", o.repeat)
	var results []joiningResult
	add := func(r joiningResult, err error) {
		if err != nil {
			fail(fmt.Errorf("joining, %s at %s, %s: %w", r.name, r.latency, r.provider, err))
		}
		results = append(results, r)
	}
	for _, latency := range o.latencies {
		for _, n := range []int{1, 20} {
			for _, b := range o.builds() {
				add(measureOneIDEach(o, b, latency, n))
			}
		}
	}
	for _, b := range o.builds() {
		add(measureFiveRegions(o, b))
	}
	for _, b := range o.builds() {
		add(measureRefusal(o, b))
	}
	reportJoining(results)
}

// measureOneIDEach applies n data sources of one ID each, at Terraform's default -parallelism.
func measureOneIDEach(o options, b build, latency time.Duration, n int) (joiningResult, error) {
	r := joiningResult{provider: b.name, latency: latency, name: fmt.Sprintf("%d %s of one ID", n, plural(n, "data source", "data sources"))}
	config := oneIDEach + `
output "count" {
  value = length(flatten(data.qcloud_cvm_instances_status.one[*].instances))
}
`
	var times []time.Duration
	for range o.repeat {
		emu := emulator.New(emulator.Config{Keys: map[string]string{secretID: secretKey}, Fleets: map[string]int{region: n}, Seed: 1, Latency: latency})
		var ids []string
		for _, inst := range emu.Fleet(region) {
			ids = append(ids, inst.ID)
		}
		runTime, count, err := applyOnce(o, b, emu, config, map[string]any{"ids": ids})
		if err != nil {
			return r, err
		}
		times = append(times, runTime)
		s := emu.Stats()
		r.calls, r.outcome = s.Calls["DescribeInstancesStatus"], readVerdict(count == n)
	}
	r.runTime = median(times)
	return r, nil
}

// measureFiveRegions applies five data sources, each listing a region of 10,000 instances, at o's
// latency: the API's window against one region's bound, as each region has its own limit.
func measureFiveRegions(o options, b build) (joiningResult, error) {
	regions := emulator.Regions[:5]
	r := joiningResult{provider: b.name, latency: o.latency, name: fmt.Sprintf("5 regions of %d, listed at once", fiveRegionsSize)}
	fleets := map[string]int{}
	for _, name := range regions {
		fleets[name] = fiveRegionsSize
	}
	emu := emulator.New(emulator.Config{Keys: map[string]string{secretID: secretKey}, Fleets: fleets, Seed: 1, Latency: o.latency})
	config := `
variable "regions" {
  type = list(string)
}

data "qcloud_cvm_instances_status" "region" {
  for_each = toset(var.regions)
  region   = each.value
}

output "count" {
  value = sum([for d in data.qcloud_cvm_instances_status.region : length(d.instances)])
}
`
	runTime, count, err := applyOnce(o, b, emu, config, map[string]any{"regions": regions})
	if err != nil {
		return r, err
	}
	s := emu.Stats()
	r.runTime, r.calls, r.window = runTime, s.Calls["DescribeInstancesStatus"], s.LastResponse.Sub(s.FirstRequest)
	r.bound = o.latency + time.Duration(float64(fiveRegionsSize/pageSize-1)/emulator.DescribeRateLimit*float64(time.Second))
	r.outcome = readVerdict(count == len(regions)*fiveRegionsSize)
	if s.Throttled > 0 {
		r.outcome += fmt.Sprintf(", %d throttled", s.Throttled)
	}
	return r, nil
}

// measureRefusal applies 16 data sources of one ID each, at -parallelism=16, against an API that
// refuses DescribeInstancesStatus to the keys: how many calls the refusal costs, and how many of
// Terraform's errors name its code.
func measureRefusal(o options, b build) (joiningResult, error) {
	r := joiningResult{provider: b.name, latency: o.latency, name: fmt.Sprintf("%d data sources, refused (UnauthorizedOperation)", refusalCallers)}
	emu := emulator.New(emulator.Config{Keys: map[string]string{secretID: secretKey}, Fleets: map[string]int{region: refusalCallers}, Seed: 1,
		Latency: o.latency, DeniedActions: []string{"DescribeInstancesStatus"}})
	var ids []string
	for _, inst := range emu.Fleet(region) {
		ids = append(ids, inst.ID)
	}
	config := oneIDEach
	endpoint, stop, err := acctest.Serve(emu)
	if err != nil {
		return r, err
	}
	defer stop()
	w, err := newWorkspace(o.cli, b.dir, providerBlock(endpoint)+config, map[string]any{"ids": ids})
	if err != nil {
		return r, err
	}
	defer w.remove()
	runTime, output, err := w.runOutput("apply", "-auto-approve", "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", refusalCallers))
	if err == nil {
		return r, fmt.Errorf("the apply succeeded against an API that refuses every read")
	}
	named := 0
	for _, diagnostic := range strings.Split(output, "Error: ")[1:] {
		if strings.Contains(diagnostic, "UnauthorizedOperation") {
			named++
		}
	}
	r.runTime, r.calls = runTime, emu.Stats().Calls["DescribeInstancesStatus"]
	r.outcome = fmt.Sprintf("%d of %d errors name the code", named, refusalCallers)
	return r, nil
}

// applyOnce serves emu, applies config with vars through build b, and returns Terraform's run
// time and the output count.
func applyOnce(o options, b build, emu *emulator.Emulator, config string, vars map[string]any) (time.Duration, int, error) {
	endpoint, stop, err := acctest.Serve(emu)
	if err != nil {
		return 0, 0, err
	}
	defer stop()
	w, err := newWorkspace(o.cli, b.dir, providerBlock(endpoint)+config, vars)
	if err != nil {
		return 0, 0, err
	}
	defer w.remove()
	runTime, err := w.run("apply", "-auto-approve", "-input=false", "-no-color")
	if err != nil {
		return 0, 0, err
	}
	count, err := w.outputNumber("count")
	return runTime, count, err
}

func reportJoining(results []joiningResult) {
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "case\tlatency\tprovider\tterraform run\tof before\tcalls\tAPI window\tbound\tratio\tresult\t")
	for _, r := range results {
		ratio, window, of := "", "", ""
		if r.bound > 0 {
			window, ratio = fmt.Sprintf("%.2fs", r.window.Seconds()), fmt.Sprintf("%.3f", r.window.Seconds()/r.bound.Seconds())
		}
		for _, b := range results {
			if b.provider == "before" && r.provider != "before" && b.name == r.name && b.latency == r.latency {
				of = fmt.Sprintf("%.2fx", r.runTime.Seconds()/b.runTime.Seconds())
			}
		}
		bound := ""
		if r.bound > 0 {
			bound = fmt.Sprintf("%.2fs", r.bound.Seconds())
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%.2fs\t%s\t%d\t%s\t%s\t%s\t%s\t\n", r.name, r.latency, r.provider, r.runTime.Seconds(), of, r.calls, window, bound, ratio, r.outcome)
	}
	_ = w.Flush()
}

func readVerdict(ok bool) string {
	if ok {
		return "every instance read"
	}
	return "WRONG"
}

func median(ds []time.Duration) time.Duration {
	sorted := slices.Sorted(slices.Values(ds))
	return sorted[len(sorted)/2]
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
