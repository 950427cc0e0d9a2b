package cvm_test

import (
	"context"
	"testing"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// BenchmarkWaitForStates waits for 150 instances of which 20 are launching and become RUNNING
// 1 to 2.9 s after the wait begins, polling every second, against an emulator at the API's
// documented rate limit with 150 ms of latency. It reports the calls and polls of a wait, and
// how long the wait outlasted the last launch: at most about one poll interval and a poll's
// round trip.
func BenchmarkWaitForStates(b *testing.B) {
	const lastLaunch = 2900 * time.Millisecond
	var calls, pollCount int
	var outlasted time.Duration
	for b.Loop() {
		emu, c := setup(b, emulator.Config{Fleets: map[string]int{region: 130}, Seed: 9, Latency: 150 * time.Millisecond})
		var ids []string
		for _, inst := range emu.Fleet(region) {
			if err := emu.Put(region, emulator.Instance{ID: inst.ID, State: "RUNNING"}); err != nil {
				b.Fatal(err)
			}
			ids = append(ids, inst.ID)
		}
		start := time.Now()
		ids = append(ids, launching(b, emu, "new0", 20, func(i int) time.Duration { return time.Second + time.Duration(i)*100*time.Millisecond })...)
		var seen polls
		if _, err := c.WaitForStates(context.Background(), cvm.Wait{Region: region, IDs: ids, States: []string{"RUNNING"}, PollInterval: time.Second, Progress: seen.record}); err != nil {
			b.Fatal(err)
		}
		outlasted += time.Since(start) - lastLaunch
		calls += emu.Calls("DescribeInstancesStatus")
		pollCount += len(seen)
	}
	b.ReportMetric(float64(calls)/float64(b.N), "calls/op")
	b.ReportMetric(float64(pollCount)/float64(b.N), "polls/op")
	b.ReportMetric(outlasted.Seconds()/float64(b.N), "s-after-last-launch/op")
}
