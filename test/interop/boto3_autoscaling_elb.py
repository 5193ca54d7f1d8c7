#!/usr/bin/env python3
"""EC2 Auto Scaling and Elastic Load Balancing v2, through boto3, against ec2-mock's server.

Usage: python3 test/interop/boto3_autoscaling_elb.py [ENDPOINT] [REGION]
  ENDPOINT defaults to http://127.0.0.1:4599, REGION to us-east-1.

Three clients (ec2, elbv2, autoscaling) at the one endpoint: the server
routes each request by the service its signature names. What a scheduler's
owner does, and the surprise it meets:
  1. a launch template; a target group, an application load balancer in the
     default VPC's subnets of two zones (the `load_balancer_available`
     waiter) and a listener forwarding to the group;
  2. an Auto Scaling group of 2 instances in two zones, waited for until
     InService (the mock's clock moved with `POST /_mock/settle`), its
     instances registered with the target group and, the checks passed
     (`POST /_mock/advance?ms=N`), in service (the `target_in_service` waiter);
  3. one instance stopped with EC2's StopInstances: the group's EC2 health
     check marks it Unhealthy and replaces it (DescribeScalingActivities
     says why); the target of the terminated instance `unused`;
  4. another put in Standby, then stopped: kept, not replaced, and its
     target `unused` with `Target.InvalidState`.
Along the way, the refusals a user meets, as `ClientError`s: an unknown
target group, a group name in use.

Prints one JSON document of observed facts and exits 0; an unexpected error
exits non-zero with a traceback. test/autoscaling-elb-scenario.test.ts runs
this script and asserts every fact. Only the standard library, boto3 and
interop_common.py (next to this script) are needed.
"""

import json
import sys
import urllib.parse
import urllib.request

from interop_common import mock_client, refusal_recorder

endpoint = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:4599"
region = sys.argv[2] if len(sys.argv) > 2 else "us-east-1"
ZONES = [region + "a", region + "b"]
AMI = "ami-0ed094fb1304fd857"  # Amazon Linux 2023, x86_64, in the mock's us-east-1 catalogue
WAIT = {"Delay": 0.2, "MaxAttempts": 300}

ec2 = mock_client(endpoint, region)
elbv2 = mock_client(endpoint, region, "elbv2")
asg = mock_client(endpoint, region, "autoscaling")
facts = {}
refused = refusal_recorder(facts)


def control(path, **query):
    """POSTs to one of the mock's control endpoints; its JSON answer."""
    url = f"{endpoint}/_mock/{path}" + ("?" + urllib.parse.urlencode(query) if query else "")
    with urllib.request.urlopen(urllib.request.Request(url, method="POST")) as answer:
        return json.load(answer)


def members():
    """The group's instances, by zone: [zone, id, lifecycle state, health]."""
    group = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["web-asg"])["AutoScalingGroups"][0]
    return sorted([i["AvailabilityZone"], i["InstanceId"], i["LifecycleState"], i["HealthStatus"]] for i in group["Instances"])


def health(instance_id):
    """A target's health as DescribeTargetHealth answers it."""
    out = elbv2.describe_target_health(TargetGroupArn=tg_arn, Targets=[{"Id": instance_id}])
    return out["TargetHealthDescriptions"][0]["TargetHealth"]


def ec2_state(instance_id):
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["State"]["Name"]


# 1. The default VPC, its default subnets in two zones, a launch template, the target group, the load balancer.
vpc_id = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
subnets = ec2.describe_subnets(
    Filters=[
        {"Name": "vpc-id", "Values": [vpc_id]},
        {"Name": "default-for-az", "Values": ["true"]},
        {"Name": "availability-zone", "Values": ZONES},
    ]
)["Subnets"]
ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData={"ImageId": AMI, "InstanceType": "t3.micro"})
tg = elbv2.create_target_group(
    Name="web-tg",
    Protocol="HTTP",
    Port=80,
    VpcId=vpc_id,
    HealthCheckPath="/health",
    HealthCheckIntervalSeconds=10,
    HealthyThresholdCount=3,
    UnhealthyThresholdCount=2,
)["TargetGroups"][0]
tg_arn = tg["TargetGroupArn"]
facts["targetGroup"] = [tg["TargetGroupName"], tg["TargetType"], tg["HealthCheckPath"], tg["HealthCheckIntervalSeconds"], tg["VpcId"] == vpc_id]
lb = elbv2.create_load_balancer(Name="web-lb", Subnets=[s["SubnetId"] for s in subnets])["LoadBalancers"][0]
elbv2.get_waiter("load_balancer_available").wait(LoadBalancerArns=[lb["LoadBalancerArn"]], WaiterConfig=WAIT)
facts["loadBalancer"] = [lb["Type"], lb["Scheme"], sorted(z["ZoneName"] for z in lb["AvailabilityZones"]), lb["VpcId"] == vpc_id]
listener = elbv2.create_listener(
    LoadBalancerArn=lb["LoadBalancerArn"],
    Protocol="HTTP",
    Port=80,
    DefaultActions=[{"Type": "forward", "TargetGroupArn": tg_arn}],
)["Listeners"][0]
facts["listener"] = [listener["Protocol"], listener["Port"], listener["DefaultActions"][0]["TargetGroupArn"] == tg_arn]
unknown_arn = tg_arn.rsplit("/", 1)[0] + "/0000000000000000"
refused("unknownTargetGroup", elbv2.describe_target_health, TargetGroupArn=unknown_arn)

