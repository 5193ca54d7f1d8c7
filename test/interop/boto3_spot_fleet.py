#!/usr/bin/env python3
"""Spot Instances and EC2 Fleet, through boto3, against ec2-mock's server.

Usage: python3 test/interop/boto3_spot_fleet.py [ENDPOINT] [REGION]
  ENDPOINT defaults to http://127.0.0.1:4599, REGION to us-east-1.

What a Spot user's code does, and what it must survive:
  1. the Spot price of t3.micro in us-east-1a (DescribeSpotPriceHistory);
  2. a one-time Spot request (RequestSpotInstances), waited for with the
     `spot_instance_request_fulfilled` waiter, its instance running with
     `InstanceLifecycle: spot`; a request under the price that stays `open`
     with `price-too-low`, then cancelled;
  3. an interruption, played by the mock's control endpoint
     `POST /_mock/spot/interrupt`: the request's status at once, the
     instance still running through its two-minute notice, then (the mock's
     clock moved with `POST /_mock/settle`) terminated with EC2's
     StateReason, the request closed;
  4. an instant EC2 Fleet of On-Demand and Spot capacity (CreateFleet) from
     a launch template with overrides, its instances
     (DescribeFleetInstances, the Spot ones with their requests), deleted
     with its instances (DeleteFleets).
Along the way, the refusals a user meets there, as `ClientError`s: an
unknown Spot request, a fleet of a template that does not exist, an instant
fleet deleted without its instances.

Prints one JSON document of observed facts and exits 0; an unexpected error
exits non-zero with a traceback. test/spot-fleet-scenario.test.ts runs this
script and asserts every fact. Only the standard library, boto3 and
interop_common.py (next to this script) are needed.
"""

import json
import sys
import urllib.parse
import urllib.request

from interop_common import mock_client, refusal_recorder

endpoint = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:4599"
region = sys.argv[2] if len(sys.argv) > 2 else "us-east-1"
ZONE = region + "a"
AMI = "ami-0ed094fb1304fd857"  # Amazon Linux 2023, x86_64, in the mock's us-east-1 catalogue
WAIT = {"Delay": 0.2, "MaxAttempts": 300}

ec2 = mock_client(endpoint, region)
facts = {}
refused = refusal_recorder(facts)


def control(path, **query):
    """POSTs to one of the mock's control endpoints; its JSON answer."""
    url = f"{endpoint}/_mock/{path}" + ("?" + urllib.parse.urlencode(query) if query else "")
    with urllib.request.urlopen(urllib.request.Request(url, method="POST")) as answer:
        return json.load(answer)


def instance(instance_id):
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]


def spot_request(request_id):
    r = ec2.describe_spot_instance_requests(SpotInstanceRequestIds=[request_id])["SpotInstanceRequests"][0]
    return {"state": r["State"], "status": r["Status"]["Code"], "type": r["Type"], "instance": r.get("InstanceId")}


# 1. The Spot price now.
history = ec2.describe_spot_price_history(
    InstanceTypes=["t3.micro"], AvailabilityZone=ZONE, ProductDescriptions=["Linux/UNIX"], MaxResults=1
)["SpotPriceHistory"]
price = float(history[0]["SpotPrice"])
facts["price"] = [history[0]["InstanceType"], history[0]["AvailabilityZone"], history[0]["ProductDescription"], price > 0]

# 2. A one-time Spot request, fulfilled; one under the price, open, then cancelled.
spec = {"ImageId": AMI, "InstanceType": "t3.micro", "Placement": {"AvailabilityZone": ZONE}}
request_id = ec2.request_spot_instances(InstanceCount=1, Type="one-time", LaunchSpecification=spec)["SpotInstanceRequests"][0][
    "SpotInstanceRequestId"
]
ec2.get_waiter("spot_instance_request_fulfilled").wait(SpotInstanceRequestIds=[request_id], WaiterConfig=WAIT)
fulfilled = spot_request(request_id)
spot_id = fulfilled["instance"]
facts["fulfilled"] = fulfilled
ec2.get_waiter("instance_running").wait(InstanceIds=[spot_id], WaiterConfig=WAIT)
i = instance(spot_id)
facts["spotInstance"] = [i["InstanceLifecycle"], i["SpotInstanceRequestId"] == request_id, i["State"]["Name"], i["InstanceType"]]

