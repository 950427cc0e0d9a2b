package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// durationAtLeast checks that a string is a Go duration ("5s", "1m30s") of at least least.
// terraform-plugin-framework-validators has no duration validator, and the timeouts package
// parses its own attributes only.
func durationAtLeast(least time.Duration) validator.String {
	return durationValidator{least: least}
}

type durationValidator struct {
	least time.Duration
}

func (v durationValidator) Description(context.Context) string {
	return fmt.Sprintf("must be a duration such as \"30s\" or \"2m\", of at least %s", v.least)
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v durationValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d < v.least {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("Attribute %s %s, not %q.", req.Path, v.Description(ctx), req.ConfigValue.ValueString()))
	}
}
