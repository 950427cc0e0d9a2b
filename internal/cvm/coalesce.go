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
// reads of one instance each; joined, it is a few calls of many.
//
// A call waits only for what it must: the pace. When the pace has a token to spare, a call goes at
// once; when it has none, the call waits in the pace's line, and the callers that come meanwhile
// join it, as long as their IDs together fit in one request of 100. There is no hold beyond that:
// a hold for the callers an answer released (Terraform hands their slots the next resources tens
// of milliseconds after the answer, one after the other) was measured to cost time at 250 ms,
// since the answers of a large joined call reach Terraform at once and it gets through them
// together, later than one by one. Each caller gets its own instances' part of the answer, and its
// own error. No library does this for a paced, typed API; it is written here.
type coalescer[T any] struct {
	c *Client
	// send makes one call of ids through the request pipeline, as r names it.
	send func(ctx context.Context, k joinKey, r request, ids []string) (T, error)
	// share is the part of a joined answer that concerns ids.
	share func(answer T, ids []string) T

	mu sync.Mutex
	// open are, per kind, the calls that callers may still join, in the order they were made.
	open map[joinKey][]*sharedCall[T]
}

func newCoalescer[T any](c *Client, send func(context.Context, joinKey, request, []string) (T, error), share func(T, []string) T) *coalescer[T] {
	return &coalescer[T]{c: c, send: send, share: share, open: map[joinKey][]*sharedCall[T]{}}
}

// sharedCall is one call that carries the IDs of one caller or more.
type sharedCall[T any] struct {
	key   joinKey
	parts []*waitingCaller[T] // the callers waiting for its answer
	open  bool                // callers may join it: it has not had its turn, and is not a half of a refused call
	sent  bool                // its IDs are fixed: the request pipeline has them
	// end ends the call's context: every caller has left.
	end    context.CancelFunc
	record attempts
}

// waitingCaller is one caller's share of a joined call.
type waitingCaller[T any] struct {
	ctx    context.Context // the caller's
	r      request         // how the caller names its request
	ids    []string
	call   *sharedCall[T] // the call that carries it: another one after a split
	answer chan callerAnswer[T]
}

type callerAnswer[T any] struct {
	answer T
	err    error
}

// call sends ids, at most 100, in a call of kind k: the first open call that they fit in, or a new
// one; r names the caller's request in its errors. A caller whose ctx ends leaves the call: its
// IDs are not sent if the call has not gone yet, and the others go on without it.
func (co *coalescer[T]) call(ctx context.Context, k joinKey, r request, ids []string) (T, error) {
	p := &waitingCaller[T]{ctx: ctx, r: r, ids: ids, answer: make(chan callerAnswer[T], 1)}
	co.mu.Lock()
	open := co.open[k]
	i := slices.IndexFunc(open, func(j *sharedCall[T]) bool { return j.idCountWith(ids) <= pageSize })
	var j *sharedCall[T]
	if i >= 0 {
		j = open[i]
	} else {
		j = &sharedCall[T]{key: k, open: true}
		co.open[k] = append(open, j)
		co.start(ctx, j)
	}
	j.parts, p.call = append(j.parts, p), j
	co.mu.Unlock()

	select {
	case o := <-p.answer:
		return o.answer, o.err
	case <-ctx.Done():
	}
	co.mu.Lock()
	j = p.call
	sent := j.sent
	left := co.leave(p)
	co.mu.Unlock()
	if !left { // the answer came as ctx ended
		o := <-p.answer
		return o.answer, o.err
	}
	var zero T
	begun, last := j.record.read()
	return zero, newError(ctx, r, begun, cmp.Or(last, notAnswered(ctx, sent)), false)
}

// start runs j on a context of its own, which keeps ctx's values (the logger) and ends when every
// caller has left; its deadline is its callers' latest. co.mu is held.
func (co *coalescer[T]) start(ctx context.Context, j *sharedCall[T]) {
	ctx, end := context.WithCancel(context.WithoutCancel(ctx))
	j.end = end
	go func() {
		defer end()
		co.run(ctx, j)
	}()
}

// run waits for j's turn, sends it and hands out the answer.
func (co *coalescer[T]) run(ctx context.Context, j *sharedCall[T]) {
	t, err := co.c.pace(j.key.action, j.key.region).wait(ctx, func() (time.Time, bool) {
		co.mu.Lock()
		defer co.mu.Unlock()
		return j.deadline()
	})
	co.mu.Lock()
	co.close(j)
	if err != nil { // every caller left, or the turn would come after the last one's deadline
		parts := j.parts
		j.parts = nil
		co.mu.Unlock()
		for _, p := range parts {
			p.answer <- callerAnswer[T]{err: newError(p.ctx, p.r, 0, notSent(p.ctx), true)}
		}
		return
	}
	ids, r := j.ids(), j.request()
	if len(ids) == 0 { // every caller left as it had its turn
		co.mu.Unlock()
		return
	}
	j.sent = true
	deadline, bounded := j.deadline()
	co.mu.Unlock()
	if bounded {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline)
		defer cancel()
	}
	r.action, r.region, r.permit, r.record = j.key.action, j.key.region, &t, &j.record
	answer, err := co.send(ctx, j.key, r, ids)
	co.answerCallers(ctx, j, answer, err)
}

