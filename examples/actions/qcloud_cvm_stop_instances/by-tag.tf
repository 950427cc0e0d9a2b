# Stop every development instance every night, found by its tag rather than listed by ID, so that
# instances launched since are stopped too. A scheduled job runs:
#
#   terraform apply -invoke=action.qcloud_cvm_stop_instances.dev_by_tag -auto-approve
#
# Instances already stopped are skipped without a call.
data "qcloud_cvm_instances_status" "dev" {
  tags            = { env = "dev" }
  instance_states = ["RUNNING", "STOPPED"]
}

action "qcloud_cvm_stop_instances" "dev_by_tag" {
  config {
    instance_ids = data.qcloud_cvm_instances_status.dev.instances[*].id
  }
}
