#!/usr/bin/env bash
# EC2 Auto Scaling and Elastic Load Balancing v2, through the AWS CLI,
# against ec2-mock's server (`npx ec2-mock serve --port 4599`): `aws ec2`,
# `aws elbv2` and `aws autoscaling` at the one endpoint (the server routes
# each request by the service its signature names).
#
# Usage: bash test/interop/autoscaling-elb-cli.sh [ENDPOINT]
#   ENDPOINT defaults to http://127.0.0.1:4599.
#
# A launch template; a target group, a load balancer and its listener in
# the default VPC; an Auto Scaling group of 2 instances in two zones, waited
# for until InService (the mock's clock moved with `POST /_mock/settle`);
# its instances registered with the target group (RegisterTargets) and
# healthy once the checks have passed (`POST /_mock/advance?ms=N`). Then the
# scheduler's surprise: one instance stopped with `aws ec2 stop-instances`
# is marked Unhealthy and replaced (DescribeScalingActivities says why);
# another, put in Standby first, is stopped and stays, not replaced, and
# its target is `unused` (Target.InvalidState). Along the way, the refusals
# a user meets, each printed as the CLI prints it.
#
# Output: one fact a line, `name<TAB>value`; a refusal's value is
# `EXIT|stderr` (the CLI's one-line error message).
# test/autoscaling-elb-scenario.test.ts runs this script and asserts every fact.
set -euo pipefail