// answerCallers gives each caller still waiting its part of the answer, or its own error. When the API
// refuses a call that carries several callers' IDs for a reason that concerns some of its
// instances (unknown, in the wrong state, busy), each half of the callers is sent again on its
// own, and so on: the refusal ends with the callers whose instances it concerns, and the others
// are answered. Any other refusal (the keys, a permission, a parameter, a proxy) concerns every
// caller alike, and goes to all of them from this one call.
func (co *coalescer[T]) answerCallers(ctx context.Context, j *sharedCall[T], answer T, err error) {
	co.mu.Lock()
	parts := j.parts
	j.parts = nil
	if err != nil && len(parts) > 1 && namesInstances(err, j.ids()) {
		for _, half := range [][]*waitingCaller[T]{parts[:len(parts)/2], parts[len(parts)/2:]} {
			split := &sharedCall[T]{key: j.key, parts: half}
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
			p.answer <- callerAnswer[T]{err: p.asCallersError(err)}
		} else {
			p.answer <- callerAnswer[T]{answer: co.share(answer, p.ids)}
		}
	}
}

// leave takes p out of its call, and reports false when the call has answered it already; a call
// that nobody waits for any more ends. co.mu is held.
func (co *coalescer[T]) leave(p *waitingCaller[T]) bool {
	j := p.call
	i := slices.Index(j.parts, p)
	if i < 0 {
		return false
	}
	j.parts = slices.Delete(j.parts, i, i+1)
	if len(j.parts) == 0 {
		co.close(j)
		j.end()
	}
	return true
}

// close takes j out of the calls that can be joined; co.mu is held.
func (co *coalescer[T]) close(j *sharedCall[T]) {
	if !j.open {
		return
	}
	j.open = false
	open := slices.DeleteFunc(co.open[j.key], func(w *sharedCall[T]) bool { return w == j })
	if len(open) == 0 {
		delete(co.open, j.key)
	} else {
		co.open[j.key] = open
	}
}

// idCountWith is how many IDs j would carry with ids.
func (j *sharedCall[T]) idCountWith(ids []string) int {
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
func (j *sharedCall[T]) ids() []string {
	var ids []string
	for _, p := range j.parts {
		ids = append(ids, p.ids...)
	}
	return uniqueIDs(ids)
}

// deadline is the latest deadline of j's callers, and false when one of them has none: a joined
// call serves its callers for as long as the last of them waits.
func (j *sharedCall[T]) deadline() (time.Time, bool) {
	var latest time.Time
	for _, p := range j.parts {
		d, ok := p.ctx.Deadline()
		if !ok {
			return time.Time{}, false
		}
		if d.After(latest) {
			latest = d
		}
	}
	return latest, len(j.parts) > 0
}

// request is how j is named in logs and errors: as its caller named it when it carries one.
func (j *sharedCall[T]) request() request {
	if len(j.parts) == 1 {
		return j.parts[0].r
	}
	return request{
		name:      fmt.Sprintf("call that joins %d requests", len(j.parts)),
		logFields: map[string]any{"joined_requests": len(j.parts), "ids": len(j.ids())},
	}
}

// asCallersError is err as the caller's asCallersError: its request named as the caller names it.
func (p *waitingCaller[T]) asCallersError(err error) error {
	var apiErr *Error
	if !errors.As(err, &apiErr) {
		return err
	}
	mine := *apiErr
	mine.Request = p.r.name
	return &mine
}

// instanceRefusals are the families of the API's codes that refuse a call for some of its
// instances (tencentcloud-sdk-go cvm v20170312 client.go, for the actions joined here): unknown or
// malformed IDs, instances in a state the operation does not allow, busy with another task, or of
// a kind that does not support it.
var instanceRefusals = []string{
	"InvalidInstanceId.", "InvalidParameterValue.InstanceIdMalformed", "InvalidInstance.",
	"UnsupportedOperation.InstanceState", "UnsupportedOperation.StoppedModeStopCharging",
	"UnsupportedOperation.HibernationForNormalInstance", "UnsupportedOperation.InstanceReinstallFailed",
	"OperationDenied.InstanceOperationInProgress", "MutexOperation.TaskRunning",
	"FailedOperation.InvalidInstanceApplicationRole",
}

// namesInstances reports a refusal of a call of ids that concerns some of its instances rather than
// the call as a whole: a code of instanceRefusals, or a message that names one of ids.
func namesInstances(err error, ids []string) bool {
	var sdkErr *sdkerrors.TencentCloudSDKError
	if !errors.As(err, &sdkErr) || retryable(err) {
		return false
	}
	if slices.ContainsFunc(instanceRefusals, func(family string) bool { return strings.HasPrefix(sdkErr.Code, family) }) {
		return true
	}
	return slices.ContainsFunc(ids, func(id string) bool { return strings.Contains(sdkErr.Message, id) })
}

// notAnswered is why a request failed for a caller that left it before its answer; sent says
// whether the caller's IDs were in it.
func notAnswered(ctx context.Context, sent bool) error {
	switch {
	case !sent:
		return notSent(ctx)
	case canceled(ctx):
		return errors.New("it was canceled before the API answered")
	}
	return errors.New("its time ran out before the API answered")
}
