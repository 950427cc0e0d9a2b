# The development instances that are stopped, found by their tag: `terraform query` lists them by
# name, such as `web-3 (ins-xxxxxxxx, STOPPED)`, and
# `terraform query -generate-config-out=generated.tf` writes the resources that keep them STOPPED.
list "qcloud_cvm_instance_state" "stopped_dev" {
  provider = qcloud
  limit    = 1000

  config {
    tags            = { env = "dev" }
    instance_states = ["STOPPED"]
  }
}
