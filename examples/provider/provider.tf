terraform {
  required_providers {
    qcloud = {
      source = "qcloudlabs/qcloud"
    }
  }
}

# Keys come from TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, or from a tccli profile;
# every argument is optional.
provider "qcloud" {
  region = "ap-guangzhou"
}
