# In a GitHub Actions job: the workflow writes the job's OIDC token to a file and names it in
# TENCENTCLOUD_ASSUME_ROLE_WEB_IDENTITY_TOKEN_FILE (see the workflow above). The provider exchanges
# the token for the temporary keys of a role whose trust policy allows the repository, and stops
# before any other call if those keys belong to an account other than production's.
provider "qcloud" {
  region = "ap-guangzhou"

  assume_role_with_web_identity {
    role_arn         = "qcs::cam::uin/100000000002:roleName/ci-deployer"
    provider_id      = "github-actions"
    session_name     = "github-actions"
    session_duration = 3600
  }

  allowed_account_ids = ["100000000002"]
}

data "qcloud_cvm_instances_status" "region" {}

output "running" {
  value = lookup(data.qcloud_cvm_instances_status.region.state_counts, "RUNNING", 0)
}
