#!/usr/bin/env bash
# Images, instance types and launch templates, through the AWS CLI, against
# ec2-mock's server (`npx ec2-mock serve --port 4599`, or `ec2.listen()`).
#
# Usage: bash test/interop/images-templates-cli.sh [ENDPOINT]
#   ENDPOINT defaults to http://127.0.0.1:4599; the server should run with
#   `timing: "instant"` (the CLI's waiters poll every 15 s).
#
# The latest Amazon Linux 2023 arm64 image by name (owner amazon, a name
# filter with a wildcard, sorted by CreationDate), the cheapest arm64 type
# with 2 vCPUs (the least memory, then the name: EC2's API has no prices),
# a launch template with both, a launch from the template alone, an image
# baked from the instance, a launch from that image, and the cleanup; along
# the way the refusals a user meets, each printed as the CLI prints it. A
# baked image is `pending` for minutes of mock time: the script moves the
# mock's clock with `POST /_mock/settle` before it waits.
#
# Output: one fact a line, `name<TAB>value`; a refusal's value is
# `EXIT|stderr` (the CLI's one-line error message).
# test/images-templates-scenario.test.ts runs this script and asserts every fact.
set -euo pipefail

endpoint=${1:-http://127.0.0.1:4599}
# The fake keys, `aws_mock`, `say` and `refused`.
# shellcheck source=cli-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/cli-common.sh"

# A multi-line text answer on one line, rows separated by `;`.
oneLine() { tr '\t\n' ' ;' | sed 's/;$//'; }

# 1. The latest Amazon Linux 2023 image for arm64.
latest=$(aws_mock ec2 describe-images --owners amazon \
  --filters 'Name=name,Values=al2023-ami-2023.*-kernel-6.1-arm64' Name=state,Values=available \
  --query 'sort_by(Images, &CreationDate)[-1].[ImageId,Name,Architecture]' --output text)
read -r image image_name image_arch <<<"$latest"
say image "$image $image_name $image_arch"

# 2. The cheapest arm64 type with 2 vCPUs, read 10 a page (the CLI follows every NextToken).
types=$(aws_mock ec2 describe-instance-types --page-size 10 \
  --filters Name=processor-info.supported-architecture,Values=arm64 Name=vcpu-info.default-vcpus,Values=2 \
  --query 'InstanceTypes[].[MemoryInfo.SizeInMiB,InstanceType]' --output text | sort -k1,1n -k2,2)
cheapest=$(head -n 1 <<<"$types")
type=$(cut -f 2 <<<"$cheapest")
say types "$(wc -l <<<"$types" | tr -d ' ') ${cheapest//$'\t'/ }"

# 3. A launch template with both, and tags; a launch from the template alone.
template=$(aws_mock ec2 create-launch-template --launch-template-name al2023-arm64 \
  --launch-template-data "{\"ImageId\":\"$image\",\"InstanceType\":\"$type\",\"TagSpecifications\":[{\"ResourceType\":\"instance\",\"Tags\":[{\"Key\":\"Name\",\"Value\":\"web\"}]}]}" \
  --tag-specifications 'ResourceType=launch-template,Tags=[{Key=team,Value=platform}]' \
  --query 'LaunchTemplate.LaunchTemplateId' --output text)
say template "$template"
refused unknownTemplate run-instances --launch-template LaunchTemplateName=no-such-template --count 1
refused zoneNotOffering run-instances --launch-template "LaunchTemplateId=$template" --placement AvailabilityZone=us-east-1e --count 1
first=$(aws_mock ec2 run-instances --launch-template "LaunchTemplateId=$template,Version=\$Default" --count 1 \
  --query 'Instances[0].InstanceId' --output text)
aws_mock ec2 wait instance-running --instance-ids "$first"
say first "$(aws_mock ec2 describe-instances --instance-ids "$first" \
  --query 'Reservations[0].Instances[0].[InstanceId,State.Name,InstanceType,ImageId,Architecture]' --output text)"
say firstTags "$(aws_mock ec2 describe-instances --instance-ids "$first" \
  --query 'Reservations[0].Instances[0].Tags[].[Key,Value]' --output text | sort | oneLine)"

# 4. Bake an image, wait for it, launch from it.
baked=$(aws_mock ec2 create-image --instance-id "$first" --name web-al2023-arm64-v1 --query ImageId --output text)
say baked "$baked $(aws_mock ec2 describe-images --image-ids "$baked" --query 'Images[0].State' --output text)"
refused duplicateImageName create-image --instance-id "$first" --name web-al2023-arm64-v1
curl -sS -X POST "$endpoint/_mock/settle" >/dev/null
aws_mock ec2 wait image-available --image-ids "$baked"
second=$(aws_mock ec2 run-instances --image-id "$baked" --instance-type "$type" --count 1 \
  --query 'Instances[0].InstanceId' --output text)
aws_mock ec2 wait instance-running --instance-ids "$second"
say second "$(aws_mock ec2 describe-instances --instance-ids "$second" \
  --query 'Reservations[0].Instances[0].[InstanceId,State.Name,InstanceType,ImageId,Architecture]' --output text)"

# 5. Clean up, then check.
aws_mock ec2 terminate-instances --instance-ids "$first" "$second" >/dev/null
aws_mock ec2 wait instance-terminated --instance-ids "$first" "$second"
aws_mock ec2 deregister-image --image-id "$baked"
aws_mock ec2 delete-launch-template --launch-template-id "$template" >/dev/null
say left "$(aws_mock ec2 describe-images --owners self --query 'Images[].State' --output text) $(aws_mock ec2 describe-launch-templates --query 'length(LaunchTemplates)' --output text)"
refused deregisteredImage run-instances --image-id "$baked" --instance-type "$type" --count 1
