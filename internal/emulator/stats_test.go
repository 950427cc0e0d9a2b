package emulator

import "testing"

// TestIDsPerCallIsBounded: past maxRecordedCalls calls of an action, the record drops its older
// half, and keeps the latest calls in order.
func TestIDsPerCallIsBounded(t *testing.T) {
	t.Parallel()
	e := New(Config{})
	for i := range maxRecordedCalls + 1 {
		e.recordIDs("DescribeInstancesStatus", i%100)
	}
	calls := e.Stats().IDsPerCall["DescribeInstancesStatus"]
	if len(calls) != maxRecordedCalls/2+1 {
		t.Fatalf("the record holds %d calls after %d, want %d", len(calls), maxRecordedCalls+1, maxRecordedCalls/2+1)
	}
	if last := calls[len(calls)-1]; last != maxRecordedCalls%100 {
		t.Fatalf("the last call recorded carried %d IDs, want %d", last, maxRecordedCalls%100)
	}
}
