# Signed in through the company's identity provider: its base64-encoded SAML response is
# exchanged for the keys of a role that trusts it. An assertion is valid for minutes and renewing
# the keys sends it again, so the session lasts the whole run.
variable "saml_assertion" {
  type      = string
  sensitive = true
}

provider "qcloud" {
  region = "ap-guangzhou"

  assume_role_with_saml {
    role_arn         = "qcs::cam::uin/100000000001:roleName/sso-reader"
    principal_arn    = "qcs::cam::uin/100000000001:saml-provider/corp-idp"
    saml_assertion   = var.saml_assertion
    session_duration = 7200
  }
}

data "qcloud_cvm_instances_status" "region" {}

output "running" {
  value = lookup(data.qcloud_cvm_instances_status.region.state_counts, "RUNNING", 0)
}
