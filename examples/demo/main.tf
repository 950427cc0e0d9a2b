# The configuration `make demo` tells the provider's story with, against the built-in emulator: a
# region of a few hundred instances, a web tier known by its tag, two web servers being launched, a
# database that is stopped, and development instances to stop for the night. database.tf (added by
# the demo's third step) keeps the database running; search.tfquery.hcl finds stopped instances.
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

variable "new_web_instance_ids" {
  description = "Two web servers launched as the demo starts: still PENDING, and ins-web00006 not even listed yet."
  type        = list(string)
  default     = ["ins-web00005", "ins-web00006"]
}

variable "database_instance_id" {
  description = "The database server that the check block watches and database.tf keeps running."
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
data "qcloud_cvm_instances_status" "region" {}

# The web tier, by its tag rather than by ID: instances launched or retired since are in or out.
data "qcloud_cvm_instances_status" "web" {
  tags = { role = "web" }
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

# The development instances, by tag. Stopped ones are kept in the list: the action skips them
# without a call.
data "qcloud_cvm_instances_status" "dev" {
  tags            = { env = "dev" }
  instance_states = ["RUNNING", "STOPPED"]
}

# Stop the development instances for the night, only when asked:
#   terraform apply -invoke=action.qcloud_cvm_stop_instances.dev
action "qcloud_cvm_stop_instances" "dev" {
  config {
    instance_ids  = data.qcloud_cvm_instances_status.dev.instances[*].id
    poll_interval = "1s"
  }
}

output "instances_per_state" {
  value = data.qcloud_cvm_instances_status.region.state_counts
}

output "web_tier" {
  value = data.qcloud_cvm_instances_status.web.state_counts
}

output "new_web_servers" {
  value = data.qcloud_cvm_instances_status.new_web.states
}

output "dev_instances" {
  value = data.qcloud_cvm_instances_status.dev.state_counts
}
