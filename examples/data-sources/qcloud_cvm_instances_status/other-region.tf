# region reads another region than the provider's, with the same provider configuration.
data "qcloud_cvm_instances_status" "stopped_in_shanghai" {
  region          = "ap-shanghai"
  instance_states = ["STOPPED"]
}

output "stopped_in_shanghai" {
  value = data.qcloud_cvm_instances_status.stopped_in_shanghai.instances[*].id
}
