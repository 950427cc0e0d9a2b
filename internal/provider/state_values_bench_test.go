package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

// BenchmarkStateConversion measures what a read costs between the API layer's result and the
// state handed back to Terraform, per instance, at three fleet sizes: it should stay flat.
func BenchmarkStateConversion(b *testing.B) {
	ctx := context.Background()
	var schemaResp datasource.SchemaResponse
	NewInstancesStatusDataSource().Schema(ctx, datasource.SchemaRequest{}, &schemaResp)
	schemaType := schemaResp.Schema.Type().TerraformType(ctx)
	for _, n := range []int{1000, 10000, 100000} {
		statuses := make([]cvm.Status, n)
		for i := range statuses {
			statuses[i] = cvm.Status{ID: fmt.Sprintf("ins-%08d", i), State: "RUNNING"}
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				state := tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaType, nil)}
				model := instancesStatusModel{
					InstanceIDs:    types.ListNull(types.StringType),
					InstanceStates: types.SetNull(types.StringType),
					Region:         types.StringNull(),
					Timeouts:       timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"read": types.StringType})},
				}
				model.Instances, model.States, model.MissingIDs = stateValues(statuses, []string{})
				if diags := state.Set(ctx, &model); diags.HasError() {
					b.Fatal(diags)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/instance")
		})
	}
}

func BenchmarkStateValue(b *testing.B) {
	ctx := context.Background()
	var schemaResp datasource.SchemaResponse
	NewInstancesStatusDataSource().Schema(ctx, datasource.SchemaRequest{}, &schemaResp)
	schemaType := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	attrs := map[string]tftypes.Value{}
	for name, typ := range schemaType.AttributeTypes {
		attrs[name] = tftypes.NewValue(typ, nil)
	}
	config := tftypes.NewValue(schemaType, attrs)
	for _, n := range []int{1000, 10000, 100000} {
		statuses := make([]cvm.Status, n)
		for i := range statuses {
			statuses[i] = cvm.Status{ID: fmt.Sprintf("ins-%08d", i), State: "RUNNING"}
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				v, err := stateValue(config, statuses, []string{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := tfprotov6.NewDynamicValue(schemaType, v); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/instance")
		})
	}
}
