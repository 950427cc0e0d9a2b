// Command terraform-provider-qcloud is the qcloud Terraform provider.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"runtime/debug"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/provider"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// memoryLimit is the heap size at which the garbage collector starts working harder. Reads of
// tens of thousands of instances briefly hold a few hundred megabytes, mostly the framework's
// copies of the state; without a limit the heap would grow to twice that before collecting.
// Smaller reads never come near it. GOMEMLIMIT overrides it.
const memoryLimit = 150 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	var debugger bool
	flag.BoolVar(&debugger, "debug", false, "run the provider with support for debuggers like delve: it prints a TF_REATTACH_PROVIDERS value to use with Terraform")
	flag.Parse()
	// A provider under a debugger writes its logs where the developer reads them, at every level.
	if !debugger {
		for name, level := range keptLogLevels(os.Getenv) {
			if err := os.Setenv(name, level); err != nil {
				log.Fatal(err)
			}
		}
	}

	err := providerserver.Serve(context.Background(), provider.New(version, os.Getenv), providerserver.ServeOpts{
		Address: "registry.terraform.io/qcloudlabs/qcloud",
		Debug:   debugger,
	})
	if err != nil {
		log.Fatal(err)
	}
}
