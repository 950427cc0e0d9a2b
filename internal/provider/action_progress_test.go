package provider

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

// TestActionProgressRepeatsWhileSilent: while an operation waits longer than the heartbeat
// between two reports, the last message is repeated; nothing is sent once the action returns.
// The test waits for the repeats themselves, not for a time in which they should come.
func TestActionProgressRepeatsWhileSilent(t *testing.T) {
	t.Parallel()
	sent := make(chan string, 100)
	const heartbeat = 10 * time.Millisecond
	p := newActionProgress(cvm.Stop, func(e action.InvokeProgressEvent) { sent <- e.Message }, heartbeat)
	p.report(context.Background(), cvm.OperationProgress{Phase: cvm.PhasePoll, Total: 1000, Done: 340,
		Pending: append(slices.Repeat([]cvm.Status{{State: "STOPPING"}}, 657), slices.Repeat([]cvm.Status{{State: "RUNNING"}}, 3)...)})
	// The report, then three repeats of it.
	for range 4 {
		if msg := <-sent; msg != "stopped 340 of 1000 instances (657 STOPPING, 3 RUNNING)" {
			t.Fatalf("sent %q", msg)
		}
	}
	p.stop()
	// stop holds the lock that every send takes: a repeat under way has been sent by now, and no
	// other can start. Whatever is in the channel came before stop returned.
	before := len(sent)
	time.Sleep(5 * heartbeat)
	if after := len(sent); after != before {
		t.Fatalf("%d messages were sent after stop", after-before)
	}
}

// TestProgressMessages: what each phase of an operation says.
func TestProgressMessages(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		op   cvm.Op
		p    cvm.OperationProgress
		want string
	}{
		{cvm.Stop, cvm.OperationProgress{Phase: cvm.PhaseRead, Total: 280, Done: 30, Skipped: 30,
			Pending: append(slices.Repeat([]cvm.Status{{State: "RUNNING"}}, 249), cvm.Status{State: "PENDING"})},
			"read 280 instances: 30 STOPPED already; to stop: 249 RUNNING, 1 PENDING"},
		{cvm.Start, cvm.OperationProgress{Phase: cvm.PhaseSent, Total: 280, Sent: 250, Calls: map[string]int{"StartInstances": 3}},
			"sent StartInstances for 250 instances (3 calls so far)"},
		{cvm.Reboot, cvm.OperationProgress{Phase: cvm.PhasePoll, Total: 50, Done: 48, Failed: 2}, "rebooted 48 of 50 instances (2 failed)"},
		{cvm.Start, cvm.OperationProgress{Phase: cvm.PhasePoll, Total: 1, Done: 1}, "started 1 of 1 instance"},
	} {
		if got := progressMessage(tc.op, tc.p); got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.op, tc.p.Phase, got, tc.want)
		}
	}
}
