# Stop the development fleet every night. A scheduled job runs:
#
#   terraform apply -invoke=action.qcloud_cvm_stop_instances.nightly -auto-approve
#
# Only the action runs: no resource is planned or changed.
locals {
  dev_fleet = ["ins-dev00001", "ins-dev00002", "ins-dev00003"]
}

action "qcloud_cvm_stop_instances" "nightly" {
  config {
    instance_ids = local.dev_fleet
    # Pay-as-you-go instances that allow it stop being charged for compute while stopped.
    stopped_mode = "STOP_CHARGING"
    timeout      = "20m"
  }
}
