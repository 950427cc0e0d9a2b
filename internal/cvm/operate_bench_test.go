package cvm_test

import (
	"context"
	"testing"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// BenchmarkOperate stops 1,000 running instances, and starts 1,000 stopped ones, against an
// emulator at the API's documented limits (10 calls per second for the operation, 40 for the
// reads), with a 3 s transition and 150 ms of latency, polling every 5 s as the actions do by
// default. It reports the operation calls (the floor is 10), the reads, the polls, and the wall time beside
// its bound: the transition, 1 s of calls at 10 per second, and one poll interval.
func BenchmarkOperate(b *testing.B) {
	const (
		n          = 1000
		transition = 3 * time.Second
		interval   = 5 * time.Second
	)
	bound := transition + time.Second + interval
	for _, tc := range []struct {
		op     cvm.Op
		from   string
		action string
	}{
		{cvm.Stop, "RUNNING", "StopInstances"},
		{cvm.Start, "STOPPED", "StartInstances"},
	} {
		b.Run(string(tc.op), func(b *testing.B) {
			var calls, reads, pollCount int
			var wall time.Duration
			for b.Loop() {
				emu, c := setup(b, emulator.Config{Latency: 150 * time.Millisecond, Operations: emulator.Operations{Duration: transition}})
				ids := instances(b, emu, "bench", n, tc.from)
				start := time.Now()
				res, err := c.Operate(context.Background(), cvm.Operation{Op: tc.op, Region: region, IDs: ids, PollInterval: interval})
				if err != nil {
					b.Fatal(err)
				}
				wall += time.Since(start)
				if len(res.Changed) != n {
					b.Fatalf("changed %d of %d instances", len(res.Changed), n)
				}
				calls += emu.Calls(tc.action)
				reads += emu.Calls("DescribeInstancesStatus")
				pollCount += res.Polls
			}
			b.ReportMetric(float64(calls)/float64(b.N), tc.action+"/op")
			b.ReportMetric(float64(reads)/float64(b.N), "DescribeInstancesStatus/op")
			b.ReportMetric(float64(pollCount)/float64(b.N), "polls/op")
			b.ReportMetric(wall.Seconds()/float64(b.N), "wall-s/op")
			b.ReportMetric(bound.Seconds(), "bound-s")
		})
	}
}
