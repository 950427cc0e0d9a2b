# The states map answers "is this instance running?" in an expression.
data "qcloud_cvm_instances_status" "database" {
  instance_ids = ["ins-db000001"]
}

locals {
  database_state = lookup(data.qcloud_cvm_instances_status.database.states, "ins-db000001", "TERMINATED")
}

output "maintenance_page" {
  value = local.database_state == "RUNNING" ? "off" : "on: the database is ${local.database_state}"
}
