# Keep the database RUNNING: each apply starts it when it is found stopped, by Terraform or by
# anyone else, and waits until it runs. The demo adds this file in its third step.
resource "qcloud_cvm_instance_state" "database" {
  instance_id   = var.database_instance_id
  state         = "RUNNING"
  poll_interval = "1s"
}
