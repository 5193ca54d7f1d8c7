#!/usr/bin/env bash
# Spot Instances and EC2 Fleet, through the AWS CLI, against ec2-mock's
# server (`npx ec2-mock serve --port 4599`, or `ec2.listen()`).
#
# Usage: bash test/interop/spot-fleet-cli.sh [ENDPOINT]
#   ENDPOINT defaults to http://127.0.0.1:4599; the server should run with
#   `timing: "instant"` (the CLI's waiters poll every 15 s).
#
# A one-time Spot request (request-spot-instances), waited for until
# fulfilled; its instance interrupted by the mock's control endpoint
# (`POST /_mock/spot/interrupt`): the request's status at once, the
# instance still running through its two-minute notice, then, the mock's
# clock moved (`POST /_mock/settle`), terminated with EC2's StateReason;
# an instant EC2 Fleet of On-Demand and Spot capacity, its instances, and
# its deletion with them. Along the way the refusals a user meets, each
# printed as the CLI prints it.
#
# Output: one fact a line, `name<TAB>value`; a refusal's value is
# `EXIT|stderr` (the CLI's one-line error message).
# test/spot-fleet-scenario.test.ts runs this script and asserts every fact.
set -euo pipefail

endpoint=${1:-http://127.0.0.1:4599}
# The fake keys, `aws_mock`, `say` and `refused`.
# shellcheck source=cli-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/cli-common.sh"

ami=ami-0ed094fb1304fd857 # Amazon Linux 2023, x86_64, in the mock's us-east-1 catalogue
zone=us-east-1a

# 1. The Spot price of t3.micro in the zone now.
say price "$(aws_mock ec2 describe-spot-price-history --instance-types t3.micro --availability-zone "$zone" \
  --product-descriptions Linux/UNIX --max-items 1 \
  --query 'SpotPriceHistory[0].[InstanceType,AvailabilityZone,ProductDescription]' --output text)"

# 2. A one-time Spot request, fulfilled, and its instance.
spec="{\"ImageId\":\"$ami\",\"InstanceType\":\"t3.micro\",\"Placement\":{\"AvailabilityZone\":\"$zone\"}}"
request=$(aws_mock ec2 request-spot-instances --instance-count 1 --type one-time --launch-specification "$spec" \
  --query 'SpotInstanceRequests[0].SpotInstanceRequestId' --output text)
aws_mock ec2 wait spot-instance-request-fulfilled --spot-instance-request-ids "$request"
read -r state status instance <<<"$(aws_mock ec2 describe-spot-instance-requests --spot-instance-request-ids "$request" \
  --query 'SpotInstanceRequests[0].[State,Status.Code,InstanceId]' --output text)"
say request "$request $state $status"
say instance "$(aws_mock ec2 describe-instances --instance-ids "$instance" \
  --query 'Reservations[0].Instances[0].[InstanceId,InstanceLifecycle,SpotInstanceRequestId,State.Name]' --output text)"
refused unknownRequest describe-spot-instance-requests --spot-instance-request-ids sir-00000000

# 3. The interruption: the notice, then the termination two minutes of mock time later.
curl -sS -X POST "$endpoint/_mock/spot/interrupt?instanceId=$instance" >/dev/null
say noticed "$(aws_mock ec2 describe-spot-instance-requests --spot-instance-request-ids "$request" \
  --query 'SpotInstanceRequests[0].Status.Code' --output text) $(aws_mock ec2 describe-instances --instance-ids "$instance" \
  --query 'Reservations[0].Instances[0].State.Name' --output text)"
curl -sS -X POST "$endpoint/_mock/settle" >/dev/null
aws_mock ec2 wait instance-terminated --instance-ids "$instance"
say interrupted "$(aws_mock ec2 describe-instances --instance-ids "$instance" \
  --query 'Reservations[0].Instances[0].[State.Name,StateReason.Code]' --output text) $(aws_mock ec2 describe-spot-instance-requests \
  --spot-instance-request-ids "$request" --query 'SpotInstanceRequests[0].[State,Status.Code]' --output text)"

# 4. An instant fleet: 1 On-Demand and 2 Spot units from a launch template with two overrides.
template=$(aws_mock ec2 create-launch-template --launch-template-name workers \
  --launch-template-data "{\"ImageId\":\"$ami\",\"InstanceType\":\"t3.micro\"}" \
  --query 'LaunchTemplate.LaunchTemplateId' --output text)
capacity=TotalTargetCapacity=3,OnDemandTargetCapacity=1,SpotTargetCapacity=2,DefaultTargetCapacityType=spot
refused unknownTemplate create-fleet --type instant --target-capacity-specification "$capacity" \
  --launch-template-configs 'LaunchTemplateSpecification={LaunchTemplateName=no-such-template,Version=$Latest}'
# The Spot series moves by up to 5 % an hour around each pool's level, so at some hours t3.small's
# price is below t3.micro's: both set by hand, the cheaper pool is known whatever the hour.
curl -sS -X POST "$endpoint/_mock/spot/price?instanceType=t3.micro&availabilityZone=$zone&price=0.01" >/dev/null
curl -sS -X POST "$endpoint/_mock/spot/price?instanceType=t3.small&availabilityZone=$zone&price=0.02" >/dev/null
configs="[{\"LaunchTemplateSpecification\":{\"LaunchTemplateId\":\"$template\",\"Version\":\"\$Latest\"},\"Overrides\":[{\"InstanceType\":\"t3.micro\",\"AvailabilityZone\":\"$zone\"},{\"InstanceType\":\"t3.small\",\"AvailabilityZone\":\"$zone\"}]}]"
fleet=$(aws_mock ec2 create-fleet --type instant --target-capacity-specification "$capacity" \
  --launch-template-configs "$configs" --spot-options AllocationStrategy=price-capacity-optimized \
  --query FleetId --output text)
say fleet "$fleet"
say fleetInstances "$(aws_mock ec2 describe-fleet-instances --fleet-id "$fleet" \
  --query 'ActiveInstances[].[InstanceType,InstanceHealth,SpotInstanceRequestId]' --output text |
  sed 's/sir-[0-9a-z]*/sir/' | sort | tr '\t\n' ' ;' | sed 's/;$//')"
say lifecycles "$(aws_mock ec2 describe-instances --filters "Name=tag:aws:ec2:fleet-id,Values=$fleet" \
  --query 'Reservations[].Instances[].InstanceLifecycle' --output text)"
refused deleteWithoutInstances delete-fleets --fleet-ids "$fleet" --no-terminate-instances
say deleted "$(aws_mock ec2 delete-fleets --fleet-ids "$fleet" --terminate-instances \
  --query 'SuccessfulFleetDeletions[0].[CurrentFleetState,PreviousFleetState]' --output text)"
