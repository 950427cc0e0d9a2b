package cvm

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
)

// Status is the state of one instance, as the API names it (RUNNING, STOPPED, ...).
type Status struct {
	ID    string
	State string
	// Details are the instance's other attributes, when the read went through DescribeInstances
	// (Select, DetailsByID); nil otherwise, as DescribeInstancesStatus does not say.
	Details *Details
}

// Result is what a read found.
type Result struct {
	// Statuses are the instances found: sorted by ID when listing a region, in the order asked
	// for when reading IDs.
	Statuses []Status
	// Missing are the IDs asked for that the API did not return, in the order asked for.
	Missing []string
	// Warnings say what the caller should know about a result that is still usable.
	Warnings []string
}

// maxPasses bounds how often a listing is read again when the fleet changes under it.
const maxPasses = 3

// ListStatuses returns every instance in region, sorted by ID, in max(1, ceil(N/100)) calls
// when the fleet holds still.
func (c *Client) ListStatuses(ctx context.Context, region string) (Result, error) {
	what, read := c.regionListing(region)
	found, warning, err := c.listing(ctx, describeInstancesStatus, what, read)
	if err != nil {
		return Result{}, err
	}
	return Result{Statuses: sortedStatuses(found), Warnings: warning}, nil
}

// pager reads the page of a listing at offset.
type pager func(ctx context.Context, offset int) (page, error)

// regionListing is the listing of every instance of region through DescribeInstancesStatus: how
// warnings name its instances, and the reader of its pages.
func (c *Client) regionListing(region string) (what string, read pager) {
	return "The instances of " + region, func(ctx context.Context, offset int) (page, error) {
		q := listQuery(region, offset)
		return c.describe(ctx, pageRequest(describeInstancesStatus, q), q)
	}
}

// listing reads a whole listing, by ID, with a warning that says what changed during the read if
// it never held still (what names the instances listed, such as "The instances of ap-guangzhou").
//
// Offset paging is not a snapshot: an instance created or terminated between two pages shifts
// the ones after it. When TotalCount changes during a pass, the listing is read again; the
// first pass whose TotalCount held still is the answer. If none does, the answer is the union
// of the passes, each instance once with the state seen last, and a warning.
func (c *Client) listing(ctx context.Context, action, what string, read pager) (map[string]Status, []string, error) {
	union := map[string]Status{}
	var totals []int
	for range maxPasses {
		found, passTotals, err := c.listPass(ctx, action, read)
		if err != nil {
			return nil, nil, err
		}
		if slices.Min(passTotals) == slices.Max(passTotals) {
			return found, nil, nil
		}
		maps.Copy(union, found)
		totals = append(totals, passTotals...)
	}
	return union, []string{fleetChanged(what, totals)}, nil
}

// listPass reads a listing once: the first page gives TotalCount, then the other pages are read
// concurrently. It returns the instances seen and the TotalCount of every page.
func (c *Client) listPass(ctx context.Context, action string, read pager) (map[string]Status, []int, error) {
	first, err := read(ctx, 0)
	if err != nil {
		return nil, nil, err
	}
	rest, err := fetchAll(ctx, c, action, batchCount(first.total)-1, func(ctx context.Context, i int) (page, error) {
		return read(ctx, (i+1)*pageSize)
	})
	if err != nil {
		return nil, nil, err
	}
	pages := append([]page{first}, rest...)
	found := make(map[string]Status, first.total)
	totals := make([]int, len(pages))
	for i, p := range pages {
		totals[i] = p.total
		for _, s := range p.statuses {
			found[s.ID] = s
		}
	}
	return found, totals, nil
}

func listQuery(region string, offset int) query {
	return query{region: region, offset: offset, name: fmt.Sprintf("page at offset %d (limit %d)", offset, pageSize)}
}

// StatusesByID returns the states of ids in the order given, each ID once, in ceil(k/100)
// DescribeInstancesStatus calls for k unique IDs (none for none), with the IDs the API did not
// return in Missing. Its calls join those of other reads by ID in the region that wait for their
// turn at the same time.
func (c *Client) StatusesByID(ctx context.Context, region string, ids []string) (Result, error) {
	return c.byID(ctx, c.statuses, describeInstancesStatus, region, ids)
}

// DetailsByID is StatusesByID through DescribeInstances: each status carries its Details, at the
// same number of calls, joined with the other look-ups of the region.
func (c *Client) DetailsByID(ctx context.Context, region string, ids []string) (Result, error) {
	return c.byID(ctx, c.lookups, describeInstances, region, ids)
}

// byID reads ids 100 per call of action, through the coalescer that joins that action's calls.
func (c *Client) byID(ctx context.Context, co *coalescer[page], action, region string, ids []string) (Result, error) {
	unique := uniqueIDs(ids)
	batches := batchIDs(unique, pageSize)
	pages, err := fetchAll(ctx, c, action, len(batches), func(ctx context.Context, i int) (page, error) {
		r := request{action: action, region: region, name: batchName(batches, i), logFields: map[string]any{"ids": len(batches[i])}}
		return co.call(ctx, joinKey{action: action, region: region}, r, batches[i])
	})
	if err != nil {
		return Result{}, err
	}
	found := make(map[string]Status, len(unique))
	for _, p := range pages {
		for _, s := range p.statuses {
			found[s.ID] = s
		}
	}
	result := Result{Statuses: make([]Status, 0, len(found)), Missing: []string{}}
	for _, id := range unique {
		if s, ok := found[id]; ok {
			result.Statuses = append(result.Statuses, s)
		} else {
			result.Missing = append(result.Missing, id)
		}
	}
	return result, nil
}

// pageOf is the part of a DescribeInstancesStatus answer that concerns ids.
func pageOf(p page, ids []string) page {
	asked := setOf(ids)
	mine := page{total: p.total}
	for _, s := range p.statuses {
		if asked[s.ID] {
			mine.statuses = append(mine.statuses, s)
		}
	}
	return mine
}

func sortedStatuses(found map[string]Status) []Status {
	statuses := slices.Collect(maps.Values(found))
	slices.SortFunc(statuses, func(a, b Status) int { return cmp.Compare(a.ID, b.ID) })
	return statuses
}

// fleetChanged is the warning of a listing read maxPasses times whose TotalCount moved in every
// pass (a pass in which it held still would have been the answer, with no warning); what names
// the instances listed, such as "The instances of ap-guangzhou".
func fleetChanged(what string, totals []int) string {
	return fmt.Sprintf("%s changed during the read: TotalCount moved between %d and %d in each of %d passes. "+
		"The result holds every instance any pass saw, each once; instances created or terminated during the read "+
		"may be listed or not.", what, slices.Min(totals), slices.Max(totals), maxPasses)
}
