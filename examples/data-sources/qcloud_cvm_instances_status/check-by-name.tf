# A check block that names the stopped databases by their names, not their IDs: details = true
# reads the instances through DescribeInstances, at the same number of calls.
check "databases_are_running" {
  data "qcloud_cvm_instances_status" "databases" {
    instance_ids = ["ins-db000001", "ins-db000002", "ins-db000003"]
    details      = true
  }

  assert {
    condition = alltrue([for i in data.qcloud_cvm_instances_status.databases.instances : i.state == "RUNNING"])
    error_message = "Not running: ${join(", ", [
      for i in data.qcloud_cvm_instances_status.databases.instances : "${i.name} (${i.state})" if i.state != "RUNNING"
    ])}."
  }
}
