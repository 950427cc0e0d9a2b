package cvm_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// BenchmarkListStatuses measures the API layer's own cost of listing a region: signing,
// sending, parsing and checking every page, merging and sorting, per instance, against an
// emulator without latency or rate limit (whose cost is included), with the client's pace lifted
// to match.
func BenchmarkListStatuses(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			_, c := setup(b, emulator.Config{Fleets: map[string]int{region: n}, RateLimit: -1},
				func(cfg *cvm.Config) {
					cfg.RateLimit, cfg.ActionLimits = 0, map[string]float64{"DescribeInstancesStatus": 1e6}
				})
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.ListStatuses(context.Background(), region); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/instance")
		})
	}
}
