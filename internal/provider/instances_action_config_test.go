package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

// invokeConfig is a configuration of a's schema with the string attributes set (the others null)
// and instance_ids.
func invokeConfig(t *testing.T, a *instancesAction, ids []string, set map[string]string) tfsdk.Config {
	t.Helper()
	ctx := context.Background()
	var resp action.SchemaResponse
	a.Schema(ctx, action.SchemaRequest{}, &resp)
	typ := resp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	values := map[string]tftypes.Value{}
	for name, attrType := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(attrType, nil)
		if v, ok := set[name]; ok {
			values[name] = tftypes.NewValue(tftypes.String, v)
		}
	}
	var elems []tftypes.Value
	for _, id := range ids {
		elems = append(elems, tftypes.NewValue(tftypes.String, id))
	}
	values["instance_ids"] = tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, elems)
	return tfsdk.Config{Schema: resp.Schema, Raw: tftypes.NewValue(typ, values)}
}

// TestInstancesActionConfiguration: each action reads its configuration, with the defaults of
// what is not set; a duration that is not one fails with an error that names its attribute.
func TestInstancesActionConfiguration(t *testing.T) {
	t.Parallel()
	ids := []string{"ins-aaaaaaaa", "ins-bbbbbbbb"}
	cases := map[string]struct {
		op      cvm.Op
		set     map[string]string
		want    cvm.Operation
		timeout time.Duration
		err     string
	}{
		"start with the defaults": {op: cvm.Start,
			want: cvm.Operation{Op: cvm.Start, IDs: ids, Region: testRegion, PollInterval: defaultPollInterval}, timeout: defaultOperationTimeout},
		"reboot with its stop type": {op: cvm.Reboot, set: map[string]string{"stop_type": "HARD", "region": "ap-shanghai"},
			want: cvm.Operation{Op: cvm.Reboot, IDs: ids, Region: "ap-shanghai", StopType: "HARD", PollInterval: defaultPollInterval}, timeout: defaultOperationTimeout},
		"stop with every argument": {op: cvm.Stop, set: map[string]string{"stopped_mode": "STOP_CHARGING", "timeout": "30m", "poll_interval": "2s"},
			want:    cvm.Operation{Op: cvm.Stop, IDs: ids, Region: testRegion, StopType: defaultStopType, StoppedMode: "STOP_CHARGING", PollInterval: 2 * time.Second},
			timeout: 30 * time.Minute},
		"a timeout that is no duration": {op: cvm.Stop, set: map[string]string{"timeout": "ten minutes"},
			err: `Attribute timeout must be a duration such as "30s" or "2m", of at least 1s, not "ten minutes".`},
		"a poll interval too short": {op: cvm.Start, set: map[string]string{"poll_interval": "100ms"},
			err: `Attribute poll_interval must be a duration such as "30s" or "2m", of at least 1s, not "100ms".`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			a := &instancesAction{op: tc.op, data: &providerData{region: testRegion}}
			o, timeout, diags := a.operation(context.Background(), invokeConfig(t, a, ids, tc.set))
			if tc.err != "" {
				if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), tc.err) {
					t.Fatalf("diagnostics %v, want the error %q", diags, tc.err)
				}
				return
			}
			if diags.HasError() {
				t.Fatal(diags)
			}
			if o.Op != tc.want.Op || strings.Join(o.IDs, ",") != strings.Join(tc.want.IDs, ",") || o.Region != tc.want.Region ||
				o.StopType != tc.want.StopType || o.StoppedMode != tc.want.StoppedMode || o.PollInterval != tc.want.PollInterval || timeout != tc.timeout {
				t.Fatalf("operation %+v in %s, want %+v in %s", o, timeout, tc.want, tc.timeout)
			}
		})
	}
}
