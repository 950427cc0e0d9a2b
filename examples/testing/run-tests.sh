#!/usr/bin/env bash
# Runs the module's tests against cvm-emulator, as a CI job would: start the emulator with the
# fleet the tests expect, point the provider at it, run `terraform test`, stop the emulator.
# cvm-emulator and terraform (1.6 or newer) must be on PATH, and `terraform init` must have run in
# this folder, as for any module (except where dev_overrides installs the provider, as in this
# repository's test of this example).
set -euo pipefail
cd "$(dirname "$0")"
cvm-emulator -addr-file emulator.addr -fleet ap-guangzhou=0 \
  -instance ap-guangzhou:ins-web00001=RUNNING,name=web-1,tag:role=web \
  -instance ap-guangzhou:ins-web00002=RUNNING,name=web-2,tag:role=web \
  -instance ap-guangzhou:ins-web00003=STOPPED,name=web-3,tag:role=web \
  -instance ap-guangzhou:ins-db000001=RUNNING,name=db-1,tag:role=db \
  >emulator.log &
emulator=$!
trap 'kill $emulator; wait $emulator || true; cat emulator.log; rm -f emulator.addr emulator.log' EXIT
for _ in $(seq 100); do
  [ -s emulator.addr ] && break
  sleep 0.1
done

export TF_VAR_endpoint="$(cat emulator.addr)"
# The emulator's default keys (cvm-emulator -help, Keys).
export TENCENTCLOUD_SECRET_ID=AKIDcvmemulator TENCENTCLOUD_SECRET_KEY=cvm-emulator-secret-key
terraform test
