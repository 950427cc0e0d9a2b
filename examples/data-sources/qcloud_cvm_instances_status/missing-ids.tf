# missing_ids lists the IDs the API no longer knows: terminated instances, or typos.
data "qcloud_cvm_instances_status" "batch_workers" {
  instance_ids = ["ins-web00001", "ins-wrk00042"]
}

output "terminated_batch_workers" {
  value = data.qcloud_cvm_instances_status.batch_workers.missing_ids
}

check "no_terminated_batch_workers" {
  assert {
    condition     = length(data.qcloud_cvm_instances_status.batch_workers.missing_ids) == 0
    error_message = "Terminated or unknown batch workers: ${join(", ", data.qcloud_cvm_instances_status.batch_workers.missing_ids)}."
  }
}
