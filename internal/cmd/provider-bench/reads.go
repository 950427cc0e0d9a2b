package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// readResult is one measured read of the data source.
type readResult struct {
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

// measureRead runs `terraform apply` of the data source once on a fresh emulator with n instances,
// reading them as mode says.
func measureRead(o options, n int, mode string) (readResult, error) {
	emu, endpoint, stop, err := serveFleet(o, n)
	if err != nil {
		return readResult{}, err
	}
	defer stop()
	// A read of the whole region or by ID takes one round trip beyond the pace; a filtered read
	// two, as its first page's TotalCount is needed before the others go.
	var vars map[string]any
	arguments, action, want, trips := "", "DescribeInstancesStatus", n, 1
	base, details := strings.CutSuffix(mode, " with details")
	if details {
		// The same read through DescribeInstances, each instance with its attributes.
		arguments, action = "details = true\n  ", "DescribeInstances"
	}
	switch base {
	case "by ID":
		var ids []string
		for _, inst := range emu.Fleet(region) {
			ids = append(ids, inst.ID)
		}
		vars = map[string]any{"ids": ids}
		arguments += "instance_ids = var.ids"
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
		return readResult{}, fmt.Errorf("%q is not a way of reading: list all, by ID or by filter, the first two with details", mode)
	}
	w, err := newWorkspace(o.cli, o.providerDir, readConfig(endpoint, o.rateLimit, arguments), vars)
	if err != nil {
		return readResult{}, err
	}
	defer w.remove()

	runTime, peakRSS, count, err := w.applyCounting(filepath.Join(o.providerDir, "terraform-provider-qcloud"))
	if err != nil {
		return readResult{}, err
	}
	s := emu.Stats()
	floor := max(1, (want+pageSize-1)/pageSize)
	return readResult{
		size:        n,
		mode:        mode,
		calls:       s.Calls[action],
		floor:       floor,
		read:        s.LastResponse.Sub(s.FirstRequest),
		lowerBound:  time.Duration(trips)*o.latency + time.Duration(float64(floor-1)/o.rateLimit*float64(time.Second)),
		peakRSS:     peakRSS,
		runTime:     runTime,
		throttled:   s.Throttled,
		instancesOK: count == want,
	}, nil
}

// readConfig is a configuration whose data source has arguments (var.ids, when set, holds IDs) and
// whose output count is the number of instances it read.
func readConfig(endpoint string, rateLimit float64, arguments string) string {
	return `
variable "ids" {
  type    = list(string)
  default = null
}
` + providerBlock(endpoint, acctest.Arg("rate_limit", rateLimit)) + `
data "qcloud_cvm_instances_status" "bench" {
  ` + arguments + `
}

output "count" {
  value = length(data.qcloud_cvm_instances_status.bench.instances)
}
`
}

func reportReads(results []readResult) {
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "instances\tread\tAPI calls\tfloor\tread time\tlower bound\tratio\tprovider peak RSS\tterraform run\tthrottled\tresult\t")
	for _, r := range results {
		fmt.Fprintf(w, "%d\t%s\t%d\t%d\t%.2fs\t%.2fs\t%.3f\t%.1f MB\t%.1fs\t%d\t%s\t\n",
			r.size, r.mode, r.calls, r.floor, r.read.Seconds(), r.lowerBound.Seconds(),
			r.read.Seconds()/r.lowerBound.Seconds(), float64(r.peakRSS)/1e6, r.runTime.Seconds(), r.throttled, verdict(r.instancesOK))
	}
	_ = w.Flush()
}

func verdict(ok bool) string {
	if ok {
		return "exact"
	}
	return "WRONG"
}
