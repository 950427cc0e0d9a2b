package main

import (
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// resourceResult is one measured fleet of qcloud_cvm_instance_state resources: a refresh (terraform
// plan) and a change of all of them from RUNNING to STOPPED (terraform apply).
type resourceResult struct {
	provider    string
	latency     time.Duration
	size        int
	parallelism int
	// The refresh's DescribeInstancesStatus calls and the plan's run time.
	refreshReads int
	refreshTime  time.Duration
	// The change's StopInstances and DescribeInstancesStatus calls, and the apply's run time.
	changeStops, changeReads int
	changeTime               time.Duration
	throttled                int
	allStopped               bool
}

// measureResources creates n resources that keep n running instances RUNNING, then refreshes them
// with terraform plan and switches them all to STOPPED, at Terraform's -parallelism of p, against
// an emulator at the API's documented limits (40 reads and 10 operations per second) with the
// given latency and transitions of 1 s.
func measureResources(o options, provider, providerDir string, latency time.Duration, n, p int) (resourceResult, error) {
	ids := make([]string, n)
	fleet := make([]emulator.Instance, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("ins-%08x", i)
		fleet[i] = emulator.Instance{ID: ids[i], State: "RUNNING"}
	}
	emu := emulator.New(emulator.Config{
		Keys:       map[string]string{secretID: secretKey},
		Instances:  map[string][]emulator.Instance{region: fleet},
		Latency:    latency,
		Operations: emulator.Operations{Duration: time.Second, Seed: 1},
	})
	endpoint, stop, err := acctest.Serve(emu)
	if err != nil {
		return resourceResult{}, err
	}
	defer stop()
	config := providerBlock(endpoint) + `
variable "ids" {
  type = list(string)
}

variable "state" {
  type = string
}

resource "qcloud_cvm_instance_state" "fleet" {
  for_each      = toset(var.ids)
  instance_id   = each.value
  state         = var.state
  poll_interval = "1s"
}
`
	w, err := newWorkspace(o.cli, providerDir, config, map[string]any{"ids": ids, "state": "RUNNING"})
	if err != nil {
		return resourceResult{}, err
	}
	defer w.remove()
	parallelism := fmt.Sprintf("-parallelism=%d", p)
	if _, err := w.run("apply", "-auto-approve", "-input=false", "-no-color", parallelism); err != nil {
		return resourceResult{}, err
	}
	r := resourceResult{provider: provider, latency: latency, size: n, parallelism: p}
	before := emu.Stats()
	if r.refreshTime, err = w.run("plan", "-input=false", "-no-color", "-detailed-exitcode", parallelism); err != nil {
		return resourceResult{}, err
	}
	refreshed := emu.Stats()
	r.refreshReads = refreshed.Calls["DescribeInstancesStatus"] - before.Calls["DescribeInstancesStatus"]
	if r.changeTime, err = w.run("apply", "-auto-approve", "-input=false", "-no-color", parallelism, "-var", "state=STOPPED"); err != nil {
		return resourceResult{}, err
	}
	changed := emu.Stats()
	r.changeStops = changed.Calls["StopInstances"] - refreshed.Calls["StopInstances"]
	r.changeReads = changed.Calls["DescribeInstancesStatus"] - refreshed.Calls["DescribeInstancesStatus"]
	r.throttled = changed.Throttled
	r.allStopped = true
	for _, inst := range emu.Fleet(region) {
		r.allStopped = r.allStopped && inst.State == "STOPPED"
	}
	return r, nil
}

func reportResources(results []resourceResult) {
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "latency\tresources\t-parallelism\tprovider\trefresh reads\trefresh (plan)\tof before\tStopInstances\tchange reads\tchange (apply)\tof before\tthrottled\tresult\t")
	for _, r := range results {
		planRatio, applyRatio := "", ""
		for _, b := range results {
			if b.provider == "before" && r.provider != "before" && b.latency == r.latency && b.size == r.size && b.parallelism == r.parallelism {
				planRatio = fmt.Sprintf("%.2fx", r.refreshTime.Seconds()/b.refreshTime.Seconds())
				applyRatio = fmt.Sprintf("%.2fx", r.changeTime.Seconds()/b.changeTime.Seconds())
			}
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t%s\t%d\t%.2fs\t%s\t%d\t%d\t%.1fs\t%s\t%d\t%s\t\n", r.latency, r.size, r.parallelism, r.provider,
			r.refreshReads, r.refreshTime.Seconds(), planRatio, r.changeStops, r.changeReads, r.changeTime.Seconds(), applyRatio, r.throttled, stoppedVerdict(r.allStopped))
	}
	_ = w.Flush()
}

func stoppedVerdict(ok bool) string {
	if ok {
		return "all STOPPED"
	}
	return "NOT ALL STOPPED"
}
