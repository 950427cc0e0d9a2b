# `terraform test` for the module, against cvm-emulator started by run-tests.sh with a fleet of
# its own: three web servers (one of them stopped) and a database server, each with its role tag.

variable "endpoint" {
  type = string
}

provider "qcloud" {
  region    = "ap-guangzhou"
  protocol  = "HTTP" # cvm-emulator listens on loopback without TLS
  endpoints = { cvm = var.endpoint }
}

run "running_web_servers_are_members" {
  command = plan

  assert {
    condition     = output.members == tolist(["ins-web00001", "ins-web00002"])
    error_message = "The members are ${jsonencode(output.members)}, not the two running web servers."
  }
}

run "a_tier_with_too_few_running_instances_stops_the_plan" {
  command = plan

  variables {
    tier        = "db"
    min_running = 2
  }

  expect_failures = [data.qcloud_cvm_instances_status.tier]
}
