package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// serveFleet serves an emulator of n instances at o's latency and rate limit.
func serveFleet(o options, n int) (*emulator.Emulator, string, func(), error) {
	emu := emulator.New(emulator.Config{
		Keys:      map[string]string{secretID: secretKey},
		Fleets:    map[string]int{region: n},
		Seed:      uint64(n),
		RateLimit: o.rateLimit,
		Latency:   o.latency,
	})
	endpoint, stop, err := acctest.Serve(emu)
	return emu, endpoint, stop, err
}

// workspace is a folder of its own with a configuration, run by one Terraform CLI with one
// provider build and the emulator's keys.
type workspace struct{ *acctest.Workspace }

// newWorkspace writes config (and vars as terraform.tfvars.json, if set) into a new folder whose
// CLI configuration installs the provider from providerDir.
func newWorkspace(cli acctest.CLI, providerDir, config string, vars map[string]any) (*workspace, error) {
	dir, err := os.MkdirTemp("", "provider-bench")
	if err != nil {
		return nil, err
	}
	ws, err := acctest.NewWorkspace(cli, dir, providerDir, "TENCENTCLOUD_SECRET_ID="+secretID, "TENCENTCLOUD_SECRET_KEY="+secretKey)
	if err != nil {
		return nil, err
	}
	w := &workspace{ws}
	if vars != nil {
		encoded, err := jsonText(vars)
		if err != nil {
			return nil, err
		}
		if err := w.Write("terraform.tfvars.json", encoded); err != nil {
			return nil, err
		}
	}
	return w, w.Write("main.tf", acctest.RequiredProviders+config)
}

func (w *workspace) remove() { _ = os.RemoveAll(w.Dir) }

// run runs terraform with args in the workspace and returns how long it took.
func (w *workspace) run(args ...string) (time.Duration, error) {
	d, _, err := w.runOutput(args...)
	return d, err
}

// runOutput runs terraform with args in the workspace and returns how long it took and what it
// printed.
func (w *workspace) runOutput(args ...string) (time.Duration, string, error) {
	start := time.Now()
	output, err := w.Run(args...)
	return time.Since(start), output, err
}

// applyCounting runs `terraform apply` in the workspace and returns how long it took, the peak RSS
// of the provider binary meanwhile, and the output count.
func (w *workspace) applyCounting(binary string) (runTime time.Duration, peakRSS int64, count int, err error) {
	done := make(chan struct{})
	peak := watchPeakRSS(binary, done)
	runTime, err = w.run("apply", "-auto-approve", "-input=false", "-no-color")
	close(done)
	peakRSS = <-peak
	if err != nil {
		return runTime, peakRSS, 0, err
	}
	count, err = w.outputNumber("count")
	return runTime, peakRSS, count, err
}

// outputNumber is the output name of the workspace's state, a number.
func (w *workspace) outputNumber(name string) (int, error) {
	out, err := w.Run("output", "-raw", name)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(out))
}

// providerBlock is the provider block of a benchmark against the emulator at endpoint.
func providerBlock(endpoint string, args ...string) string {
	return acctest.ProviderBlock(append([]string{acctest.Arg("region", region), acctest.HTTP, acctest.Endpoints(endpoint)}, args...)...)
}

// watchPeakRSS samples, until done is closed, the peak resident set size (VmHWM) of every
// process running the provider binary, and then sends the largest seen.
func watchPeakRSS(binary string, done <-chan struct{}) <-chan int64 {
	peak := make(chan int64, 1)
	go func() {
		var largest int64
		ticker := time.NewTicker(20 * time.Millisecond)
		defer ticker.Stop()
		for {
			for _, pid := range processesOf(binary) {
				largest = max(largest, highWaterMark(pid))
			}
			select {
			case <-done:
				peak <- largest
				return
			case <-ticker.C:
			}
		}
	}()
	return peak
}

func processesOf(binary string) []string {
	entries, _ := os.ReadDir("/proc")
	var pids []string
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		if exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err == nil && exe == binary {
			pids = append(pids, e.Name())
		}
	}
	return pids
}

// highWaterMark is the peak RSS of a process in bytes, from /proc/<pid>/status.
func highWaterMark(pid string) int64 {
	status, err := os.ReadFile(filepath.Join("/proc", pid, "status"))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

func jsonText(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
