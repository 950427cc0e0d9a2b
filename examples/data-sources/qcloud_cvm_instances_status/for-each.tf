# One resource per running web server: instances that stop drop out at the next plan.
data "qcloud_cvm_instances_status" "running_web" {
  instance_ids    = ["ins-web00001", "ins-web00002", "ins-web00003"]
  instance_states = ["RUNNING"]
}

resource "terraform_data" "load_balancer_member" {
  for_each = toset(data.qcloud_cvm_instances_status.running_web.instances[*].id)

  input = {
    instance_id = each.key
    port        = 8080
  }
}
