# In a TKE pod whose service account is bound to a CAM role: TKE sets TKE_REGION,
# TKE_PROVIDER_ID, TKE_WEB_IDENTITY_TOKEN_FILE and TKE_ROLE_ARN, and rotates the token in its
# file, which the provider reads again each time it renews the role's keys.
provider "qcloud" {
  region          = "ap-guangzhou"
  enable_pod_oidc = true
}

data "qcloud_cvm_instances_status" "region" {}

output "running" {
  value = lookup(data.qcloud_cvm_instances_status.region.state_counts, "RUNNING", 0)
}
