// Command terraform-provider-qcloud is the qcloud Terraform provider.
package main

import (
	"flag"
	"log"
	"os"
	"runtime/debug"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/provider"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// memoryLimit is the heap size at which the garbage collector starts working harder. Reads of
// tens of thousands of instances briefly hold a hundred megabytes or more: the API's answers, the
// encoded state and gRPC's copy of it as it is sent; without a limit the heap would grow to twice
// that before collecting. Smaller reads never come near it. GOMEMLIMIT overrides it.
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

	server, err := provider.NewServer(version, os.Getenv)()
	if err != nil {
		log.Fatal(err)
	}
	var opts []tf6server.ServeOpt
	if debugger {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err = tf6server.Serve("registry.terraform.io/qcloudlabs/qcloud", func() tfprotov6.ProviderServer { return server }, opts...)
	if err != nil {
		log.Fatal(err)
	}
}
