// Command provider-bench measures the data source as users run it: the provider built as its own
// binary, installed through a dev_overrides CLI configuration, driven by the Terraform CLI against
// the emulator with a realistic latency and the API's rate limit. For each fleet size and each
// way of reading (the whole region, every instance by ID, or the half of the instances in two of
// the region's four zones, selected by a filter) it reports the API calls against
// their floor, the read's duration against its lower bound, the provider's peak RSS and
// Terraform's whole run time. It works on Linux, where /proc gives the peak RSS.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
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
	providerDir string
	terraform   string
	sizes       []int
	latency     time.Duration
	rateLimit   float64
}

// result is one measured run.
type result struct {
	size        int
	mode        string
	calls       int
	floor       int
	read        time.Duration
	lowerBound  time.Duration
	peakRSS     int64 // bytes
	runTime     time.Duration
	throttled   int
	instancesOK bool
}

func main() {
	o := options{}
	var sizes, modes string
	flag.StringVar(&o.providerDir, "provider-dir", ".bin", "folder holding the built terraform-provider-qcloud")
	flag.StringVar(&o.terraform, "terraform", "terraform", "the Terraform CLI")
	flag.StringVar(&sizes, "sizes", "1000,10000,100000", "fleet sizes to measure")
	flag.StringVar(&modes, "reads", "list all,by ID,by filter", "ways of reading to measure: list all, by ID, by filter")
	flag.DurationVar(&o.latency, "latency", 150*time.Millisecond, "latency the emulator adds to every answer")
	flag.Float64Var(&o.rateLimit, "rate-limit", emulator.DescribeRateLimit, "the emulator's limit and the provider's rate_limit, per second")
	flag.Parse()
	for field := range strings.SplitSeq(sizes, ",") {
		n, err := strconv.Atoi(field)
		if err != nil || n < 1 {
			fail(fmt.Errorf("-sizes: %q is not a positive number", field))
		}
		o.sizes = append(o.sizes, n)
	}
	var err error
	if o.providerDir, err = filepath.Abs(o.providerDir); err != nil {
		fail(err)
	}
	// Terraform runs in a folder of its own, so a relative path would no longer lead to it.
	if o.terraform, err = exec.LookPath(o.terraform); err != nil {
		fail(err)
	}
	if o.terraform, err = filepath.Abs(o.terraform); err != nil {
		fail(err)
	}

	fmt.Printf("provider-bench: emulator latency %s, rate limit %g/s; %s\n\n", o.latency, o.rateLimit, terraformVersion(o.terraform))
	var results []result
	for _, n := range o.sizes {
		for mode := range strings.SplitSeq(modes, ",") {
			r, err := measure(o, n, mode)
			if err != nil {
				fail(fmt.Errorf("%d instances, %s: %w", n, mode, err))
			}
			results = append(results, r)
		}
	}
	report(results)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "provider-bench:", err)
	os.Exit(1)
}

