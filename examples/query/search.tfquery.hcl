# The stopped instances of the region, to bring under management as they are: kept STOPPED.
list "qcloud_cvm_instance_state" "stopped" {
  provider = qcloud
  limit    = 1000

  config {
    instance_states = ["STOPPED"]
  }
}
