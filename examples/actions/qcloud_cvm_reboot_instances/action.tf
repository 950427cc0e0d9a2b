# Reboot the web tier whenever its configuration version changes: the action runs after
# terraform_data.web_config is created or updated, within the same apply.
variable "web_config_version" {
  type    = string
  default = "2026-11-26.1"
}

locals {
  web_tier = ["ins-web00001", "ins-web00002", "ins-web00003"]
}

action "qcloud_cvm_reboot_instances" "web" {
  config {
    instance_ids = local.web_tier
  }
}

resource "terraform_data" "web_config" {
  input = var.web_config_version

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.qcloud_cvm_reboot_instances.web]
    }
  }
}
