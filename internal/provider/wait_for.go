package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

// waitOf is the wait that a wait_for block asks for.
func waitOf(ctx context.Context, m *waitForModel, region string, ids []string) (cvm.Wait, diag.Diagnostics) {
	var diags diag.Diagnostics
	wait := cvm.Wait{Region: region, IDs: ids, PollInterval: defaultPollInterval, Progress: logWaitProgress}
	diags.Append(m.States.ElementsAs(ctx, &wait.States, false)...)
	var pollDiags diag.Diagnostics
	wait.PollInterval, pollDiags = durationOf(ctx, m.PollInterval, defaultPollInterval, path.Root("wait_for").AtName("poll_interval"))
	diags.Append(pollDiags...)
	return wait, diags
}

// pendingShown is how many pending instances a progress line names.
const pendingShown = 5

// logWaitProgress says at INFO level, after each poll, how a wait stands.
func logWaitProgress(ctx context.Context, p cvm.WaitProgress) {
	fields := map[string]any{
		"poll": p.Poll, "done": p.Done, "total": p.Total, "pending": len(p.Pending),
		"calls": p.Calls, "elapsed_ms": p.Elapsed.Milliseconds(),
	}
	if len(p.Pending) == 0 {
		tflog.Info(ctx, fmt.Sprintf("CVM instances ready: %d of %d after %s, %d %s, %d %s", p.Done, p.Total,
			p.Elapsed.Round(time.Second/10), p.Poll, cvm.Plural(p.Poll, "poll", "polls"), p.Calls, cvm.Plural(p.Calls, "call", "calls")), fields)
		return
	}
	shown := make([]string, 0, pendingShown)
	for _, s := range p.Pending[:min(len(p.Pending), pendingShown)] {
		state := s.State
		if state == "" {
			state = "not listed yet"
		}
		shown = append(shown, s.ID+" ("+state+")")
	}
	if more := len(p.Pending) - len(shown); more > 0 {
		shown = append(shown, fmt.Sprintf("%d more", more))
	}
	tflog.Info(ctx, fmt.Sprintf("Waiting for CVM instances: %d of %d ready; pending %s", p.Done, p.Total, strings.Join(shown, ", ")), fields)
}
