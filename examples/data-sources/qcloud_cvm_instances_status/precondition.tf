# A precondition stops the plan of a release while a web server is not running.
data "qcloud_cvm_instances_status" "web" {
  instance_ids = ["ins-web00001", "ins-web00002", "ins-web00003"]
}

resource "terraform_data" "release" {
  input = "release-42"

  lifecycle {
    precondition {
      condition     = alltrue([for i in data.qcloud_cvm_instances_status.web.instances : i.state == "RUNNING"])
      error_message = "Every web server must be RUNNING before the release: ${jsonencode(data.qcloud_cvm_instances_status.web.states)}."
    }
  }
}
