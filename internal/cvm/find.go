package cvm

import (
	"context"
	"fmt"
	"slices"
)

// Search asks for the first instances of a region, as the API lists them.
type Search struct {
	Region string
	// States keeps only the instances in one of them; empty keeps every instance.
	States []string
	// Limit is the most instances to find; 0 finds none, without a call.
	Limit int
}

// Find calls found for each instance of s.Region in one of s.States, in the API's listing order
// and each once, until it has found s.Limit or found returns false. It reads the first page for
// TotalCount, then each time as many pages at once as could still be needed (enough for the
// instances still to find, if every one on them were kept), concurrently under the pace: without
// States, finding L of N instances costs max(1, ceil(min(L, N)/100)) calls, and no page is read
// after the last one needed.
//
// As in ListStatuses, a pass that reads to the end while TotalCount changes is followed by
// another (at most maxPasses in all), which finds only the instances not found yet; when no pass
// holds still, the warnings say that instances created or terminated meanwhile may be missing.
func (c *Client) Find(ctx context.Context, s Search, found func(Status) bool) (warnings []string, err error) {
	if s.Limit <= 0 {
		return nil, nil
	}
	f := finder{c: c, s: s, found: found, seen: map[string]bool{}}
	var totals []int
	for range maxPasses {
		passTotals, stopped, err := f.pass(ctx)
		if err != nil || stopped || slices.Min(passTotals) == slices.Max(passTotals) {
			return nil, err
		}
		totals = append(totals, passTotals...)
	}
	return []string{fleetChanged(s.Region, totals)}, nil
}

// finder is one Find under way.
type finder struct {
	c     *Client
	s     Search
	found func(Status) bool
	seen  map[string]bool // the instances found so far
}

// pass reads the listing from its start until the end, the limit, or found asks to stop
// (stopped), and returns the TotalCount of every page.
func (f *finder) pass(ctx context.Context) (totals []int, stopped bool, err error) {
	offset, total := 0, -1
	for total < 0 || offset < total {
		n := 1
		if total >= 0 {
			n = min(batchCount(f.s.Limit-len(f.seen)), batchCount(total-offset))
		}
		pages, err := fetchAll(ctx, f.c, describeInstancesStatus, n, func(ctx context.Context, i int) (page, error) {
			return f.c.describe(ctx, listQuery(f.s.Region, offset+i*pageSize))
		})
		if err != nil {
			return nil, false, err
		}
		for _, p := range pages {
			totals = append(totals, p.total)
			for _, st := range p.statuses {
				if f.seen[st.ID] || (len(f.s.States) > 0 && !slices.Contains(f.s.States, st.State)) {
					continue
				}
				f.seen[st.ID] = true
				if !f.found(st) || len(f.seen) == f.s.Limit {
					return totals, true, nil
				}
			}
		}
		offset += n * pageSize
		total = pages[n-1].total
	}
	return totals, false, nil
}

// fleetChanged is the warning of a listing whose TotalCount never held still during a pass.
func fleetChanged(region string, totals []int) string {
	return fmt.Sprintf("The instances of %s changed during the read: TotalCount moved between %d and %d in each of %d passes. "+
		"The result holds every instance any pass saw, each once; instances created or terminated during the read "+
		"may be listed or not.", region, slices.Min(totals), slices.Max(totals), maxPasses)
}
