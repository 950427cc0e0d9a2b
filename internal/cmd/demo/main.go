// Command demo tells the provider's story in five steps against the emulator, as `make demo` runs
// it: read a region and a tier by tag, wait for instances being launched, a check that warns of a
// stopped database, stop the development instances with an action, keep the database running
// through a stop made outside Terraform, and find the stopped instances with `terraform query`.
// Each step prints what Terraform did and what it cost in API calls.
//
// The emulator runs in this process rather than as cvm-emulator, so that the demo can count the
// calls of each step and stop the database between two applies as someone in the console would.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/acctest"
	"github.com/qcloudlabs/terraform-provider-qcloud/internal/emulator"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

const (
	region       = "ap-guangzhou"
	databaseID   = "ins-db000001"
	operatedTime = 2 * time.Second
)

// demoInstances are the instances the configuration names, put after the seeded fleet: three
// running web servers of the tier, and the stopped database.
var demoInstances = []emulator.Instance{
	webServer("ins-web00001", "web-a", "RUNNING"),
	webServer("ins-web00002", "web-b", "RUNNING"),
	webServer("ins-web00003", "web-c", "RUNNING"),
	{ID: databaseID, State: "STOPPED", Name: "orders-db", Tags: map[string]string{"env": "prod", "role": "db", "team": "core"}},
}

// launches are two web servers being launched: ins-web00005 is PENDING and RUNNING after 5 s,
// ins-web00006 is listed only after 2 s, and RUNNING after 7 s.
var launches = append(emulator.Launch(region, "ins-web00005", "RUNNING", 5*time.Second),
	emulator.Transition{Region: region, Instance: webServer("ins-web00006", "web-e", "PENDING"), After: 2 * time.Second},
	emulator.Transition{Region: region, Instance: emulator.Instance{ID: "ins-web00006", State: "RUNNING"}, After: 7 * time.Second},
)

func webServer(id, name, state string) emulator.Instance {
	return emulator.Instance{ID: id, State: state, Name: name, Tags: map[string]string{"env": "prod", "role": "web", "team": "platform"}}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	terraform := fs.String("terraform", "terraform", "the Terraform CLI, 1.14 or newer (actions and terraform query)")
	providerDir := fs.String("provider-dir", ".bin", "the folder that holds the built terraform-provider-qcloud")
	examples := fs.String("examples", "examples/demo", "the folder of the demo's configuration")
	keep := fs.Bool("keep", false, "keep the working folder, and print where it is")
	if err := fs.Parse(args); err != nil {
		return err
	}
	started := time.Now()

	emu := emulator.New(emulator.Config{
		Keys:        map[string]string{emulator.DefaultSecretID: emulator.DefaultSecretKey},
		Fleets:      map[string]int{region: 300, "ap-shanghai": 40},
		Seed:        2026,
		Instances:   map[string][]emulator.Instance{region: demoInstances},
		Transitions: launches,
		Operations:  emulator.Operations{Duration: operatedTime, Jitter: time.Second, Seed: 2026},
	})
	endpoint, stop, err := acctest.Serve(emu)
	if err != nil {
		return err
	}
	defer stop()

	work, err := os.MkdirTemp("", "qcloud-demo-")
	if err != nil {
		return err
	}
	if *keep {
		defer fmt.Fprintf(out, "\nThe working folder is %s\n", work)
	} else {
		defer os.RemoveAll(work)
	}
	cli, err := acctest.FindCLI(*terraform)
	if err != nil {
		return err
	}
	if err := cli.Require(acctest.ActionsVersion, "the demo (actions and terraform query)"); err != nil {
		return fmt.Errorf("%w; make demo builds one into .bin/terraform-1.14", err)
	}
	providerLog := filepath.Join(work, "provider.log")
	tf, err := acctest.NewWorkspace(cli, work, *providerDir,
		"TF_VAR_endpoint="+endpoint,
		"TENCENTCLOUD_SECRET_ID="+emulator.DefaultSecretID, "TENCENTCLOUD_SECRET_KEY="+emulator.DefaultSecretKey,
		"TF_LOG_PROVIDER=INFO", "TF_LOG_PATH="+providerLog)
	if err != nil {
		return err
	}

	d := &demo{out: out, emu: emu, tf: tf, examples: *examples, work: work, providerLog: providerLog}
	d.introduce(endpoint, cli.Version.String())
	for i, step := range d.steps() {
		if err := d.tell(i+1, step); err != nil {
			return err
		}
	}
	total := d.costSince(emulator.Stats{})
	fmt.Fprintf(out, "\nThe demo took %s; API calls in all: %s.\n", time.Since(started).Round(time.Second), total)
	return nil
}

// errStep is the error of a step whose command did not do what the story needs.
var errStep = errors.New("the demo did not go as told")
