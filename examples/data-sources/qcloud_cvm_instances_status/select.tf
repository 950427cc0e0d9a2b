# The stopped dev instances of two zones, in one VPC: tags, filters and instance_states together.
data "qcloud_cvm_instances_status" "stopped_dev" {
  tags            = { env = "dev" }
  filters         = { zone = ["ap-guangzhou-3", "ap-guangzhou-4"], "vpc-id" = ["vpc-obg6tlbv"] }
  instance_states = ["STOPPED"]
}

output "stopped_dev" {
  value = data.qcloud_cvm_instances_status.stopped_dev.states
}
