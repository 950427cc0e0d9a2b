# A check block warns on every plan and apply while the database is not running, without
# stopping them. Its data source is read after everything else, and its failure is a warning too.
check "database_is_running" {
  data "qcloud_cvm_instances_status" "database" {
    instance_ids = ["ins-db000001"]
  }

  assert {
    condition     = lookup(data.qcloud_cvm_instances_status.database.states, "ins-db000001", "TERMINATED") == "RUNNING"
    error_message = "The database ins-db000001 is ${lookup(data.qcloud_cvm_instances_status.database.states, "ins-db000001", "TERMINATED")}, not RUNNING."
  }
}