endpoint=${1:-http://127.0.0.1:4599}
# The fake keys, `aws_mock`, `say` and `refused`.
# shellcheck source=cli-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/cli-common.sh"

ami=ami-0ed094fb1304fd857 # Amazon Linux 2023, x86_64, in the mock's us-east-1 catalogue
control() { curl -sS -X POST "$endpoint/_mock/$1" >/dev/null; }
# A group's instances, sorted by zone: id, zone, lifecycle state, health.
members() {
  aws_mock autoscaling describe-auto-scaling-groups --auto-scaling-group-names web-asg \
    --query 'AutoScalingGroups[0].Instances[].[AvailabilityZone,InstanceId,LifecycleState,HealthStatus]' --output text | sort
}
# A target's health: state, reason, description (None when EC2 gives none).
health() {
  aws_mock elbv2 describe-target-health --target-group-arn "$tg" --targets "Id=$1" \
    --query 'TargetHealthDescriptions[0].TargetHealth.[State,Reason,Description]' --output text
}

# 1. The default VPC and its default subnets in two zones; a launch template.
vpc=$(aws_mock ec2 describe-vpcs --filters Name=is-default,Values=true --query 'Vpcs[0].VpcId' --output text)
subnet_a=$(aws_mock ec2 describe-subnets --filters "Name=vpc-id,Values=$vpc" Name=availability-zone,Values=us-east-1a \
  Name=default-for-az,Values=true --query 'Subnets[0].SubnetId' --output text)
subnet_b=$(aws_mock ec2 describe-subnets --filters "Name=vpc-id,Values=$vpc" Name=availability-zone,Values=us-east-1b \
  Name=default-for-az,Values=true --query 'Subnets[0].SubnetId' --output text)
aws_mock ec2 create-launch-template --launch-template-name web \
  --launch-template-data "{\"ImageId\":\"$ami\",\"InstanceType\":\"t3.micro\"}" >/dev/null

# 2. A target group, a load balancer in the two subnets, a listener forwarding to the group.
tg=$(aws_mock elbv2 create-target-group --name web-tg --protocol HTTP --port 80 --vpc-id "$vpc" \
  --health-check-interval-seconds 10 --healthy-threshold-count 3 --unhealthy-threshold-count 2 \
  --query 'TargetGroups[0].TargetGroupArn' --output text)
say targetGroup "$tg"
lb=$(aws_mock elbv2 create-load-balancer --name web-lb --subnets "$subnet_a" "$subnet_b" \
  --query 'LoadBalancers[0].LoadBalancerArn' --output text)
say loadBalancer "$(aws_mock elbv2 describe-load-balancers --load-balancer-arns "$lb" \
  --query 'LoadBalancers[0].[LoadBalancerName,Type,State.Code,VpcId==`'"$vpc"'`]' --output text)"
say listener "$(aws_mock elbv2 create-listener --load-balancer-arn "$lb" --protocol HTTP --port 80 \
  --default-actions "Type=forward,TargetGroupArn=$tg" --query 'Listeners[0].[Protocol,Port]' --output text)"
refused_by elbv2 unknownTargetGroup describe-target-health \
  --target-group-arn "${tg%/*}/0000000000000000"

# 3. The group: 2 instances across the two zones, waited for until InService.
aws_mock autoscaling create-auto-scaling-group --auto-scaling-group-name web-asg \
  --launch-template 'LaunchTemplateName=web,Version=$Latest' --min-size 1 --max-size 4 --desired-capacity 2 \
  --vpc-zone-identifier "$subnet_a,$subnet_b" --health-check-grace-period 60
refused_by autoscaling nameInUse create-auto-scaling-group --auto-scaling-group-name web-asg \
  --launch-template 'LaunchTemplateName=web' --min-size 1 --max-size 1 --availability-zones us-east-1a
say launching "$(members | cut -f1,3 | tr '\t\n' ' ;' | sed 's/;$//')"
control settle
say inService "$(members | cut -f1,3,4 | tr '\t\n' ' ;' | sed 's/;$//')"
read -r a b <<<"$(members | cut -f2 | tr '\n' ' ')"
say tagged "$(aws_mock ec2 describe-instances --filters Name=tag:aws:autoscaling:groupName,Values=web-asg \
  --query 'length(Reservations[].Instances[])' --output text)"

# 4. Both registered with the target group; healthy after three checks of 10 s.
aws_mock elbv2 register-targets --target-group-arn "$tg" --targets "Id=$a" "Id=$b"
say registered "$(health "$a")"
control 'advance?ms=30000'
say healthy "$(health "$a") $(health "$b")"

# 5. The scheduler's surprise: A stopped with EC2's StopInstances, marked Unhealthy and replaced.
aws_mock ec2 stop-instances --instance-ids "$a" >/dev/null
say stoppedMember "$(aws_mock autoscaling describe-auto-scaling-instances --instance-ids "$a" \
  --query 'AutoScalingInstances[0].[LifecycleState,HealthStatus]' --output text)"
say activities "$(aws_mock autoscaling describe-scaling-activities --auto-scaling-group-name web-asg \
  --query 'Activities[:2].[Description,Cause]' --output text | tr '\n' ';' | sed 's/;$//')"
control settle
say replaced "$(members | cut -f1,3,4 | tr '\t\n' ' ;' | sed 's/;$//')"
say stoppedInstance "$(aws_mock ec2 describe-instances --instance-ids "$a" \
  --query 'Reservations[0].Instances[0].State.Name' --output text)"
say replacedTarget "$(health "$a")"

# 6. B in Standby first, then stopped: kept, not replaced, its target out of use.
say standby "$(aws_mock autoscaling enter-standby --auto-scaling-group-name web-asg --instance-ids "$b" \
  --should-decrement-desired-capacity --query 'Activities[0].[Description,StatusCode]' --output text)"
aws_mock ec2 stop-instances --instance-ids "$b" >/dev/null
control settle
control 'advance?ms=3600000'
say kept "$(aws_mock autoscaling describe-auto-scaling-instances --instance-ids "$b" \
  --query 'AutoScalingInstances[0].[LifecycleState,HealthStatus]' --output text) $(aws_mock ec2 describe-instances \
  --instance-ids "$b" --query 'Reservations[0].Instances[0].State.Name' --output text)"
say group "$(aws_mock autoscaling describe-auto-scaling-groups --auto-scaling-group-names web-asg \
  --query 'AutoScalingGroups[0].[DesiredCapacity,length(Instances)]' --output text)"
say standbyTarget "$(health "$b")"
say launches "$(aws_mock autoscaling describe-scaling-activities --auto-scaling-group-name web-asg \
  --query 'length(Activities[?starts_with(Description, `Launching`)])' --output text)"
