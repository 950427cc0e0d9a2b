package cvm

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	sdkerrors "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
)

// joinKey is what calls must have in common to be joined: the action, the region, and the
// parameters of an operation besides its instances.
type joinKey struct {
	action, region        string
	stopType, stoppedMode string
}

// coalescer joins the calls of one action that name instances (reads of states by ID, operations,
// look-ups). Terraform calls each resource on its own, so the refresh of 1,000 resources is 1,000
// reads of one instance each; joined, it is a few calls of many. A call that arrives while another
// of its kind waits for its turn (the pace) joins it, as long as their IDs together fit in one
// request of 100; a call with nothing to join goes as soon as the pace lets it, with no window to
// wait for others. A call that is not full also waits while the previous call of its kind that
// was not full is unanswered, and as long again after its answer, as TCP's Nagle algorithm holds
// small segments while one is unacknowledged: Terraform hands the provider its resources one at a
// time, as fast as it gets through them, and the callers an answer releases come back with their
// next requests (the next resources in their slots) in about a round trip; a call per pace
// interval would carry only the few that came in that interval. Each caller gets its own
// instances' part of the answer, and its own error. No library does this for a paced, typed API;
// it is written here.
type coalescer[T any] struct {
	c *Client
	// send makes one call of ids through the request pipeline, as r names it.
	send func(ctx context.Context, k joinKey, r request, ids []string) (T, error)
	// share is the part of a joined answer that concerns ids.
	share func(answer T, ids []string) T

	mu sync.Mutex
	// waiting are, per kind, the calls that wait for their turn, in the order they were made.
	waiting map[joinKey][]*joined[T]
	// unanswered is, per kind, closed once the call not full that went last was answered, and
	// as long again.
	unanswered map[joinKey]chan struct{}
}

func newCoalescer[T any](c *Client, send func(context.Context, joinKey, request, []string) (T, error), share func(T, []string) T) *coalescer[T] {
	return &coalescer[T]{c: c, send: send, share: share, waiting: map[joinKey][]*joined[T]{}, unanswered: map[joinKey]chan struct{}{}}
}

// joined is one call that carries the IDs of one caller or more.
type joined[T any] struct {
	key    joinKey
	parts  []*part[T]    // the callers waiting for its answer
	closed bool          // it had its turn, or is a split of a call that had: nobody joins it
	full   chan struct{} // closed once it carries 100 IDs, when isFull is set
	isFull bool
	cancel context.CancelFunc
	record attempts
}

// part is one caller's share of a joined call.
type part[T any] struct {
	r      request // how the caller names its request
	ids    []string
	call   *joined[T] // the call that carries it: another one after a split
	answer chan outcome[T]
}

type outcome[T any] struct {
	answer T
	err    error
}

// call sends ids, at most 100, in a call of kind k: the first call waiting for its turn that they
// fit in, or a new one; r names the caller's request in its errors. A caller whose ctx ends leaves
// the call: its IDs are not sent if the call has not gone yet, and the others go on without it.
func (co *coalescer[T]) call(ctx context.Context, k joinKey, r request, ids []string) (T, error) {
	p := &part[T]{r: r, ids: ids, answer: make(chan outcome[T], 1)}
	co.mu.Lock()
	waiting := co.waiting[k]
	i := slices.IndexFunc(waiting, func(j *joined[T]) bool { return !j.closed && j.carried(ids) <= pageSize })
	var j *joined[T]
	if i >= 0 {
		j = waiting[i]
	} else {
		j = &joined[T]{key: k, full: make(chan struct{})}
		co.waiting[k] = append(waiting, j)
		co.start(ctx, j)
	}
	full := j.carried(ids) == pageSize
	j.parts, p.call = append(j.parts, p), j
	if full && !j.isFull {
		j.isFull = true
		close(j.full)
	}
	co.mu.Unlock()

	select {
	case o := <-p.answer:
		return o.answer, o.err
	case <-ctx.Done():
	}
	co.mu.Lock()
	j = p.call
	left := co.leave(p)
	co.mu.Unlock()
	if !left { // the answer came as ctx ended
		o := <-p.answer
		return o.answer, o.err
	}
	var zero T
	begun, last := j.record.read()
	return zero, newError(ctx, r, begun, cmp.Or(last, notAnswered(ctx, begun)), false)
}

// start runs j on a context of its own, which keeps ctx's values (the logger) and ends when every
// caller has left; co.mu is held.
func (co *coalescer[T]) start(ctx context.Context, j *joined[T]) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	j.cancel = cancel
	go func() {
		defer cancel()
		co.run(ctx, j)
	}()
}

// run waits for j's turn, unless it had it, then sends it and hands out the answer.
func (co *coalescer[T]) run(ctx context.Context, j *joined[T]) {
	var t *turn
	var quiet chan struct{}
	if !j.closed {
		co.awaitQuiet(ctx, j)
		next, err := co.c.paces[j.key.action].wait(ctx)
		co.mu.Lock()
		co.close(j)
		if err == nil && len(j.ids()) < pageSize {
			quiet = make(chan struct{})
			co.unanswered[j.key] = quiet
		}
		co.mu.Unlock()
		if err != nil {
			return // every caller left
		}
		t = &next
	}
	co.mu.Lock()
	ids, r := j.ids(), j.request()
	co.mu.Unlock()
	if len(ids) == 0 { // every caller left as it had its turn
		if quiet != nil {
			co.release(j.key, quiet)
		}
		return
	}
	r.action, r.region, r.turn, r.record = j.key.action, j.key.region, t, &j.record
	sent := time.Now()
	answer, err := co.send(ctx, j.key, r, ids)
	if quiet != nil {
		// The callers this answers come back with their next requests in about the time it took.
		time.AfterFunc(time.Since(sent), func() { co.release(j.key, quiet) })
	}
	co.settle(ctx, j, answer, err)
}

