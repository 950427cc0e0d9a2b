package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// liveStateRecord is the state file: the tagged instances' states before the suite's first change.
type liveStateRecord struct {
	Region string            `json:"region"`
	Tag    string            `json:"tag"`
	States map[string]string `json:"states"`
}

// record writes the state file. One left by a run that died is not overwritten: it holds the
// states from before that run, and `make sweep-live` must put them back first.
func (a *liveAccount) record() error {
	if _, err := os.Stat(a.stateFile); err == nil {
		return fmt.Errorf("%s is left from a live run that did not end cleanly; run `make sweep-live` to put its instances back, then run the suite again", a.stateFile)
	}
	data, err := json.MarshalIndent(liveStateRecord{Region: a.cfg.region, Tag: a.tagKey + "=" + a.tagValue, States: a.foundStates()}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(a.stateFile, append(data, '\n'), 0o600); err != nil {
		return err
	}
	liveRecorded = true
	return nil
}

// finishLive removes the state file when the suite that wrote it ended cleanly: every test passed,
// and so every change was undone.
func finishLive(code int) {
	if liveRecorded && code == 0 {
		_ = os.Remove(live.stateFile)
	}
}

// sweepLive puts back every instance of the state file that a run which died left, waits until
// each is there, and removes the file: `make sweep-live`. The region is the file's; -sweep must be
// "recorded" or name that region.
func sweepLive(region string) error {
	file := liveStateFile()
	data, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		fmt.Printf("%s does not exist: the last live run ended cleanly, nothing to put back\n", file)
		return nil
	}
	if err != nil {
		return err
	}
	var rec liveStateRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return fmt.Errorf("%s is not a state file of the live suite: %w", file, err)
	}
	if region != "recorded" && region != rec.Region {
		return fmt.Errorf("%s records instances of %s, not %s", file, rec.Region, region)
	}
	a, err := openLiveAccount()
	if err != nil {
		return err
	}
	if rec.Region != a.cfg.region {
		return fmt.Errorf("%s records instances of %s, but the environment points at %s: set TENCENTCLOUD_REGION=%s", file, rec.Region, a.cfg.region, rec.Region)
	}
	if err := a.restore(rec.States); err != nil {
		return err
	}
	fmt.Printf("put back %d tagged instances of %s as %s records them\n", len(rec.States), rec.Region, file)
	return os.Remove(file)
}

func init() {
	resource.AddTestSweepers("qcloud_cvm_instance_state", &resource.Sweeper{Name: "qcloud_cvm_instance_state", F: sweepLive})
}
