# Every instance of the provider's region, sorted by ID.
data "qcloud_cvm_instances_status" "all" {}

# Named instances, in the order given. Any number of IDs is fine; they go 100 per API call.
data "qcloud_cvm_instances_status" "web" {
  instance_ids = ["ins-web00001", "ins-web00002", "ins-web00003"]
}

output "instances_per_state" {
  value = {
    for state in distinct(values(data.qcloud_cvm_instances_status.all.states)) :
    state => length([for s in values(data.qcloud_cvm_instances_status.all.states) : s if s == state])
  }
}