// awaitQuiet waits, unless j is full, until the call of its kind not full that went last was
// answered, and as long again; or until every caller of j has left.
func (co *coalescer[T]) awaitQuiet(ctx context.Context, j *joined[T]) {
	co.mu.Lock()
	quiet := co.unanswered[j.key]
	co.mu.Unlock()
	if quiet == nil {
		return
	}
	select {
	case <-quiet:
	case <-j.full:
	case <-ctx.Done():
	}
}

// release lets the next call of kind k that is not full go.
func (co *coalescer[T]) release(k joinKey, quiet chan struct{}) {
	co.mu.Lock()
	defer co.mu.Unlock()
	if co.unanswered[k] == quiet {
		delete(co.unanswered, k)
	}
	close(quiet)
}

// settle gives each caller still waiting its part of the answer, or its own error. When the API
// refuses a call that carries several callers' IDs for a reason one of them may be alone in (an
// instance in the wrong state, unknown or busy, a parameter), each half of the callers is sent
// again on its own, and so on: the refusal ends with the caller whose instance it concerns, and
// the others are answered.
func (co *coalescer[T]) settle(ctx context.Context, j *joined[T], answer T, err error) {
	co.mu.Lock()
	parts := j.parts
	j.parts = nil
	if err != nil && len(parts) > 1 && concernsAnInstance(err) {
		for _, half := range [][]*part[T]{parts[:len(parts)/2], parts[len(parts)/2:]} {
			split := &joined[T]{key: j.key, parts: half, closed: true}
			for _, p := range half {
				p.call = split
			}
			co.start(ctx, split)
		}
		co.mu.Unlock()
		return
	}
	co.mu.Unlock()
	for _, p := range parts {
		if err != nil {
			p.answer <- outcome[T]{err: p.own(err)}
		} else {
			p.answer <- outcome[T]{answer: co.share(answer, p.ids)}
		}
	}
}

// leave takes p out of its call, and reports false when the call has answered it already; a call
// that nobody waits for any more ends. co.mu is held.
func (co *coalescer[T]) leave(p *part[T]) bool {
	j := p.call
	i := slices.Index(j.parts, p)
	if i < 0 {
		return false
	}
	j.parts = slices.Delete(j.parts, i, i+1)
	if len(j.parts) == 0 {
		j.cancel()
		co.close(j)
	}
	return true
}

// close takes j out of the calls that can be joined; co.mu is held.
func (co *coalescer[T]) close(j *joined[T]) {
	j.closed = true
	waiting := slices.DeleteFunc(co.waiting[j.key], func(w *joined[T]) bool { return w == j })
	if len(waiting) == 0 {
		delete(co.waiting, j.key)
	} else {
		co.waiting[j.key] = waiting
	}
}

// carried is how many IDs j would carry with ids.
func (j *joined[T]) carried(ids []string) int {
	carried := map[string]bool{}
	for _, p := range j.parts {
		for _, id := range p.ids {
			carried[id] = true
		}
	}
	for _, id := range ids {
		carried[id] = true
	}
	return len(carried)
}

// ids are the IDs of j's callers, each once, in the order they joined.
func (j *joined[T]) ids() []string {
	var ids []string
	for _, p := range j.parts {
		ids = append(ids, p.ids...)
	}
	return uniqueIDs(ids)
}

// request is how j is named in logs and errors: as its caller named it when it carries one.
func (j *joined[T]) request() request {
	if len(j.parts) == 1 {
		return j.parts[0].r
	}
	return request{
		name:      fmt.Sprintf("call that joins %d requests", len(j.parts)),
		logFields: map[string]any{"joined_requests": len(j.parts), "ids": len(j.ids())},
	}
}

// own is err as the caller's own: its request named as the caller names it.
func (p *part[T]) own(err error) error {
	var apiErr *Error
	if !errors.As(err, &apiErr) {
		return err
	}
	mine := *apiErr
	mine.Request = p.r.name
	return &mine
}

// concernsAnInstance reports an answer of the API that may be about one instance of a call: any
// refusal but throttling, the server's errors (retried already) and the keys (the same for all).
func concernsAnInstance(err error) bool {
	var sdkErr *sdkerrors.TencentCloudSDKError
	keys := errors.As(err, &sdkErr) && strings.HasPrefix(sdkErr.Code, "AuthFailure")
	return apiAnswer(err) && !retryable(err) && !keys
}

// notAnswered is why a request that was sent and not answered failed for a caller that left it.
func notAnswered(ctx context.Context, begun int) error {
	switch {
	case begun == 0:
		return notSent(ctx)
	case canceled(ctx):
		return errors.New("it was canceled before the API answered")
	}
	return errors.New("its time ran out before the API answered")
}
