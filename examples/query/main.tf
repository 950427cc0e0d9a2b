# The configuration `make demo-query` runs `terraform query` in, against the built-in emulator:
# the provider block that search.tfquery.hcl lists with.
terraform {
  required_providers {
    qcloud = {
      source = "qcloudlabs/qcloud"
    }
  }
}

variable "endpoint" {
  description = "host:port of the CVM API; `make demo-query` passes the emulator's address."
  type        = string
}

# Keys come from TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, which `make demo-query` sets
# to the emulator's.
provider "qcloud" {
  region    = "ap-guangzhou"
  protocol  = "HTTP" # the emulator listens on loopback without TLS
  endpoints = { cvm = var.endpoint }
}
