# The configuration `make demo` applies against the built-in emulator: the jobs this data source
# is for, on a seeded fleet of a few hundred instances.
terraform {
  required_providers {
    qcloud = {
      source = "qcloudlabs/qcloud"
    }
  }
}

variable "endpoint" {
  description = "host:port of the CVM API; `make demo` passes the emulator's address."
  type        = string
}

variable "web_instance_ids" {
  description = "The web tier. ins-web00004 was terminated, so the API no longer knows it."
  type        = list(string)
  default     = ["ins-web00001", "ins-web00002", "ins-web00003", "ins-web00004"]
}

variable "new_web_instance_ids" {
  description = "Two web servers launched as the demo starts: still PENDING, and ins-web00006 not even listed yet."
  type        = list(string)
  default     = ["ins-web00005", "ins-web00006"]
}

variable "database_instance_id" {
  description = "The database server that the check block watches."
  type        = string
  default     = "ins-db000001"
}

# Keys come from TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, which `make demo` sets to
# the emulator's.
provider "qcloud" {
  region    = "ap-guangzhou"
  protocol  = "HTTP" # the emulator listens on loopback without TLS
  endpoints = { cvm = var.endpoint }
}

# Every instance of the region, in max(1, ceil(N/100)) API calls.
data "qcloud_cvm_instances_status" "all" {}

# The web tier by ID, in the order given.
data "qcloud_cvm_instances_status" "web" {
  instance_ids = var.web_instance_ids
}

# The new web servers: the read waits until both are RUNNING, polling every second, and fails at
# once if a launch fails.
data "qcloud_cvm_instances_status" "new_web" {
  instance_ids = var.new_web_instance_ids

  wait_for = {
    states        = ["RUNNING"]
    poll_interval = "1s"
  }

  timeouts = {
    read = "2m"
  }
}

# A release that must not roll out while a web instance that still exists is not running; it
# rolls out to the new web servers once the wait is over.
resource "terraform_data" "web_release" {
  input = "release-2026.11"

  lifecycle {
    precondition {
      condition = alltrue([
        for i in concat(data.qcloud_cvm_instances_status.web.instances, data.qcloud_cvm_instances_status.new_web.instances) : i.state == "RUNNING"
      ])
      error_message = "Every web instance must be RUNNING before the release: ${jsonencode(merge(data.qcloud_cvm_instances_status.web.states, data.qcloud_cvm_instances_status.new_web.states))}."
    }
  }
}

# A check warns on every plan and apply while the database is not running, without failing them.
check "database_is_running" {
  data "qcloud_cvm_instances_status" "database" {
    instance_ids = [var.database_instance_id]
  }

  assert {
    condition     = lookup(data.qcloud_cvm_instances_status.database.states, var.database_instance_id, "TERMINATED") == "RUNNING"
    error_message = "The database ${var.database_instance_id} is ${lookup(data.qcloud_cvm_instances_status.database.states, var.database_instance_id, "TERMINATED")}, not RUNNING."
  }
}

# Stopped instances of another region.
data "qcloud_cvm_instances_status" "stopped_in_shanghai" {
  region          = "ap-shanghai"
  instance_states = ["STOPPED"]
}

output "instances_in_guangzhou" {
  value = length(data.qcloud_cvm_instances_status.all.instances)
}

output "instances_per_state" {
  value = data.qcloud_cvm_instances_status.all.state_counts
}

output "stopped_in_guangzhou" {
  value = [for i in data.qcloud_cvm_instances_status.all.instances : i.id if i.state == "STOPPED"]
}

output "web_tier" {
  value = data.qcloud_cvm_instances_status.web.states
}

output "new_web_tier" {
  value = data.qcloud_cvm_instances_status.new_web.states
}

output "terminated_web_instances" {
  value = data.qcloud_cvm_instances_status.web.missing_ids
}

output "stopped_in_shanghai" {
  value = data.qcloud_cvm_instances_status.stopped_in_shanghai.instances[*].id
}
