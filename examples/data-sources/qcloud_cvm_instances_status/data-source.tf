# Every instance of the provider's region, sorted by ID.
data "qcloud_cvm_instances_status" "all" {}

# Named instances, in the order given. Any number of IDs is fine; they go 100 per API call.
data "qcloud_cvm_instances_status" "web" {
  instance_ids = ["ins-web00001", "ins-web00002", "ins-web00003"]
}

# For a dashboard: how many instances are in each state, such as { RUNNING = 212, STOPPED = 9 }.
output "instances_per_state" {
  value = data.qcloud_cvm_instances_status.all.state_counts
}
