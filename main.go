// Command terraform-provider-qcloud is the qcloud Terraform provider.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/qcloudlabs/terraform-provider-qcloud/internal/provider"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve: it prints a TF_REATTACH_PROVIDERS value to use with Terraform")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/qcloudlabs/qcloud",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
