package provider

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

// heartbeat is the longest an action stays silent while it waits.
const heartbeat = 10 * time.Second

// actionProgress turns an operation's progress into Terraform progress messages, and repeats the
// last one when nothing was said for a heartbeat, so that a long wait between polls is never silent.
type actionProgress struct {
	op    cvm.Op
	send  func(action.InvokeProgressEvent)
	every time.Duration

	mu    sync.Mutex
	last  string
	timer *time.Timer
}

func newActionProgress(op cvm.Op, send func(action.InvokeProgressEvent), every time.Duration) *actionProgress {
	p := &actionProgress{op: op, send: send, every: every}
	p.timer = time.AfterFunc(every, p.repeat)
	return p
}

func (p *actionProgress) report(ctx context.Context, o cvm.OperationProgress) {
	msg := progressMessage(p.op, o)
	tflog.Info(ctx, msg, map[string]any{
		"phase": string(o.Phase), "done": o.Done, "skipped": o.Skipped, "sent": o.Sent, "failed": o.Failed,
		"total": o.Total, "polls": o.Polls, "calls": o.Calls, "elapsed_ms": o.Elapsed.Milliseconds(),
	})
	p.say(msg)
}

// finished says how the operation ended.
func (p *actionProgress) finished(r cvm.OperationResult) {
	op := p.op
	total := len(r.Changed) + len(r.Skipped)
	msg := fmt.Sprintf("%s %d of %d %s in %s", op.Done(), total, total, cvm.Plural(total, "instance", "instances"), r.Elapsed.Round(time.Second/10))
	if len(r.Skipped) > 0 {
		msg += fmt.Sprintf(" (%d were %s already)", len(r.Skipped), op.Target())
	}
	p.say(msg)
}

func (p *actionProgress) say(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.send == nil {
		return
	}
	p.last = msg
	p.send(action.InvokeProgressEvent{Message: msg})
	p.timer.Reset(p.every)
}

func (p *actionProgress) repeat() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.send == nil || p.last == "" {
		return
	}
	p.send(action.InvokeProgressEvent{Message: p.last})
	p.timer.Reset(p.every)
}

// stop ends the heartbeat; no message is sent after it returns.
func (p *actionProgress) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.timer.Stop()
	p.send = nil
}

// progressMessage reads an operation's progress as "stopped 340 of 1000 instances (660 STOPPING)".
func progressMessage(op cvm.Op, o cvm.OperationProgress) string {
	switch o.Phase {
	case cvm.PhaseRead:
		msg := fmt.Sprintf("read %d %s", o.Total, cvm.Plural(o.Total, "instance", "instances"))
		if o.Skipped > 0 {
			msg += fmt.Sprintf(": %d %s already", o.Skipped, op.Target())
		}
		if len(o.Pending) > 0 {
			msg += fmt.Sprintf("; to %s: %s", string(op), countStates(o.Pending))
		}
		return msg
	case cvm.PhaseSent:
		calls := o.Calls[op.Action()]
		return fmt.Sprintf("sent %s for %d %s (%d %s so far)", op.Action(), o.Sent, cvm.Plural(o.Sent, "instance", "instances"), calls, cvm.Plural(calls, "call", "calls"))
	}
	msg := fmt.Sprintf("%s %d of %d %s", op.Done(), o.Done, o.Total, cvm.Plural(o.Total, "instance", "instances"))
	var notes []string
	if len(o.Pending) > 0 {
		notes = append(notes, countStates(o.Pending))
	}
	if o.Failed > 0 {
		notes = append(notes, fmt.Sprintf("%d failed", o.Failed))
	}
	if len(notes) > 0 {
		msg += " (" + strings.Join(notes, ", ") + ")"
	}
	return msg
}

// countStates reads the states of instances as "660 STOPPING, 3 RUNNING": the most frequent first.
func countStates(statuses []cvm.Status) string {
	counts := map[string]int{}
	for _, s := range statuses {
		counts[cmp.Or(s.State, "not listed")]++
	}
	states := slices.SortedFunc(maps.Keys(counts), func(a, b string) int {
		return cmp.Or(cmp.Compare(counts[b], counts[a]), cmp.Compare(a, b))
	})
	parts := make([]string, len(states))
	for i, state := range states {
		parts[i] = fmt.Sprintf("%d %s", counts[state], state)
	}
	return strings.Join(parts, ", ")
}
