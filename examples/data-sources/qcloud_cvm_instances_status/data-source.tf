# Every instance of the provider's region, sorted by ID.
data "qcloud_cvm_instances_status" "all" {}

output "instances_per_state" {
  value = { for state in distinct(values(data.qcloud_cvm_instances_status.all.states)) :
    state => length([for s in values(data.qcloud_cvm_instances_status.all.states) : s if s == state])
  }
}

# Named instances, in the order given; IDs the API does not know end up in missing_ids.
data "qcloud_cvm_instances_status" "web" {
  instance_ids = ["ins-web00001", "ins-web00002", "ins-web00003"]
}

output "terminated_web_instances" {
  value = data.qcloud_cvm_instances_status.web.missing_ids
}

# Only the stopped instances of another region.
data "qcloud_cvm_instances_status" "stopped_in_shanghai" {
  region          = "ap-shanghai"
  instance_states = ["STOPPED"]
}

output "stopped_in_shanghai" {
  value = data.qcloud_cvm_instances_status.stopped_in_shanghai.instances[*].id
}
