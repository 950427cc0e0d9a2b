# The private addresses of the running web servers, for a DNS module's A records: the selection
# goes through DescribeInstances, so each instance carries its addresses, name and zone.
data "qcloud_cvm_instances_status" "web" {
  tags            = { role = "web" }
  instance_states = ["RUNNING"]
}

output "web_private_ips" {
  value = flatten([for i in data.qcloud_cvm_instances_status.web.instances : i.private_ips])
}

# The same servers by zone, to spread work over them.
output "web_by_zone" {
  value = { for i in data.qcloud_cvm_instances_status.web.instances : i.zone => i.name... }
}
