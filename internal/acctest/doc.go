// Package acctest runs this provider under a Terraform CLI, for the acceptance tests, the demo,
// the benchmark program and the test of the module example, so that each runs Terraform the same
// way: the CLI and its version gate (cli.go), a workspace with a CLI configuration of its own that
// installs the provider through dev_overrides, in an environment built from an allow-list
// (workspace.go, environment.go), the emulator served on a port (serve.go), the builds (build.go),
// and the provider blocks every configuration writes (config.go).
//
// With TF_ACC=1, a test that needs a CLI which is missing or too old fails and says what to do;
// QCLOUD_ACC_SKIP_CLI=1 makes it skip instead.
package acctest
