package cvm

// What both Describe actions share: a page and the query that asks for it, the check of each
// answer, and the batching and concurrency of the calls that list or look up instances.

import (
	"context"
	"fmt"
	"maps"
	"slices"

	cvmapi "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	"golang.org/x/sync/errgroup"
)

// page is one checked answer of DescribeInstancesStatus or DescribeInstances.
type page struct {
	total    int
	statuses []Status
}

// query is one DescribeInstancesStatus request (a page of the listing, or a batch of IDs), or one
// page of a DescribeInstances request with filters.
type query struct {
	region  string
	offset  int
	ids     []string // nil lists every instance
	filters []Filter // DescribeInstances only
	name    string   // how errors and logs name this request
}

// describePage sends q, a request whose answer send reads, through the request pipeline as r
// names it, and checks the answer.
func (c *Client) describePage(ctx context.Context, r request, q query, send func(context.Context, *cvmapi.Client) (answer, error)) (page, error) {
	return call(ctx, c, r, func(ctx context.Context, sdk *cvmapi.Client) (page, string, error) {
		a, err := send(ctx, sdk)
		if err != nil {
			return page{}, "", err
		}
		p, err := checkPage(a, q)
		return p, a.requestID, err
	})
}

// pageRequest is q as a request of action.
func pageRequest(action string, q query) request {
	return request{action: action, region: q.region, name: q.name}
}

// setOf is ids as a set.
func setOf(ids []string) map[string]bool {
	set := make(map[string]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set
}

// withFields is fields with more added, in a map of its own.
func withFields(fields, more map[string]any) map[string]any {
	all := maps.Clone(more)
	maps.Copy(all, fields)
	return all
}

// answer is what checkPage reads of a DescribeInstancesStatus or DescribeInstances answer.
type answer struct {
	missing   bool // the body has no Response object
	requestID string
	total     *int64
	entries   []entry // nil entries are entries the body holds as null
}

type entry struct {
	id, state *string
	details   *Details // DescribeInstances only
}

// checkPage validates an answer rather than trusting it: every ID well formed, listed once (and
// asked for), every state present, and as many entries as TotalCount says this page holds.
func checkPage(a answer, q query) (page, error) {
	if a.missing {
		return page{}, &MalformedResponseError{Reason: "the body has no Response object"}
	}
	malformed := func(format string, args ...any) (page, error) {
		return page{}, &MalformedResponseError{Reason: fmt.Sprintf(format, args...), RequestID: a.requestID}
	}
	if a.total == nil {
		return malformed("TotalCount is missing")
	}
	total := int(*a.total)
	if want := min(pageSize, max(0, total-q.offset)); len(a.entries) != want {
		return malformed("TotalCount is %d, so the page at offset %d should hold %d entries, but it holds %d",
			total, q.offset, want, len(a.entries))
	}
	var asked map[string]bool
	if q.ids != nil {
		asked = setOf(q.ids)
	}
	statuses := make([]Status, len(a.entries))
	seen := make(map[string]bool, len(a.entries))
	for i, s := range a.entries {
		switch {
		case s.id == nil:
			return malformed("entry %d has no InstanceId", i)
		case !InstanceIDPattern.MatchString(*s.id):
			return malformed("entry %d has the InstanceId %q, which is not of the form ins-xxxxxxxx", i, truncate(*s.id, 40))
		case asked != nil && !asked[*s.id]:
			return malformed("entry %d is %s, which was not asked for", i, *s.id)
		case seen[*s.id]:
			return malformed("entry %d repeats %s", i, *s.id)
		case s.state == nil || *s.state == "":
			return malformed("entry %d (%s) has no InstanceState", i, *s.id)
		}
		seen[*s.id] = true
		statuses[i] = Status{ID: *s.id, State: *s.state, Details: s.details}
	}
	return page{total: total, statuses: statuses}, nil
}

func batchName(batches [][]string, i int) string {
	b := batches[i]
	return fmt.Sprintf("batch %d of %d (%d IDs, %s to %s)", i+1, len(batches), len(b), b[0], b[len(b)-1])
}

// fetchAll runs fetch for 0..n-1 concurrently, at most the action's width at a time (the pace
// sets the rate), and returns the answers in index order. The first failure cancels the others
// and is the error returned.
func fetchAll[T any](ctx context.Context, c *Client, action string, n int, fetch func(context.Context, int) (T, error)) ([]T, error) {
	answers := make([]T, max(n, 0))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(c.width(action))
	for i := range answers {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			var err error
			answers[i], err = fetch(ctx, i)
			return err
		})
	}
	return answers, g.Wait()
}

// uniqueIDs drops repeated IDs, keeping the first occurrence.
func uniqueIDs(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	unique := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			unique = append(unique, id)
		}
	}
	return unique
}

// batchIDs splits ids into consecutive batches of at most size.
func batchIDs(ids []string, size int) [][]string {
	return slices.Collect(slices.Chunk(ids, size))
}

// batchCount is how many calls n IDs (or n instances of a listing) take at pageSize per call.
func batchCount(n int) int {
	return (n + pageSize - 1) / pageSize
}
