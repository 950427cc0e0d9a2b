package acctest

import (
	"fmt"
	"strings"
)

// RequiredProviders is the terraform block that selects this provider.
const RequiredProviders = `
terraform {
  required_providers {
    qcloud = { source = "qcloudlabs/qcloud" }
  }
}
`

// HTTP is the protocol argument for an endpoint on this machine, such as the emulator.
const HTTP = `protocol = "HTTP"`

// ProviderBlock is a provider "qcloud" block with these arguments, one per line.
func ProviderBlock(args ...string) string {
	var b strings.Builder
	b.WriteString("provider \"qcloud\" {\n")
	for _, arg := range args {
		fmt.Fprintf(&b, "  %s\n", arg)
	}
	b.WriteString("}\n")
	return b.String()
}

// Endpoints points every API the provider calls (CVM, STS and the metadata service) at endpoint
// (host:port), which the emulator serves all of.
func Endpoints(endpoint string) string {
	return fmt.Sprintf("endpoints = { cvm = %[1]q, sts = %[1]q, metadata = %[1]q }", endpoint)
}

// Keys are the secret_id and secret_key arguments.
func Keys(secretID, secretKey string) []string {
	return []string{fmt.Sprintf("secret_id  = %q", secretID), fmt.Sprintf("secret_key = %q", secretKey)}
}

// Arg is the argument name = value, with value written as an HCL string, number or bool.
func Arg(name string, value any) string {
	if s, ok := value.(string); ok {
		return fmt.Sprintf("%s = %q", name, s)
	}
	return fmt.Sprintf("%s = %v", name, value)
}

// DevOverrides is a Terraform CLI configuration that installs the provider from the folder dir,
// as users install a provider under development; host is the registry the CLI resolves the
// provider's source address against (registry.terraform.io, or registry.opentofu.org).
func DevOverrides(host, dir string) string {
	return fmt.Sprintf(`provider_installation {
  dev_overrides {
    "%s/qcloudlabs/qcloud" = %q
  }
  direct {}
}
`, host, dir)
}
