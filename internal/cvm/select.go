package cvm

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// The API's limits on the Filters of one DescribeInstances request, and this package's limit on
// the requests that one selection may take.
const (
	MaxFilters         = 10
	MaxFilterValues    = 5
	MaxSelectRequests  = 20
	instanceStateField = "instance-state"
)

// FilterNames are the filter names DescribeInstances documents, besides tag:<key> (the value of
// the tag key).
var FilterNames = []string{
	"zone", "project-id", "host-id", "dedicated-cluster-id", "vpc-id", "subnet-id", "instance-id", "uuid",
	"security-group-id", "instance-name", "instance-charge-type", "instance-state", "private-ip-address",
	"public-ip-address", "ipv6-address", "tag-key", "tag-value", "creation-start-time", "creation-end-time",
}

// Filter is one filter of a DescribeInstances request: an instance matches when it matches one of
// the values.
type Filter struct {
	Name   string
	Values []string
}

// Selection picks the instances of a region by what users know of them, through the Filters of
// DescribeInstances: an instance is selected when it matches one value of every filter.
type Selection struct {
	Region string
	// Filters are the API's filter names (FilterNames, or tag:<key>) and their values; any number
	// of values, which are sent 5 per request.
	Filters map[string][]string
	// States, when not nil, keeps the instances in one of them; it is sent as the instance-state
	// filter, so that the pages hold only instances that are kept. An empty list keeps none.
	States []string
}

// filters are the filters of s by name, each value once, with States as the instance-state
// filter (the states also given in Filters, when both are).
func (s Selection) filters() map[string][]string {
	filters := map[string][]string{}
	for name, values := range s.Filters {
		filters[name] = uniqueIDs(values)
	}
	if s.States != nil {
		states := uniqueIDs(s.States)
		if given, ok := filters[instanceStateField]; ok {
			states = slices.DeleteFunc(states, func(state string) bool { return !slices.Contains(given, state) })
		}
		filters[instanceStateField] = states
	}
	return filters
}

// requests are the filters of each DescribeInstances request that together answer s: a filter
// of more than 5 values is split into requests of 5, and the splits of several filters multiply.
// None when s selects nothing whatever the fleet.
func requests(filters map[string][]string) [][]Filter {
	requests := [][]Filter{nil}
	for _, name := range slices.Sorted(maps.Keys(filters)) {
		chunks := batchIDs(filters[name], MaxFilterValues)
		var next [][]Filter
		for _, r := range requests {
			for _, chunk := range chunks {
				next = append(next, append(slices.Clip(r), Filter{Name: name, Values: chunk}))
			}
		}
		requests = next
	}
	return requests
}

// Check returns the error of a selection that cannot be read: more filters than one request takes
// (TooManyFiltersError), or more requests than one read may make (TooManyRequestsError). A filter
// whose values are not known yet may be given with none.
func (s Selection) Check() error {
	_, err := s.checkedRequests()
	return err
}

// checkedRequests are the requests of s, or the error of Check.
func (s Selection) checkedRequests() ([][]Filter, error) {
	filters := s.filters()
	if len(filters) > MaxFilters {
		return nil, &TooManyFiltersError{Names: slices.Sorted(maps.Keys(filters))}
	}
	requests := requests(filters)
	if len(requests) > MaxSelectRequests {
		return nil, &TooManyRequestsError{Requests: len(requests), Filters: filters}
	}
	return requests, nil
}

// TooManyFiltersError is a selection with more filters than a DescribeInstances request takes.
type TooManyFiltersError struct {
	Names []string
}

func (e *TooManyFiltersError) Error() string {
	return fmt.Sprintf("The selection makes %d filters (%s), and DescribeInstances takes at most %d. Select with fewer.",
		len(e.Names), strings.Join(e.Names, ", "), MaxFilters)
}

// TooManyRequestsError is a selection whose filters would take more requests than one read may make.
type TooManyRequestsError struct {
	Requests int
	Filters  map[string][]string
}

func (e *TooManyRequestsError) Error() string {
	var split []string
	for _, name := range slices.Sorted(maps.Keys(e.Filters)) {
		if n := len(e.Filters[name]); n > MaxFilterValues {
			split = append(split, fmt.Sprintf("%s has %d values (%d requests)", name, n, (n+MaxFilterValues-1)/MaxFilterValues))
		}
	}
	return fmt.Sprintf("The filters need %d DescribeInstances requests, more than the %d one read may make: the API takes at most "+
		"%d values of a filter per request, and %s. Give fewer values, or split the selection over several data sources.",
		e.Requests, MaxSelectRequests, MaxFilterValues, strings.Join(split, ", "))
}

// Select returns the instances that s selects, sorted by ID, each once, each with its Details.
// Each request (see requests) lists its matches 100 per page, the first page then the rest
// concurrently, with the drift rules of ListStatuses; the requests run concurrently too. N
// matches of one request cost max(1, ceil(N/100)) calls. With no filters and no states, it lists
// the whole region, as ListStatuses does, with the details.
func (c *Client) Select(ctx context.Context, s Selection) (Result, error) {
	requests, err := s.checkedRequests()
	if err != nil {
		return Result{}, err
	}
	type listed struct {
		found    map[string]Status
		warnings []string
	}
	answers, err := fetchAll(ctx, c, describeInstances, len(requests), func(ctx context.Context, i int) (listed, error) {
		what, read := c.filteredListing(s.Region, requests, i)
		found, warnings, err := c.listing(ctx, describeInstances, what, read)
		return listed{found, warnings}, err
	})
	if err != nil {
		return Result{}, err
	}
	union := map[string]Status{}
	var result Result
	for _, a := range answers {
		maps.Copy(union, a.found)
		result.Warnings = append(result.Warnings, a.warnings...)
	}
	result.Statuses = sortedStatuses(union)
	return result, nil
}

// filteredListing is the listing of the i-th of requests: how warnings name its instances, and
// the reader of its pages, whose errors name the request by its filters.
func (c *Client) filteredListing(region string, requests [][]Filter, i int) (what string, read pager) {
	parts := make([]string, len(requests[i]))
	for j, f := range requests[i] {
		parts[j] = f.Name + " = [" + strings.Join(f.Values, ", ") + "]"
	}
	name := region
	if len(parts) > 0 {
		name += " with the filters " + strings.Join(parts, ", ")
	}
	if len(requests) > 1 {
		name += fmt.Sprintf(" (request %d of %d)", i+1, len(requests))
	}
	return "The instances of " + name, func(ctx context.Context, offset int) (page, error) {
		return c.describeFiltered(ctx, query{region: region, offset: offset, filters: requests[i],
			name: fmt.Sprintf("page at offset %d (limit %d) of the instances of %s", offset, pageSize, name)})
	}
}
