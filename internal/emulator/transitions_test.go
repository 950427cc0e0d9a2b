package emulator_test

import (
	"strings"
	"testing"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

// TestTransitionsFollowTheEmulatorClock launches two instances: one appears, is PENDING, then
// RUNNING; the other ends in LAUNCH_FAILED. The API sees each change when the clock reaches it.
func TestTransitionsFollowTheEmulatorClock(t *testing.T) {
	t.Parallel()
	clk := emulator.NewClock(time.Now())
	emu, srv := start(t, emulator.Config{
		Fleets: map[string]int{region: 3},
		Now:    clk.Now,
		Transitions: []emulator.Transition{
			{Region: region, Instance: emulator.Instance{ID: "ins-launch01", State: "RUNNING"}, After: 5 * time.Second},
			{Region: region, Instance: emulator.Instance{ID: "ins-launch01", State: "PENDING"}, After: time.Second},
			{Region: region, Instance: emulator.Instance{ID: "ins-launch02", State: "PENDING"}},
			{Region: region, Instance: emulator.Instance{ID: "ins-launch02", State: "LAUNCH_FAILED"}, After: 3 * time.Second},
		},
	})
	c := client(t, srv, secretID, secretKey, nil)
	ids := []string{"ins-launch01", "ins-launch02"}
	// states asks the API, as a client would, for the two instances.
	states := func() string {
		t.Helper()
		resp, err := describe(c, ids, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range resp.InstanceStatusSet {
			got = append(got, *s.InstanceId+"="+*s.InstanceState)
		}
		return strings.Join(got, " ")
	}
	for _, step := range []struct {
		advance time.Duration
		want    string
	}{
		{0, "ins-launch02=PENDING"},
		{time.Second, "ins-launch02=PENDING ins-launch01=PENDING"},
		{2 * time.Second, "ins-launch02=LAUNCH_FAILED ins-launch01=PENDING"},
		{2 * time.Second, "ins-launch02=LAUNCH_FAILED ins-launch01=RUNNING"},
		{time.Hour / 60, "ins-launch02=LAUNCH_FAILED ins-launch01=RUNNING"},
	} {
		clk.Advance(step.advance)
		if got := states(); got != step.want {
			t.Fatalf("after %s more: the API lists %q, want %q", step.advance, got, step.want)
		}
	}
	if fleet := emu.Fleet(region); len(fleet) != 5 || fleet[3].ID != "ins-launch02" {
		t.Fatalf("the launched instances are not at the end of the listing in the order they appeared: %v", fleet)
	}
	if got := emu.Stats().Transitions; got != 4 {
		t.Fatalf("Stats.Transitions = %d, want 4", got)
	}

	// Schedule counts from its own call, on the same clock.
	if err := emu.Schedule(emulator.Transition{Region: region, Instance: emulator.Instance{ID: "ins-launch01", State: "STOPPED"}, After: time.Second}); err != nil {
		t.Fatal(err)
	}
	if got := states(); !strings.HasSuffix(got, "ins-launch01=RUNNING") {
		t.Fatalf("a transition happened before it was due: %q", got)
	}
	clk.Advance(time.Second)
	if got := states(); !strings.HasSuffix(got, "ins-launch01=STOPPED") {
		t.Fatalf("a due transition was not made: %q", got)
	}
}

func TestScheduleRefusesImpossibleTransitions(t *testing.T) {
	t.Parallel()
	emu, _ := start(t, emulator.Config{})
	for name, tr := range map[string]emulator.Transition{
		"malformed ID":   {Region: region, Instance: emulator.Instance{ID: "i-123", State: "RUNNING"}},
		"no state":       {Region: region, Instance: emulator.Instance{ID: "ins-launch01"}},
		"unknown region": {Region: "mars-1", Instance: emulator.Instance{ID: "ins-launch01", State: "RUNNING"}},
		"in the past":    {Region: region, Instance: emulator.Instance{ID: "ins-launch01", State: "RUNNING"}, After: -time.Second},
		"another zone":   {Region: region, Instance: emulator.Instance{ID: "ins-launch01", State: "RUNNING", Zone: "ap-shanghai-2"}},
	} {
		if err := emu.Schedule(tr); err == nil {
			t.Errorf("%s: Schedule accepted %+v", name, tr)
		}
	}
	want := `the zone "ap-shanghai-2" of ins-launch01 is not one of ap-guangzhou: ap-guangzhou-1, ap-guangzhou-2, ap-guangzhou-3, ap-guangzhou-4`
	if err := emu.Put(region, emulator.Instance{ID: "ins-launch01", State: "RUNNING", Zone: "ap-shanghai-2"}); err == nil || err.Error() != want {
		t.Errorf("Put gave %v, want %q", err, want)
	}
}

func TestTerminatedTransitionRemovesTheInstance(t *testing.T) {
	t.Parallel()
	clk := emulator.NewClock(time.Now())
	emu, _ := start(t, emulator.Config{Now: clk.Now})
	if err := emu.Put(region, emulator.Instance{ID: "ins-doomed01", State: "RUNNING"}); err != nil {
		t.Fatal(err)
	}
	if err := emu.Schedule(emulator.Transition{Region: region, Instance: emulator.Instance{ID: "ins-doomed01"}, Terminated: true, After: time.Second}); err != nil {
		t.Fatal(err)
	}
	if len(emu.Fleet(region)) != 1 {
		t.Fatal("the instance was terminated before its time")
	}
	clk.Advance(time.Second)
	if fleet := emu.Fleet(region); len(fleet) != 0 {
		t.Fatalf("the terminated instance is still listed: %v", fleet)
	}
}
