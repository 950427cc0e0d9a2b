// Command cvm-emulator serves the CVM API emulator (with STS and the metadata service) on a local
// address, for testing Terraform modules and programs that use any Tencent Cloud SDK without an
// account; `cvm-emulator -help` and the guide "Testing your modules against the emulator" say how.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

func main() {
	err := run(os.Args[1:])
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		fmt.Fprintln(os.Stderr, "cvm-emulator:", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	o, err := parseOptions(args, os.Stdout)
	if err != nil {
		return err
	}
	cfg := emulator.Config{
		Fleets:                 o.fleets,
		Seed:                   o.seed,
		RateLimit:              o.rateLimit,
		RateLimitAcrossRegions: o.rateLimitAcrossRegions,
		DeniedActions:          o.denied,
		Latency:                o.latency,
		Faults:                 o.faults,
		Operations:             o.ops,
		Prepaid:                strings.FieldsFunc(o.prepaid, func(r rune) bool { return r == ',' }),
	}
	o.keys.config(&cfg)
	emu := emulator.New(cfg)
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
	stats := emu.Stats()
	printStats(stats)
	if o.statsFile == "" {
		return nil
	}
	encoded, err := json.MarshalIndent(stats, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(o.statsFile, encoded, 0o600)
}

func printBanner(emu *emulator.Emulator, o options, addr string) {
	fmt.Printf("cvm-emulator: serving the CVM API, STS and the metadata service on http://%s\n", addr)
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
	fmt.Printf("  export TENCENTCLOUD_SECRET_ID=%s TENCENTCLOUD_SECRET_KEY=%s\n", o.keys.secretID, o.keys.secretKey)
	block := acctest.ProviderBlock(acctest.HTTP, acctest.Endpoints(addr))
	fmt.Print("  " + strings.ReplaceAll(strings.TrimSuffix(block, "\n"), "\n", "\n  ") + "\n")
}

// printStats says what the emulator answered, for a test or a CI job to read: the calls of each
// action, the instances each operation action was called for, and the load.
func printStats(s emulator.Stats) {
	total := 0
	var calls []string
	for _, action := range slices.Sorted(maps.Keys(s.Calls)) {
		total += s.Calls[action]
		call := fmt.Sprintf("%d %s", s.Calls[action], action)
		if n := s.Operated[action]; n > 0 {
			call += fmt.Sprintf(" (for %d instances)", n)
		}
		calls = append(calls, call)
	}
	fmt.Printf("cvm-emulator: stopped after %d calls: %s; %d throttled, at most %d at once, at most %d in one second\n",
		total, strings.Join(calls, ", "), s.Throttled, s.PeakInFlight, s.PeakRate)
	if s.Transitions > 0 {
		fmt.Printf("cvm-emulator: scheduled transitions made: %d\n", s.Transitions)
	}
	if len(s.Injected) > 0 {
		fmt.Printf("cvm-emulator: injected faults: %v\n", s.Injected)
	}
}
