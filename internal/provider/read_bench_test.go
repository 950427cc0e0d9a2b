package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// BenchmarkReadDataSource measures the provider's side of a read of the whole region through
// the protocol server Terraform talks to: the API layer, the state's encoding and the server's own
// handling, against an emulator without latency or rate limit, without and with details. It
// reports the time, memory and allocations per instance, and the peak heap during the reads (the
// emulator's, in the same process, included).
func BenchmarkReadDataSource(b *testing.B) {
	ctx := context.Background()
	for _, details := range []bool{false, true} {
		for _, n := range []int{1000, 10000, 100000} {
			b.Run(fmt.Sprintf("details=%v/%d", details, n), func(b *testing.B) {
				emu := emulator.New(emulator.Config{Keys: map[string]string{testSecretID: testSecretKey}, Fleets: map[string]int{testRegion: n}, RateLimit: -1})
				srv := httptest.NewServer(emu)
				defer srv.Close()
				server := configuredServer(b, srv)
				schemaType := dataSourceSchemaType(ctx)
				attrs := nullAttributes(schemaType)
				attrs["details"] = tftypes.NewValue(tftypes.Bool, details)
				config, err := tfprotov6.NewDynamicValue(schemaType, tftypes.NewValue(schemaType, attrs))
				if err != nil {
					b.Fatal(err)
				}

				peakHeap := watchHeap()
				b.ReportAllocs()
				for b.Loop() {
					resp, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "qcloud_cvm_instances_status", Config: &config})
					if err != nil || len(resp.Diagnostics) > 0 {
						b.Fatal(err, resp.Diagnostics)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/instance")
				b.ReportMetric(float64(peakHeap())/1e6, "peak-heap-MB")
			})
		}
	}
}

// configuredServer is the provider's protocol server, configured for srv with its pace lifted as
// far as the emulator's.
func configuredServer(b testing.TB, srv *httptest.Server) protocolServer {
	ctx := context.Background()
	p := &qcloudProvider{version: "bench", env: envOf(nil), actionLimits: map[string]float64{"DescribeInstancesStatus": 1e6, "DescribeInstances": 1e6}}
	server := protocolServer{frameworkServer: providerserver.NewProtocol6(p)().(frameworkServer), provider: p}
	var schemaResp provider.SchemaResponse
	New("bench", envOf(nil))().Schema(ctx, provider.SchemaRequest{}, &schemaResp)
	schemaType := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	attrs := nullAttributes(schemaType)
	attrs["secret_id"] = tftypes.NewValue(tftypes.String, testSecretID)
	attrs["secret_key"] = tftypes.NewValue(tftypes.String, testSecretKey)
	attrs["region"] = tftypes.NewValue(tftypes.String, testRegion)
	attrs["protocol"] = tftypes.NewValue(tftypes.String, "HTTP")
	endpointsType := schemaType.AttributeTypes["endpoints"].(tftypes.Object)
	endpoints := nullAttributes(endpointsType)
	endpoints["cvm"] = tftypes.NewValue(tftypes.String, endpointOf(srv))
	attrs["endpoints"] = tftypes.NewValue(endpointsType, endpoints)
	config, err := tfprotov6.NewDynamicValue(schemaType, tftypes.NewValue(schemaType, attrs))
	if err != nil {
		b.Fatal(err)
	}
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &config})
	if err != nil || len(resp.Diagnostics) > 0 {
		b.Fatal(err, resp.Diagnostics)
	}
	return server
}

func dataSourceSchemaType(ctx context.Context) tftypes.Object {
	var resp datasource.SchemaResponse
	NewInstancesStatusDataSource().Schema(ctx, datasource.SchemaRequest{}, &resp)
	return resp.Schema.Type().TerraformType(ctx).(tftypes.Object)
}

// nullAttributes are the attributes of an object of type t, all null.
func nullAttributes(t tftypes.Object) map[string]tftypes.Value {
	attrs := make(map[string]tftypes.Value, len(t.AttributeTypes))
	for name, typ := range t.AttributeTypes {
		attrs[name] = tftypes.NewValue(typ, nil)
	}
	return attrs
}

// nullConfig is a configuration of type t with every attribute null.
func nullConfig(t tftypes.Object) *tfprotov6.DynamicValue {
	v, err := tfprotov6.NewDynamicValue(t, tftypes.NewValue(t, nullAttributes(t)))
	if err != nil {
		panic(err)
	}
	return &v
}

// watchHeap samples the bytes of heap objects, live or not yet collected, every millisecond
// until the returned function is called, which returns the largest seen.
func watchHeap() func() uint64 {
	done, peak := make(chan struct{}), make(chan uint64)
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var largest uint64
		ticker := time.NewTicker(time.Millisecond)
		defer ticker.Stop()
		for {
			metrics.Read(sample)
			largest = max(largest, sample[0].Value.Uint64())
			select {
			case <-done:
				peak <- largest
				return
			case <-ticker.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		return <-peak
	}
}
