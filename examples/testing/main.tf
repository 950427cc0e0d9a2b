# A module under test: the running instances of a tier, found by its role tag, for a load
# balancer's members. It refuses to go on when fewer than min_running of them run.
# tests/tier.tftest.hcl tests it with `terraform test` against cvm-emulator; run-tests.sh is the CI
# job that does so.
terraform {
  required_providers {
    qcloud = {
      source = "qcloudlabs/qcloud"
    }
  }
}

variable "tier" {
  description = "The value of the role tag of the tier's instances."
  type        = string
  default     = "web"
}

variable "min_running" {
  description = "How many of the tier's instances must be running."
  type        = number
  default     = 1
}

data "qcloud_cvm_instances_status" "tier" {
  tags            = { role = var.tier }
  instance_states = ["RUNNING"]

  lifecycle {
    postcondition {
      condition     = length(self.instances) >= var.min_running
      error_message = "The ${var.tier} tier has ${length(self.instances)} running instances, fewer than ${var.min_running}."
    }
  }
}

output "members" {
  description = "The IDs of the tier's running instances, sorted."
  value       = data.qcloud_cvm_instances_status.tier.instances[*].id
}
