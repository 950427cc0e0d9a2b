# Keep the build server stopped, with its compute not charged while it is, and the database
# running. Each apply starts or stops an instance found otherwise, and waits until it is there.
resource "qcloud_cvm_instance_state" "build_server" {
  instance_id  = "ins-build001"
  state        = "STOPPED"
  stopped_mode = "STOP_CHARGING"
}

resource "qcloud_cvm_instance_state" "database" {
  instance_id = "ins-db000001"
  state       = "RUNNING"

  timeouts = {
    create = "15m"
    update = "15m"
  }
}
