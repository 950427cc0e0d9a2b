package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// NewServer returns a constructor of the provider's protocol server at version, which reads the
// environment variables its arguments fall back to with getenv: os.Getenv in the provider's
// binary. It is the framework's server but for one RPC, the read of qcloud_cvm_instances_status
// (see protocolServer).
func NewServer(version string, getenv func(name string) string) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		p := &qcloudProvider{version: version, env: getenv}
		server, err := providerserver.NewProtocol6WithError(p)()
		if err != nil {
			return nil, err
		}
		framework, ok := server.(frameworkServer)
		if !ok {
			return nil, fmt.Errorf("the framework's server (%T) does not serve list resources and actions", server)
		}
		return protocolServer{frameworkServer: framework, provider: p}, nil
	}
}

// frameworkServer is what terraform-plugin-framework serves: terraform-plugin-go finds the RPCs of
// list resources and actions by asking the server for their methods, so protocolServer must have
// them too.
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
}

// protocolServer serves every RPC through terraform-plugin-framework but the read of
// qcloud_cvm_instances_status, whose state it encodes as the data source built it. After a Read,
// the framework walks the whole state twice more (semantic equality, then the reification of
// null blocks), looking up each value's type in the schema by its path, which rebuilds the types
// of the nested objects on the way: with 10,000 instances of 23 attributes, in `instances` and
// `instances_by_id`, that took 9.1 s and 6.9 GB of allocations (BenchmarkReadDataSource), for
// a schema that has neither blocks nor custom types. The framework offers no way to skip it.
type protocolServer struct {
	frameworkServer
	provider *qcloudProvider
}

func (s protocolServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	if req.TypeName != instancesStatusTypeName {
		return s.frameworkServer.ReadDataSource(ctx, req)
	}
	dataSchema := instancesStatusSchema()
	schemaType := dataSchema.Type().TerraformType(ctx)
	config, err := req.Config.Unmarshal(schemaType)
	if err != nil {
		return failedRead("Unable to read the configuration", err.Error()), nil
	}
	data := s.provider.configured.Load()
	if data == nil {
		return failedRead("The qcloud provider is not configured",
			"Terraform read a data source before it configured the provider. Please report this issue to the provider developers."), nil
	}
	state, diags := (&instancesStatusDataSource{data: data}).readState(ctx, tfsdk.Config{Raw: config, Schema: dataSchema})
	return &tfprotov6.ReadDataSourceResponse{State: state, Diagnostics: protoDiagnostics(ctx, diags)}, nil
}

func failedRead(summary, detail string) *tfprotov6.ReadDataSourceResponse {
	return &tfprotov6.ReadDataSourceResponse{Diagnostics: []*tfprotov6.Diagnostic{{Severity: tfprotov6.DiagnosticSeverityError, Summary: summary, Detail: detail}}}
}

// instancesStatusSchema is the data source's schema, made once.
var instancesStatusSchema = sync.OnceValue(func() schema.Schema {
	var resp datasource.SchemaResponse
	NewInstancesStatusDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	return resp.Schema
})

// protoDiagnostics are diags as the protocol carries them.
func protoDiagnostics(ctx context.Context, diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	out := make([]*tfprotov6.Diagnostic, 0, len(diags))
	for _, d := range diags {
		severity := tfprotov6.DiagnosticSeverityWarning
		if d.Severity() == diag.SeverityError {
			severity = tfprotov6.DiagnosticSeverityError
		}
		p := &tfprotov6.Diagnostic{Severity: severity, Summary: d.Summary(), Detail: d.Detail()}
		if withPath, ok := d.(diag.DiagnosticWithPath); ok {
			p.Attribute = attributePath(ctx, withPath.Path())
		}
		out = append(out, p)
	}
	return out
}

// attributePath is p as the protocol carries it.
func attributePath(ctx context.Context, p path.Path) *tftypes.AttributePath {
	steps := p.Steps()
	out := tftypes.NewAttributePath()
	for _, step := range steps {
		switch s := step.(type) {
		case path.PathStepAttributeName:
			out = out.WithAttributeName(string(s))
		case path.PathStepElementKeyInt:
			out = out.WithElementKeyInt(int(s))
		case path.PathStepElementKeyString:
			out = out.WithElementKeyString(string(s))
		case path.PathStepElementKeyValue:
			v, err := s.ToTerraformValue(ctx)
			if err != nil {
				return out
			}
			out = out.WithElementKeyValue(v)
		}
	}
	return out
}
