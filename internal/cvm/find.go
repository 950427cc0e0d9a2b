package cvm

import (
	"context"
	"slices"
)

// Search asks for the first instances of a region, as the API lists them.
type Search struct {
	Region string
	// States keeps only the instances in one of them; nil keeps every instance, and an empty list
	// none.
	States []string
	// Filters, when set, select the instances as a Selection's do, through DescribeInstances.
	Filters map[string][]string
	// Limit is the most instances to find; 0 finds none, without a call.
	Limit int
}

// Find calls found for each instance of s.Region in one of s.States, in the API's listing order
// and each once, until it has found s.Limit or found returns false. It reads the first page for
// TotalCount, then each time as many pages at once as could still be needed (enough for the
// instances still to find, if every one on them were kept), concurrently under the pace: without
// States, finding L of N instances costs max(1, ceil(min(L, N)/100)) calls, and no page is read
// after the last one needed. With Filters, it reads the requests of the Selection one after the
// other, each in that way, until the limit.
//
// As in ListStatuses, a pass that reads to the end while TotalCount changes is followed by
// another (at most maxPasses in all), which finds only the instances not found yet; when no pass
// holds still, the warning says so: every instance any pass saw was found once, and instances
// created or terminated meanwhile may have been found or not.
func (c *Client) Find(ctx context.Context, s Search, found func(Status) bool) (warnings []string, err error) {
	if s.Limit <= 0 || (s.States != nil && len(s.States) == 0) {
		return nil, nil
	}
	f := finder{c: c, s: s, found: found, seen: map[string]bool{}}
	if len(s.Filters) == 0 {
		what, read := c.regionListing(s.Region)
		return f.passes(ctx, describeInstancesStatus, what, read)
	}
	requests, err := Selection{Region: s.Region, Filters: s.Filters, States: s.States}.checkedRequests()
	if err != nil {
		return nil, err
	}
	for i := range requests {
		what, read := c.filteredListing(s.Region, requests, i)
		w, err := f.passes(ctx, describeInstances, what, read)
		warnings = append(warnings, w...)
		if err != nil || f.stopped {
			return warnings, err
		}
	}
	return warnings, nil
}

// finder is one Find under way.
type finder struct {
	c       *Client
	s       Search
	found   func(Status) bool
	seen    map[string]bool // the instances found so far
	stopped bool            // the limit is reached, or found asked to stop
}

// passes reads one listing (what names its instances) until a pass holds still, the limit is
// reached or found asks to stop, at most maxPasses times.
func (f *finder) passes(ctx context.Context, action, what string, read pager) ([]string, error) {
	var totals []int
	for range maxPasses {
		passTotals, err := f.pass(ctx, action, read)
		if err != nil || f.stopped || slices.Min(passTotals) == slices.Max(passTotals) {
			return nil, err
		}
		totals = append(totals, passTotals...)
	}
	return []string{fleetChanged(what, totals)}, nil
}

// pass reads the listing from its start until the end, the limit, or found asks to stop, and
// returns the TotalCount of every page.
func (f *finder) pass(ctx context.Context, action string, read pager) (totals []int, err error) {
	offset, total := 0, -1
	for total < 0 || offset < total {
		n := 1
		if total >= 0 {
			n = min(batchCount(f.s.Limit-len(f.seen)), batchCount(total-offset))
		}
		pages, err := fetchAll(ctx, f.c, action, n, func(ctx context.Context, i int) (page, error) {
			return read(ctx, offset+i*pageSize)
		})
		if err != nil {
			return nil, err
		}
		for _, p := range pages {
			totals = append(totals, p.total)
			for _, st := range p.statuses {
				if f.seen[st.ID] || (f.s.States != nil && !slices.Contains(f.s.States, st.State)) {
					continue
				}
				f.seen[st.ID] = true
				if !f.found(st) || len(f.seen) == f.s.Limit {
					f.stopped = true
					return totals, nil
				}
			}
		}
		offset += n * pageSize
		total = pages[n-1].total
	}
	return totals, nil
}
