# Release to one zone only when every web instance there is running: the instances are selected
# by their role tag and their zone, so that the check follows the fleet as it grows.
data "qcloud_cvm_instances_status" "web_in_zone_3" {
  tags    = { role = "web" }
  filters = { zone = ["ap-guangzhou-3"] }
}

resource "terraform_data" "zone_3_release" {
  input = "release-2026-12"

  lifecycle {
    precondition {
      condition     = alltrue([for i in data.qcloud_cvm_instances_status.web_in_zone_3.instances : i.state == "RUNNING"])
      error_message = "Every web instance of ap-guangzhou-3 must be RUNNING before the release: ${jsonencode({ for id, state in data.qcloud_cvm_instances_status.web_in_zone_3.states : id => state if state != "RUNNING" })}"
    }
  }
}
