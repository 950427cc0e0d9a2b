package main

import (
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// The official benchmark: this provider's data source and the official tencentcloud provider's
// tencentcloud_instances read the same tagged instances by tag, one after the other, each on a
// fresh emulator with the same fleet, at the reads benchmark's latency and rate limit. The
// official provider is not built here (it is 541 MB, with a vendor/ folder of its own): give the
// folder of a build with -official-provider-dir.

const (
	officialTagged = 2000
	officialTag    = "bench"
)

// officialResult is one provider's read of the tagged instances.
type officialResult struct {
	provider    string
	calls       int
	read        time.Duration
	runTime     time.Duration
	peakRSS     int64
	instancesOK bool
}

func runOfficial(o options) {
	if o.officialDir == "" {
		fmt.Println("\nofficial: not run; build the official provider (go build -mod=vendor in its repository) and give its folder with -official-provider-dir")
		return
	}
	fmt.Printf("\nofficial: %d instances by tag, emulator latency %s, rate limit %g/s\n", officialTagged, o.latency, o.rateLimit)
	var results []officialResult
	for _, p := range []struct{ name, dir, binary string }{
		{"qcloud", o.providerDir, "terraform-provider-qcloud"},
		{"tencentcloud", o.officialDir, "terraform-provider-tencentcloud"},
	} {
		r, err := measureOfficial(o, p.name, p.dir, p.binary)
		if err != nil {
			fail(fmt.Errorf("official, %s: %w", p.name, err))
		}
		results = append(results, r)
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "provider\tDescribeInstances calls\tread time\tterraform run\tprovider peak RSS\tratio to qcloud\tresult\t")
	for _, r := range results {
		fmt.Fprintf(w, "%s\t%d\t%.2fs\t%.1fs\t%.1f MB\t%.2f\t%s\t\n", r.provider, r.calls, r.read.Seconds(), r.runTime.Seconds(),
			float64(r.peakRSS)/1e6, r.runTime.Seconds()/results[0].runTime.Seconds(), verdict(r.instancesOK))
	}
	_ = w.Flush()
}

// measureOfficial runs `terraform apply` of provider's read by tag on a fresh emulator.
func measureOfficial(o options, provider, dir, binary string) (officialResult, error) {
	emu := emulator.New(emulator.Config{
		Keys: map[string]string{secretID: secretKey}, Fleets: map[string]int{region: officialTagged}, Seed: 7,
		RateLimit: o.rateLimit, Latency: o.latency,
	})
	for i := range officialTagged {
		inst := emulator.Instance{ID: fmt.Sprintf("ins-b%07d", i), State: "RUNNING", Tags: map[string]string{"tier": officialTag}}
		if err := emu.Put(region, inst); err != nil {
			return officialResult{}, err
		}
	}
	endpoint, stop, err := acctest.Serve(emu)
	if err != nil {
		return officialResult{}, err
	}
	defer stop()

	config := providerBlock(endpoint) + `
data "qcloud_cvm_instances_status" "bench" {
  tags = { tier = "` + officialTag + `" }
}

output "count" {
  value = length(data.qcloud_cvm_instances_status.bench.instances)
}
`
	if provider == "tencentcloud" {
		// The official provider calls cvm.<domain>; the proxy, which is the emulator, answers for it.
		config = `
provider "tencentcloud" {
  region   = "` + region + `"
  protocol = "HTTP"
  domain   = "emulator.test"
}

data "tencentcloud_instances" "bench" {
  tags = { tier = "` + officialTag + `" }
}

output "count" {
  value = length(data.tencentcloud_instances.bench.instance_list)
}
`
	}
	w, err := newWorkspace(o.cli, dir, config, nil)
	if err != nil {
		return officialResult{}, err
	}
	defer w.remove()
	if provider == "tencentcloud" {
		w.Env = append(w.Env, "HTTP_PROXY=http://"+endpoint, "NO_PROXY=")
		if err := w.Write("main.tf", officialRequiredProviders+config); err != nil {
			return officialResult{}, err
		}
		if err := w.Write(acctest.CLIConfigFile, officialDevOverrides(dir)); err != nil {
			return officialResult{}, err
		}
	}
	runTime, peakRSS, count, err := w.applyCounting(filepath.Join(dir, binary))
	if err != nil {
		return officialResult{}, err
	}
	s := emu.Stats()
	return officialResult{provider: provider, calls: s.Calls["DescribeInstances"], read: s.LastResponse.Sub(s.FirstRequest),
		runTime: runTime, peakRSS: peakRSS, instancesOK: count == officialTagged}, nil
}

const officialRequiredProviders = `
terraform {
  required_providers {
    tencentcloud = { source = "tencentcloudstack/tencentcloud" }
  }
}
`

// officialDevOverrides installs the official provider from dir.
func officialDevOverrides(dir string) string {
	return fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/tencentcloudstack/tencentcloud" = %q
  }
  direct {}
}
`, dir)
}
