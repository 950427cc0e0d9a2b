package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

// tagsDescription and filtersDescription document tags and filters wherever they are taken; what
// they select is the subject of each sentence.
func tagsDescription(selected string) string {
	return "Select " + selected + " by tag: every pair must match, such as `{ env = \"dev\", role = \"web\" }`. Each pair is " +
		"sent to `DescribeInstances` as the filter `tag:<key>`, and counts towards the API's 10 filters. `{}` selects by no tag."
}

func filtersDescription(selected string) string {
	return "Select " + selected + " with the filters of `DescribeInstances`: the filter's name, and its values, of which " +
		"an instance must match one; an instance must match every filter. The names are `" + strings.Join(cvm.FilterNames, "`, `") +
		"` and `tag:<key>`, such as `{ zone = [\"ap-guangzhou-3\"], \"tag:team\" = [\"core\", \"data\"] }`. " +
		"At most 10 filters, `tags` and `instance_states` counted. A filter takes any number of values: the API takes 5 per " +
		"request, so more are sent in several requests whose answers are merged (each instance once), and the requests " +
		"of several such filters multiply, up to 20 for one read. Whether `instance-name` matches a whole name or part of " +
		"one is the API's to decide. Times are written `2023-06-01 00:00:00`."
}

// tagFilterPattern is the name of the filter on one tag's value.
var tagFilterPattern = regexp.MustCompile(`^tag:.+$`)

// filtersValidators check the names and values of filters.
var filtersValidators = []validator.Map{
	mapvalidator.KeysAre(stringvalidator.Any(
		stringvalidator.OneOf(cvm.FilterNames...),
		stringvalidator.RegexMatches(tagFilterPattern, "must be tag:<key>, the filter on the value of the tag key"),
	)),
	mapvalidator.ValueListsAre(listvalidator.SizeAtLeast(1), listvalidator.NoNullValues()),
}

// collection is a list or a set of strings of the configuration: instance_states is a set in the
// data source and a list in the list resource.
type collection interface {
	IsNull() bool
	IsUnknown() bool
	Elements() []attr.Value
}

// selectionConfig is what a selection's configuration holds: tags, filters and instance_states.
type selectionConfig struct {
	tags, filters types.Map
	states        collection
}

// validateSelection reads a selection's arguments from an object's configuration and validates
// them, for the object's ValidateConfig; states holds the type of its instance_states.
func validateSelection(ctx context.Context, config tfsdk.Config, states collection) diag.Diagnostics {
	s := selectionConfig{states: states}
	var diags diag.Diagnostics
	diags.Append(config.GetAttribute(ctx, path.Root("tags"), &s.tags)...)
	diags.Append(config.GetAttribute(ctx, path.Root("filters"), &s.filters)...)
	diags.Append(config.GetAttribute(ctx, path.Root("instance_states"), s.states)...)
	if diags.HasError() {
		return diags
	}
	return append(diags, s.validate()...)
}

// validate checks what the attributes' own validators cannot see: each tag and the states given
// once, and the selection that tags, filters and instance_states make together, which cvm
// checks: at most 10 filters, in at most 20 requests. Values still unknown count as none, so a
// selection is refused only for what is known of it; the read checks the rest.
func (s selectionConfig) validate() diag.Diagnostics {
	var diags diag.Diagnostics
	if s.tags.IsUnknown() || s.filters.IsUnknown() {
		return diags
	}
	filters := map[string][]string{}
	for key, v := range s.tags.Elements() {
		filters["tag:"+key] = stringsOf([]attr.Value{v})
	}
	for name, v := range s.filters.Elements() {
		if _, twice := filters[name]; twice {
			diags.AddAttributeError(path.Root("filters"), "A tag is selected twice",
				fmt.Sprintf("filters selects %q, and tags selects the tag %q too. Give each tag in one of them.", name, strings.TrimPrefix(name, "tag:")))
		}
		if values, ok := v.(types.List); ok {
			filters[name] = stringsOf(values.Elements())
		}
	}
	if len(filters) == 0 {
		return diags
	}
	selection := cvm.Selection{Filters: filters}
	if !s.states.IsNull() {
		if _, twice := filters["instance-state"]; twice {
			diags.AddAttributeError(path.Root("filters"), "The states are selected twice",
				"filters selects \"instance-state\", and instance_states selects states too. Give the states in one of them.")
		}
		selection.States = stringsOf(s.states.Elements())
	}
	var tooManyFilters *cvm.TooManyFiltersError
	switch err := selection.Check(); {
	case errors.As(err, &tooManyFilters):
		diags.AddAttributeError(path.Root("filters"), "Too many filters", err.Error()+" tags, filters and instance_states each count.")
	case err != nil:
		diags.AddAttributeError(path.Root("filters"), "Too many values", err.Error())
	}
	return diags
}

// stringsOf are the known values among values, which are strings.
func stringsOf(values []attr.Value) []string {
	known := make([]string, 0, len(values))
	for _, v := range values {
		if s, ok := v.(types.String); ok && !s.IsUnknown() && !s.IsNull() {
			known = append(known, s.ValueString())
		}
	}
	return known
}

// apiFilters are the API filters that tags and filters select with, by name; none when both are
// null or empty.
func (s selectionConfig) apiFilters(ctx context.Context) (map[string][]string, diag.Diagnostics) {
	var diags diag.Diagnostics
	filters := map[string][]string{}
	if !s.filters.IsNull() {
		diags.Append(s.filters.ElementsAs(ctx, &filters, false)...)
	}
	var tags map[string]string
	if !s.tags.IsNull() {
		diags.Append(s.tags.ElementsAs(ctx, &tags, false)...)
	}
	for key, value := range tags {
		filters["tag:"+key] = []string{value}
	}
	return filters, diags
}