low_id = ec2.request_spot_instances(
    InstanceCount=1, Type="one-time", SpotPrice=f"{price / 10:.4f}", LaunchSpecification=spec
)["SpotInstanceRequests"][0]["SpotInstanceRequestId"]
facts["tooLow"] = spot_request(low_id)
cancelled = ec2.cancel_spot_instance_requests(SpotInstanceRequestIds=[low_id])["CancelledSpotInstanceRequests"]
facts["cancel"] = [[c["SpotInstanceRequestId"] == low_id, c["State"]] for c in cancelled]
facts["cancelled"] = spot_request(low_id)
refused("unknownRequest", ec2.describe_spot_instance_requests, SpotInstanceRequestIds=["sir-00000000"])

# 3. The interruption: the notice at once, the instance still running; terminated after two minutes of mock time.
facts["interrupt"] = control("spot/interrupt", instanceId=spot_id)
facts["noticed"] = [spot_request(request_id)["status"], instance(spot_id)["State"]["Name"]]
control("settle")
ec2.get_waiter("instance_terminated").wait(InstanceIds=[spot_id], WaiterConfig=WAIT)
gone = instance(spot_id)
facts["interrupted"] = {"state": gone["State"]["Name"], "reason": gone["StateReason"]["Code"], "request": spot_request(request_id)}

# 4. An instant fleet: 1 On-Demand and 2 Spot units from a launch template with two overrides.
template_id = ec2.create_launch_template(
    LaunchTemplateName="workers", LaunchTemplateData={"ImageId": AMI, "InstanceType": "t3.micro"}
)["LaunchTemplate"]["LaunchTemplateId"]
capacity = {"TotalTargetCapacity": 3, "OnDemandTargetCapacity": 1, "SpotTargetCapacity": 2, "DefaultTargetCapacityType": "spot"}
refused(
    "unknownTemplate",
    ec2.create_fleet,
    Type="instant",
    LaunchTemplateConfigs=[{"LaunchTemplateSpecification": {"LaunchTemplateName": "no-such-template", "Version": "$Latest"}}],
    TargetCapacitySpecification=capacity,
)
# The Spot series moves by up to 5 % an hour around each pool's level, so at some hours t3.small's
# price is below t3.micro's: both set by hand, the cheaper pool is known whatever the hour.
control("spot/price", instanceType="t3.micro", availabilityZone=ZONE, price="0.01", region=region)
control("spot/price", instanceType="t3.small", availabilityZone=ZONE, price="0.02", region=region)
fleet = ec2.create_fleet(
    Type="instant",
    LaunchTemplateConfigs=[
        {
            "LaunchTemplateSpecification": {"LaunchTemplateId": template_id, "Version": "$Latest"},
            "Overrides": [{"InstanceType": "t3.micro", "AvailabilityZone": ZONE}, {"InstanceType": "t3.small", "AvailabilityZone": ZONE}],
        }
    ],
    TargetCapacitySpecification=capacity,
    SpotOptions={"AllocationStrategy": "price-capacity-optimized"},
    TagSpecifications=[{"ResourceType": "fleet", "Tags": [{"Key": "team", "Value": "ci"}]}],
)
fleet_id = fleet["FleetId"]
facts["fleet"] = {
    "errors": fleet["Errors"],
    "instances": sorted([f["Lifecycle"], f["InstanceType"], len(f["InstanceIds"])] for f in fleet["Instances"]),
}
active = ec2.describe_fleet_instances(FleetId=fleet_id)["ActiveInstances"]
members = []
for a in active:
    i = instance(a["InstanceId"])
    members.append(
        [
            i.get("InstanceLifecycle", "on-demand"),
            a["InstanceType"],
            a.get("SpotInstanceRequestId") == i.get("SpotInstanceRequestId"),
            a["InstanceHealth"],
            {t["Key"]: t["Value"] for t in i["Tags"]}.get("aws:ec2:fleet-id") == fleet_id,
        ]
    )
facts["fleetInstances"] = sorted(members)
described = ec2.describe_fleets(FleetIds=[fleet_id])["Fleets"][0]
facts["described"] = [described["FleetState"], described["ActivityStatus"], described["FulfilledCapacity"], described["Tags"]]
refused("deleteWithoutInstances", ec2.delete_fleets, FleetIds=[fleet_id], TerminateInstances=False)
deleted = ec2.delete_fleets(FleetIds=[fleet_id], TerminateInstances=True)
facts["deleted"] = [[d["CurrentFleetState"], d["PreviousFleetState"]] for d in deleted["SuccessfulFleetDeletions"]]
ids = [a["InstanceId"] for a in active]
ec2.get_waiter("instance_terminated").wait(InstanceIds=ids, WaiterConfig=WAIT)
facts["left"] = sorted(
    [i.get("InstanceLifecycle", "on-demand"), i["State"]["Name"]] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]
)

print(json.dumps(facts))