# 2. The group, in two zones, waited for until InService; its instances registered and in service.
asg.create_auto_scaling_group(
    AutoScalingGroupName="web-asg",
    LaunchTemplate={"LaunchTemplateName": "web", "Version": "$Latest"},
    MinSize=1,
    MaxSize=4,
    DesiredCapacity=2,
    AvailabilityZones=ZONES,
    HealthCheckGracePeriod=60,
)
refused(
    "nameInUse",
    asg.create_auto_scaling_group,
    AutoScalingGroupName="web-asg",
    LaunchTemplate={"LaunchTemplateName": "web"},
    MinSize=1,
    MaxSize=1,
    AvailabilityZones=ZONES[:1],
)
facts["launching"] = [[zone, state] for zone, _, state, _ in members()]
control("settle")
inservice = members()
facts["inService"] = [[zone, state, status] for zone, _, state, status in inservice]
a, b = inservice[0][1], inservice[1][1]
tags = ec2.describe_instances(InstanceIds=[a])["Reservations"][0]["Instances"][0]["Tags"]
facts["tag"] = {t["Key"]: t["Value"] for t in tags}.get("aws:autoscaling:groupName")
elbv2.register_targets(TargetGroupArn=tg_arn, Targets=[{"Id": a}, {"Id": b}])
facts["registered"] = health(a)
control("advance", ms=30_000)
elbv2.get_waiter("target_in_service").wait(TargetGroupArn=tg_arn, Targets=[{"Id": a}, {"Id": b}], WaiterConfig=WAIT)
facts["healthy"] = [health(a), health(b)]

# 3. The scheduler's surprise: A stopped with EC2's StopInstances, marked Unhealthy, replaced.
ec2.stop_instances(InstanceIds=[a])
member = asg.describe_auto_scaling_instances(InstanceIds=[a])["AutoScalingInstances"][0]
facts["stoppedMember"] = [member["LifecycleState"], member["HealthStatus"]]
activities = asg.describe_scaling_activities(AutoScalingGroupName="web-asg")["Activities"]
facts["activities"] = [[x["Description"], x["Cause"], x["StatusCode"]] for x in activities[:2]]
facts["activityCount"] = len(activities)
control("settle")
ec2.get_waiter("instance_terminated").wait(InstanceIds=[a], WaiterConfig=WAIT)
after = members()
facts["replaced"] = [[zone, state, status] for zone, _, state, status in after]
facts["replacement"] = [i for _, i, _, _ in after if i not in (a, b)] == [activities[0]["Description"].rsplit(" ", 1)[1]]
facts["replacedTarget"] = health(a)

# 4. B in Standby, then stopped: kept, not replaced, its target out of use.
standby = asg.enter_standby(AutoScalingGroupName="web-asg", InstanceIds=[b], ShouldDecrementDesiredCapacity=True)["Activities"][0]
facts["standby"] = [standby["Description"], standby["Cause"], standby["StatusCode"]]
ec2.stop_instances(InstanceIds=[b])
ec2.get_waiter("instance_stopped").wait(InstanceIds=[b], WaiterConfig=WAIT)
control("advance", ms=3_600_000)
member = asg.describe_auto_scaling_instances(InstanceIds=[b])["AutoScalingInstances"][0]
facts["kept"] = [member["LifecycleState"], member["HealthStatus"], ec2_state(b)]
group = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["web-asg"])["AutoScalingGroups"][0]
facts["group"] = [group["DesiredCapacity"], len(group["Instances"])]
facts["standbyTarget"] = health(b)
facts["launches"] = sum(
    x["Description"].startswith("Launching") for x in asg.describe_scaling_activities(AutoScalingGroupName="web-asg")["Activities"]
)

print(json.dumps(facts))