// measure runs `terraform apply` once on a fresh emulator with n instances.
func measure(o options, n int, mode string) (result, error) {
	emu := emulator.New(emulator.Config{
		Keys:      map[string]string{secretID: secretKey},
		Fleets:    map[string]int{region: n},
		Seed:      uint64(n),
		RateLimit: o.rateLimit,
		Latency:   o.latency,
	})
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return result{}, err
	}
	server := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = server.Serve(listener) }()
	defer server.Close()

	dir, err := os.MkdirTemp("", "provider-bench")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(dir)
	// A read of the whole region or by ID takes one round trip beyond the pace; a filtered read
	// two, as its first page's TotalCount is needed before the others go.
	var ids []string
	arguments, action, want, trips := "", "DescribeInstancesStatus", n, 1
	switch mode {
	case "by ID":
		for _, inst := range emu.Fleet(region) {
			ids = append(ids, inst.ID)
		}
		arguments = "instance_ids = var.ids"
	case "by filter":
		zones := emulator.Zones(region)[:2]
		want = 0
		for _, inst := range emu.Fleet(region) {
			if slices.Contains(zones, inst.Zone) {
				want++
			}
		}
		arguments, action, trips = fmt.Sprintf("filters = { zone = [%q, %q] }", zones[0], zones[1]), "DescribeInstances", 2
	case "list all":
	default:
		return result{}, fmt.Errorf("%q is not a way of reading: list all, by ID or by filter", mode)
	}
	if err := writeConfig(dir, listener.Addr().String(), o, arguments, ids); err != nil {
		return result{}, err
	}

	cmd := exec.Command(o.terraform, "apply", "-auto-approve", "-input=false", "-no-color")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+filepath.Join(dir, "terraformrc"),
		"TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
		"TENCENTCLOUD_SECRET_ID="+secretID, "TENCENTCLOUD_SECRET_KEY="+secretKey)
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return result{}, err
	}
	done := make(chan struct{})
	peakRSS := watchPeakRSS(filepath.Join(o.providerDir, "terraform-provider-qcloud"), done)
	err = cmd.Wait()
	runTime := time.Since(start)
	close(done)
	if err != nil {
		return result{}, fmt.Errorf("terraform apply: %w\n%s", err, output.String())
	}

	count, err := outputCount(o.terraform, cmd.Env, dir)
	if err != nil {
		return result{}, err
	}
	s := emu.Stats()
	floor := max(1, (want+pageSize-1)/pageSize)
	return result{
		size:        n,
		mode:        mode,
		calls:       s.Calls[action],
		floor:       floor,
		read:        s.LastResponse.Sub(s.FirstRequest),
		lowerBound:  time.Duration(trips)*o.latency + time.Duration(float64(floor-1)/o.rateLimit*float64(time.Second)),
		peakRSS:     <-peakRSS,
		runTime:     runTime,
		throttled:   s.Throttled,
		instancesOK: count == want,
	}, nil
}

// writeConfig writes a configuration whose data source has arguments, with ids as var.ids.
func writeConfig(dir, endpoint string, o options, arguments string, ids []string) error {
	if ids != nil {
		vars, err := json.Marshal(map[string][]string{"ids": ids})
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "terraform.tfvars.json"), vars, 0o600); err != nil {
			return err
		}
	}
	config := acctest.RequiredProviders + `
variable "ids" {
  type    = list(string)
  default = null
}
` + acctest.ProviderBlock(acctest.Arg("region", region), acctest.HTTP, acctest.Endpoints(endpoint), acctest.Arg("rate_limit", o.rateLimit)) + `
data "qcloud_cvm_instances_status" "bench" {
  ` + arguments + `
}

output "count" {
  value = length(data.qcloud_cvm_instances_status.bench.instances)
}
`
	cliConfig := acctest.DevOverrides("registry.terraform.io", o.providerDir)
	return errors.Join(
		os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600),
		os.WriteFile(filepath.Join(dir, "terraformrc"), []byte(cliConfig), 0o600),
	)
}

func outputCount(terraform string, env []string, dir string) (int, error) {
	cmd := exec.Command(terraform, "output", "-raw", "count")
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.Output()
	if err != nil {
		return 0, fmt.Errorf("terraform output: %w", err)
	}
	return strconv.Atoi(strings.TrimSpace(string(out)))
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

func terraformVersion(terraform string) string {
	out, err := exec.Command(terraform, "version").Output()
	if err != nil {
		return "terraform version unknown"
	}
	line, _, _ := strings.Cut(string(out), "\n")
	return line
}

func report(results []result) {
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "instances\tread\tAPI calls\tfloor\tread time\tlower bound\tratio\tprovider peak RSS\tterraform run\tthrottled\tresult\t")
	for _, r := range results {
		verdict := "all instances"
		if !r.instancesOK {
			verdict = "WRONG COUNT"
		}
		fmt.Fprintf(w, "%d\t%s\t%d\t%d\t%.2fs\t%.2fs\t%.3f\t%.1f MB\t%.1fs\t%d\t%s\t\n",
			r.size, r.mode, r.calls, r.floor, r.read.Seconds(), r.lowerBound.Seconds(),
			r.read.Seconds()/r.lowerBound.Seconds(), float64(r.peakRSS)/1e6, r.runTime.Seconds(), r.throttled, verdict)
	}
	_ = w.Flush()
}
