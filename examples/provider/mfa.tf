# A role that changes production asks for MFA: the keys found otherwise (here
# TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY) sign AssumeRole with the code the device
# shows now, passed as -var="mfa_code=123456". The code is valid only briefly, so the session
# lasts as long as STS allows.
variable "mfa_code" {
  type      = string
  sensitive = true
}

provider "qcloud" {
  region = "ap-guangzhou"

  assume_role {
    role_arn         = "qcs::cam::uin/100000000001:roleName/production"
    serial_number    = "qcs::cam:uin/100000000001::mfa/softToken"
    token_code       = var.mfa_code
    source_identity  = "alice"
    session_duration = 43200
  }
}

data "qcloud_cvm_instances_status" "region" {}

output "running" {
  value = lookup(data.qcloud_cvm_instances_status.region.state_counts, "RUNNING", 0)
}
