package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// TestProtoDiagnosticsKeepWhatAndWhere: the read's diagnostics reach Terraform with their
// severity, text and the attribute they are about.
func TestProtoDiagnosticsKeepWhatAndWhere(t *testing.T) {
	t.Parallel()
	var diags diag.Diagnostics
	diags.AddWarning("changed", "the fleet changed")
	diags.AddAttributeError(path.Root("filters").AtMapKey("zone").AtListIndex(2), "bad", "a bad zone")
	diags.AddAttributeError(path.Root("instance_states").AtSetValue(types.StringValue("RUNNING")), "twice", "a state twice")
	got := protoDiagnostics(context.Background(), diags)
	want := []*tfprotov6.Diagnostic{
		{Severity: tfprotov6.DiagnosticSeverityWarning, Summary: "changed", Detail: "the fleet changed", Attribute: nil},
		{Severity: tfprotov6.DiagnosticSeverityError, Summary: "bad", Detail: "a bad zone",
			Attribute: tftypes.NewAttributePath().WithAttributeName("filters").WithElementKeyString("zone").WithElementKeyInt(2)},
		{Severity: tfprotov6.DiagnosticSeverityError, Summary: "twice", Detail: "a state twice",
			Attribute: tftypes.NewAttributePath().WithAttributeName("instance_states").WithElementKeyValue(tftypes.NewValue(tftypes.String, "RUNNING"))},
	}
	if len(got) != len(want) {
		t.Fatalf("%d diagnostics, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Severity != w.Severity || g.Summary != w.Summary || g.Detail != w.Detail || !pathsEqual(g.Attribute, w.Attribute) {
			t.Fatalf("diagnostic %d is %+v at %v, want %+v at %v", i, g, g.Attribute, w, w.Attribute)
		}
	}
}

func pathsEqual(a, b *tftypes.AttributePath) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(b)
}

// TestReadBeforeConfigureSaysSo: a read that reaches the provider before its configuration fails
// with a message, not a crash.
func TestReadBeforeConfigureSaysSo(t *testing.T) {
	t.Parallel()
	server, err := NewServer("test", envOf(nil))()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{
		TypeName: instancesStatusTypeName, Config: nullConfig(dataSourceSchemaType(context.Background())),
	})
	if err != nil || len(resp.Diagnostics) != 1 || !strings.Contains(resp.Diagnostics[0].Summary, "not configured") || resp.State != nil {
		t.Fatalf("got %v, %+v, want one error that the provider is not configured", err, resp)
	}
}

// TestFrameworkReadGivesTheSameState: the data source read through the framework's own server
// (whose Read decodes the state that readState encodes, and then checks and converts it) gives the
// state the provider's protocol server sends, with and without details.
func TestFrameworkReadGivesTheSameState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	emu := newEmulator(emulator.Config{Fleets: map[string]int{testRegion: 30}, Seed: 5, RateLimit: -1})
	server := configuredServer(t, serve(t, emu))
	schemaType := dataSourceSchemaType(ctx)
	for _, details := range []bool{false, true} {
		attrs := nullAttributes(schemaType)
		attrs["details"] = tftypes.NewValue(tftypes.Bool, details)
		config, err := tfprotov6.NewDynamicValue(schemaType, tftypes.NewValue(schemaType, attrs))
		if err != nil {
			t.Fatal(err)
		}
		var states []tftypes.Value
		for _, s := range []tfprotov6.ProviderServer{server, server.frameworkServer} {
			resp, err := s.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: instancesStatusTypeName, Config: &config})
			if err != nil || len(resp.Diagnostics) > 0 {
				t.Fatal(err, resp.Diagnostics)
			}
			state, err := resp.State.Unmarshal(schemaType)
			if err != nil {
				t.Fatal(err)
			}
			states = append(states, state)
		}
		if !states[0].Equal(states[1]) {
			t.Fatalf("details = %v: the protocol server sent\n%v\nthe framework\n%v", details, states[0], states[1])
		}
		var got map[string]tftypes.Value
		if err := states[0].As(&got); err != nil {
			t.Fatal(err)
		}
		var instances []tftypes.Value
		if err := got["instances"].As(&instances); err != nil || len(instances) != 30 {
			t.Fatalf("%d instances (%v), want 30", len(instances), err)
		}
	}
}
