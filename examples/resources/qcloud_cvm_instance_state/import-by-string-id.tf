import {
  to = qcloud_cvm_instance_state.database
  id = "ap-guangzhou/ins-db000001" # or "ins-db000001" for the provider's region
}

resource "qcloud_cvm_instance_state" "database" {
  instance_id = "ins-db000001"
  state       = "RUNNING"
}
