# An instance of the provider's region, by its ID:
terraform import qcloud_cvm_instance_state.database ins-db000001

# An instance of another region: region/ID.
terraform import qcloud_cvm_instance_state.database ap-shanghai/ins-db000001
