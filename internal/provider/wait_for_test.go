package provider

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/cvm"
)

// TestLogWaitProgress: after each poll, a wait says at INFO level how many instances are ready and
// names the first few still pending; the last poll says how long the wait took and what it cost.
func TestLogWaitProgress(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	pending := []cvm.Status{{ID: "ins-new00001", State: "PENDING"}, {ID: "ins-new00002"}, {ID: "ins-new00003", State: "PENDING"},
		{ID: "ins-new00004", State: "PENDING"}, {ID: "ins-new00005", State: "PENDING"}, {ID: "ins-new00006", State: "PENDING"},
		{ID: "ins-new00007", State: "PENDING"}}
	logWaitProgress(ctx, cvm.WaitProgress{Poll: 1, Elapsed: 40 * time.Millisecond, Calls: 2, Total: 150, Done: 143, Pending: pending})
	logWaitProgress(ctx, cvm.WaitProgress{Poll: 4, Elapsed: 3210 * time.Millisecond, Calls: 5, Total: 150, Done: 150})
	entries, err := tflogtest.MultilineJSONDecode(&out)
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"@level": "info", "@message": "Waiting for CVM instances: 143 of 150 ready; pending ins-new00001 (PENDING), ins-new00002 (not listed yet), " +
			"ins-new00003 (PENDING), ins-new00004 (PENDING), ins-new00005 (PENDING), 2 more",
			"poll": 1.0, "done": 143.0, "total": 150.0, "pending": 7.0, "calls": 2.0, "elapsed_ms": 40.0},
		{"@level": "info", "@message": "CVM instances ready: 150 of 150 after 3.2s, 4 polls, 5 calls",
			"poll": 4.0, "done": 150.0, "total": 150.0, "pending": 0.0, "calls": 5.0, "elapsed_ms": 3210.0},
	}
	if len(entries) != len(want) {
		t.Fatalf("%d log entries, want %d: %v", len(entries), len(want), entries)
	}
	for i, w := range want {
		for key, value := range w {
			if entries[i][key] != value {
				t.Errorf("entry %d has %s = %v, want %v", i+1, key, entries[i][key], value)
			}
		}
	}
}
