import {
  to = qcloud_cvm_instance_state.database
  identity = {
    instance_id = "ins-db000001"
    region      = "ap-guangzhou" # optional: the provider's region when left out
  }
}

resource "qcloud_cvm_instance_state" "database" {
  instance_id = "ins-db000001"
  state       = "RUNNING"
}
