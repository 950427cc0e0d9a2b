package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

// BenchmarkStateValue measures the conversion of a read's result into the data source's state,
// per instance, at three fleet sizes: it should stay flat as the fleet grows.
func BenchmarkStateValue(b *testing.B) {
	schemaType := dataSourceSchemaType(context.Background())
	config := tftypes.NewValue(schemaType, nullAttributes(schemaType))
	for _, n := range []int{1000, 10000, 100000} {
		statuses := make([]cvm.Status, n)
		for i := range statuses {
			statuses[i] = cvm.Status{ID: fmt.Sprintf("ins-%08d", i), State: "RUNNING"}
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := stateValue(config, statuses, []string{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/instance")
		})
	}
}
