# In a real configuration the IDs come from the resource that launches the instances, such as
# tencentcloud_instance.web[*].id. terraform_data stands in for it here: like the ID of an
# instance being launched, its output is known only after apply.
resource "terraform_data" "new_web_servers" {
  input = ["ins-new00001", "ins-new00002"]
}

# IDs known only after apply defer this read to the apply, after the instances are launched. It
# then polls every 5 seconds until both are RUNNING, for at most 15 minutes, and fails at once if
# a launch fails.
data "qcloud_cvm_instances_status" "new_web_servers" {
  instance_ids = terraform_data.new_web_servers.output

  wait_for = {
    states = ["RUNNING"]
  }

  timeouts = {
    read = "15m"
  }
}

# Depends on the wait, so it is created only once every new web server is RUNNING.
resource "terraform_data" "load_balancer_members" {
  input = data.qcloud_cvm_instances_status.new_web_servers.instances[*].id
}

output "new_web_servers" {
  value = data.qcloud_cvm_instances_status.new_web_servers.states
}
