# Start the development fleet every morning. A scheduled job runs:
#
#   terraform apply -invoke=action.qcloud_cvm_start_instances.morning -auto-approve
locals {
  dev_fleet = ["ins-dev00001", "ins-dev00002", "ins-dev00003"]
}

action "qcloud_cvm_start_instances" "morning" {
  config {
    instance_ids = local.dev_fleet
  }
}
