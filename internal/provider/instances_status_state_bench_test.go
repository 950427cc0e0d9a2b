package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

// BenchmarkEncodeState measures the encoding of a read's result as the data source's state, per
// instance, at three fleet sizes, without and with details: it should stay flat as the fleet grows.
func BenchmarkEncodeState(b *testing.B) {
	schemaType := dataSourceSchemaType(context.Background())
	config := tftypes.NewValue(schemaType, nullAttributes(schemaType))
	cpu, memory, project := int64(2), int64(4), int64(0)
	for _, details := range []bool{false, true} {
		for _, n := range []int{1000, 10000, 100000} {
			statuses := make([]cvm.Status, n)
			for i := range statuses {
				statuses[i] = cvm.Status{ID: fmt.Sprintf("ins-%08d", i), State: "RUNNING"}
				if details {
					statuses[i].Details = &cvm.Details{Name: fmt.Sprintf("web-%d", i), Zone: "ap-guangzhou-3", InstanceType: "S5.MEDIUM4",
						CPU: &cpu, Memory: &memory, PrivateIPs: []string{"10.3.1.7"}, PublicIPs: []string{}, IPv6Addresses: []string{},
						VpcID: "vpc-obg6tlbv", SubnetID: "subnet-5m2h7a1q", SecurityGroupIDs: []string{"sg-0ovk2m6z"}, ProjectID: &project,
						ImageID: "img-eb30mz89", OsName: "TencentOS Server 3.1 (TK4)", Tags: map[string]string{"env": "prod", "role": "web", "team": "core"},
						ChargeType: "POSTPAID_BY_HOUR", CreatedTime: "2025-01-06T08:00:00Z"}
				}
			}
			b.Run(fmt.Sprintf("details=%v/%d", details, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := encodeState(config, statuses, []string{}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/instance")
			})
		}
	}
}
