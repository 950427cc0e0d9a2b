package main

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"sync"
	"text/tabwriter"
	"time"
)

// sharedResult is one measurement of runs that share one API quota: each lists the whole region at
// the same time, through a provider of its own paced at the API's limit.
type sharedResult struct {
	provider string
	size     int
	runTimes []time.Duration // of each terraform apply
	failed   []error         // of the runs that failed
	exact    int             // runs that listed every instance
	calls    int             // DescribeInstancesStatus calls, throttled ones included
	// throttled are the calls answered RequestLimitExceeded; window is the emulator's time from
	// the first request to the last answer, and bound its least: a round trip plus the calls that
	// succeeded, less one, at the limit.
	throttled     int
	window, bound time.Duration
}

// measureShared runs `terraform apply` of a data source that lists a region of n instances in
// runs workspaces at once, against one emulator at 40 requests per second with 150 ms of latency.
func measureShared(o options, provider, providerDir string, runs, n int) (sharedResult, error) {
	emu, endpoint, stop, err := serveFleet(o, n)
	if err != nil {
		return sharedResult{}, err
	}
	defer stop()
	workspaces := make([]*workspace, runs)
	for i := range workspaces {
		// Each run is paced at the API's limit, as a run that does not know of the others would be.
		if workspaces[i], err = newWorkspace(o.cli, providerDir, readConfig(endpoint, o.rateLimit, ""), nil); err != nil {
			return sharedResult{}, err
		}
		defer workspaces[i].remove()
	}
	r := sharedResult{provider: provider, size: n, runTimes: make([]time.Duration, runs)}
	errs := make([]error, runs)
	var wg sync.WaitGroup
	for i, w := range workspaces {
		wg.Go(func() { r.runTimes[i], errs[i] = w.run("apply", "-auto-approve", "-input=false", "-no-color") })
	}
	wg.Wait()
	for i, w := range workspaces {
		if errs[i] != nil {
			r.failed = append(r.failed, errs[i])
			continue
		}
		if count, err := w.outputNumber("count"); err == nil && count == n {
			r.exact++
		}
	}
	s := emu.Stats()
	r.calls, r.throttled = s.Calls["DescribeInstancesStatus"], s.Throttled
	r.window = s.LastResponse.Sub(s.FirstRequest)
	succeeded := r.calls - r.throttled
	r.bound = o.latency + time.Duration(float64(succeeded-1)/o.rateLimit*float64(time.Second))
	return r, nil
}

func reportShared(results []sharedResult) {
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "provider\truns x instances\texact runs\tfailed runs\tcalls\tthrottled\tthrottled share\tAPI window\tbound\tratio\tslowest run\tfastest run\t")
	for _, r := range results {
		slowest, fastest := time.Duration(0), time.Duration(0)
		for _, d := range r.runTimes {
			if d > 0 {
				slowest = max(slowest, d)
				fastest = min(cmp.Or(fastest, d), d)
			}
		}
		fmt.Fprintf(w, "%s\t%d x %d\t%d\t%d\t%d\t%d\t%.1f%%\t%.2fs\t%.2fs\t%.3f\t%.1fs\t%.1fs\t\n", r.provider, len(r.runTimes), r.size,
			r.exact, len(r.failed), r.calls, r.throttled, 100*float64(r.throttled)/float64(max(1, r.calls)),
			r.window.Seconds(), r.bound.Seconds(), r.window.Seconds()/r.bound.Seconds(), slowest.Seconds(), fastest.Seconds())
	}
	_ = w.Flush()
	for _, r := range results {
		if len(r.failed) > 0 {
			fmt.Printf("\n%s: a run failed: %v\n", r.provider, errors.Join(r.failed...))
		}
	}
}
