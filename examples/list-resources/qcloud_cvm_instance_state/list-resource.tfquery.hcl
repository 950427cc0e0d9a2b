# The region's running and stopped instances, up to 1000 (Terraform's default limit is 100), each
# with the resource that would keep it in its state. `terraform query` lists them;
# `terraform query -generate-config-out=generated.tf` writes an import block and a resource for each.
list "qcloud_cvm_instance_state" "all" {
  provider = qcloud
  limit    = 1000

  config {
    instance_states = ["RUNNING", "STOPPED"]
  }
}
