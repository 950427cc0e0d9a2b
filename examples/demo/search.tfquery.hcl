# The development instances that are stopped, found by their tag:
#   terraform query
# lists them by name, and
#   terraform query -generate-config-out=generated.tf
# writes an import block and a resource that keeps each STOPPED.
list "qcloud_cvm_instance_state" "stopped_dev" {
  provider = qcloud
  limit    = 1000

  config {
    tags            = { env = "dev" }
    instance_states = ["STOPPED"]
  }
}
