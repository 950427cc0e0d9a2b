package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// minDuration is the shortest duration any argument takes: a poll interval or a timeout under a
// second would only make more calls.
const minDuration = time.Second

// durationValidator checks that a string is a Go duration ("5s", "1m30s") of at least
// minDuration. terraform-plugin-framework-validators has no duration validator, and the timeouts
// package parses its own attributes only.
var durationValidator validator.String = durationCheck{}

type durationCheck struct{}

func (durationCheck) Description(context.Context) string {
	return fmt.Sprintf("must be a duration such as \"30s\" or \"2m\", of at least %s", minDuration)
}

func (v durationCheck) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v durationCheck) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d < minDuration {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("Attribute %s %s, not %q.", req.Path, v.Description(ctx), req.ConfigValue.ValueString()))
	}
}

// durationOf is the duration an attribute at p holds, or def when it is null (or not known,
// which a configuration that is carried out never is). The schema's
// validator has checked it at plan time; a value known only at apply is checked here, with the
// same error.
func durationOf(ctx context.Context, value types.String, def time.Duration, p path.Path) (time.Duration, diag.Diagnostics) {
	if value.IsNull() || value.IsUnknown() {
		return def, nil
	}
	resp := &validator.StringResponse{}
	durationValidator.ValidateString(ctx, validator.StringRequest{Path: p, ConfigValue: value}, resp)
	if resp.Diagnostics.HasError() {
		return 0, resp.Diagnostics
	}
	d, _ := time.ParseDuration(value.ValueString()) // checked just above
	return d, nil
}
