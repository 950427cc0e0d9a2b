package provider

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
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

// readSelectionConfig reads a selection's arguments from an object's configuration; states holds
// the type of its instance_states.
func readSelectionConfig(ctx context.Context, config tfsdk.Config, states collection) (selectionConfig, diag.Diagnostics) {
	s := selectionConfig{states: states}
	var diags diag.Diagnostics
	diags.Append(config.GetAttribute(ctx, path.Root("tags"), &s.tags)...)
	diags.Append(config.GetAttribute(ctx, path.Root("filters"), &s.filters)...)
	diags.Append(config.GetAttribute(ctx, path.Root("instance_states"), s.states)...)
	return s, diags
}

// validate checks what the attributes' own validators cannot see: the filters that tags, filters
// and instance_states make together, at most 10 and in at most 20 requests, each given once.
// Values still unknown are checked when the read runs.
func (s selectionConfig) validate() diag.Diagnostics {
	var diags diag.Diagnostics
	if s.tags.IsUnknown() || s.filters.IsUnknown() {
		return diags
	}
	filters := map[string][]string{}
	known := true
	for key, v := range s.tags.Elements() {
		filters["tag:"+key] = []string{v.(types.String).ValueString()}
		known = known && !v.IsUnknown()
	}
	for name, v := range s.filters.Elements() {
		if _, twice := filters[name]; twice {
			diags.AddAttributeError(path.Root("filters"), "A tag is selected twice",
				fmt.Sprintf("filters selects %q, and tags selects the tag %q too. Give each tag in one of them.", name, strings.TrimPrefix(name, "tag:")))
		}
		values, ok := v.(types.List)
		if !ok || values.IsUnknown() {
			known = false
			continue
		}
		for _, value := range values.Elements() {
			filters[name] = append(filters[name], value.(types.String).ValueString())
			known = known && !value.IsUnknown()
		}
	}
	if len(filters) == 0 {
		return diags
	}
	if !s.states.IsNull() {
		if _, twice := filters["instance-state"]; twice {
			diags.AddAttributeError(path.Root("filters"), "The states are selected twice",
				"filters selects \"instance-state\", and instance_states selects states too. Give the states in one of them.")
		}
		filters["instance-state"] = nil
		for _, v := range s.states.Elements() {
			filters["instance-state"] = append(filters["instance-state"], v.(types.String).ValueString())
		}
		known = known && !s.states.IsUnknown()
	}
	if len(filters) > cvm.MaxFilters {
		diags.AddAttributeError(path.Root("filters"), "Too many filters", fmt.Sprintf(
			"tags, filters and instance_states make %d filters (%s), and DescribeInstances takes at most %d. Select with fewer.",
			len(filters), strings.Join(slices.Sorted(maps.Keys(filters)), ", "), cvm.MaxFilters))
	}
	if n := cvm.RequestCount(filters); known && n > cvm.MaxSelectRequests {
		diags.AddAttributeError(path.Root("filters"), "Too many values", (&cvm.TooManyRequestsError{Requests: n, Filters: filters}).Error())
	}
	return diags
}

// filters are the API filters that tags and filters select with, by name; none when both are
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
