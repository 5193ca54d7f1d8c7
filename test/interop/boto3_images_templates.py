#!/usr/bin/env python3
"""Images, instance types and launch templates, through boto3, against ec2-mock's server.

Usage: python3 test/interop/boto3_images_templates.py [ENDPOINT] [REGION]
  ENDPOINT defaults to http://127.0.0.1:4599, REGION to us-east-1.

What a launcher does before it launches anything, as boto3's EC2 examples
do it:
  1. the latest Amazon Linux 2023 arm64 image, by name: DescribeImages with
     Owners=amazon and a name filter with a wildcard, sorted by CreationDate;
  2. the cheapest arm64 type with 2 vCPUs: DescribeInstanceTypes filtered by
     processor-info.supported-architecture=arm64 and
     vcpu-info.default-vcpus=2, read page by page; "cheapest" is the least
     memory, then the name (EC2's API has no prices);
  3. the zones that offer it: DescribeInstanceTypeOfferings by zone;
  4. a launch template with that image, that type and tags; a launch from it
     (RunInstances with LaunchTemplate only, no ImageId), waited for with
     the `instance_running` waiter; the aws:ec2launchtemplate:* tags;
  5. an image baked from the instance (CreateImage), waited for with the
     `image_available` waiter, a template version with it, made the
     default, and a launch from it;
  6. the cleanup (terminate, deregister, delete the template), checked.
Along the way, the refusals a user meets there, as `ClientError`s: an
unknown template, a zone that does not offer the type, an arm64 type with an
x86_64 image, a duplicate image name, a deregistered image.

A baked image is `pending` for minutes of mock time (a minute plus five
seconds per GiB): rather than wait, the script moves the mock's clock with
its control endpoint `POST /_mock/settle`, as a test against the mock would.

Prints one JSON document of observed facts and exits 0; an unexpected error
exits non-zero with a traceback. test/images-templates-scenario.test.ts
runs this script and asserts every fact. Only the standard library, boto3
and interop_common.py (next to this script: the client and `refused`) are
needed.
"""

import json
import sys
import urllib.request

from interop_common import mock_client, refusal_recorder

endpoint = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:4599"
region = sys.argv[2] if len(sys.argv) > 2 else "us-east-1"
TEMPLATE = "al2023-arm64"
BAKED = "web-al2023-arm64-v1"
WAIT = {"Delay": 0.2, "MaxAttempts": 300}  # a minute

ec2 = mock_client(endpoint, region)
facts = {}
refused = refusal_recorder(facts)


def latest_image(pattern):
    """The newest available image of Amazon whose name matches `pattern`, and how many matched."""
    images = ec2.describe_images(
        Owners=["amazon"],
        Filters=[{"Name": "name", "Values": [pattern]}, {"Name": "state", "Values": ["available"]}],
    )["Images"]
    return sorted(images, key=lambda image: image["CreationDate"])[-1], len(images)


def instance(instance_id):
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]


def launched(instance_id):
    i = instance(instance_id)
    return {
        "id": i["InstanceId"],
        "state": i["State"]["Name"],
        "type": i["InstanceType"],
        "image": i["ImageId"],
        "architecture": i["Architecture"],
        "zone": i["Placement"]["AvailabilityZone"],
        "tags": sorted(i.get("Tags", []), key=lambda t: t["Key"]),
    }


# 1. The latest Amazon Linux 2023 image for arm64 (kernel 6.1), and its x86_64 twin for a refusal below.
image, matched = latest_image("al2023-ami-2023.*-kernel-6.1-arm64")
facts["image"] = {
    "id": image["ImageId"],
    "name": image["Name"],
    "architecture": image["Architecture"],
    "ownerAlias": image["ImageOwnerAlias"],
    "matched": matched,
}
x86_image, _ = latest_image("al2023-ami-2023.*-kernel-6.1-x86_64")
facts["x86Image"] = [x86_image["ImageId"], x86_image["Architecture"]]

# 2. The cheapest arm64 type with 2 vCPUs: every page of DescribeInstanceTypes, least memory first, then by name.
pages = ec2.get_paginator("describe_instance_types").paginate(
    Filters=[
        {"Name": "processor-info.supported-architecture", "Values": ["arm64"]},
        {"Name": "vcpu-info.default-vcpus", "Values": ["2"]},
    ],
    PaginationConfig={"PageSize": 10},
)
page_sizes = []
types = []
for page in pages:
    page_sizes.append(len(page["InstanceTypes"]))
    types.extend(page["InstanceTypes"])
types.sort(key=lambda t: (t["MemoryInfo"]["SizeInMiB"], t["InstanceType"]))
cheapest = types[0]
instance_type = cheapest["InstanceType"]
facts["types"] = {
    "pages": page_sizes,
    "allArm64With2Vcpus": all(
        "arm64" in t["ProcessorInfo"]["SupportedArchitectures"] and t["VCpuInfo"]["DefaultVCpus"] == 2 for t in types
    ),
    "firstThree": [[t["InstanceType"], t["MemoryInfo"]["SizeInMiB"]] for t in types[:3]],
    "cheapest": [instance_type, cheapest["VCpuInfo"]["DefaultVCpus"], cheapest["MemoryInfo"]["SizeInMiB"]],
}

# 3. Which of the region's zones offer it.
zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
offered = [
    o["Location"]
    for o in ec2.describe_instance_type_offerings(
        LocationType="availability-zone", Filters=[{"Name": "instance-type", "Values": [instance_type]}]
    )["InstanceTypeOfferings"]
]
not_offered = [z for z in zones if z not in offered]
facts["offerings"] = {"zones": zones, "offered": offered, "notOffered": not_offered}

# 4. A launch template with the image, the type and tags; a launch from it alone.
template = ec2.create_launch_template(
    LaunchTemplateName=TEMPLATE,
    VersionDescription="latest AL2023, cheapest arm64",
    LaunchTemplateData={
        "ImageId": image["ImageId"],
        "InstanceType": instance_type,
        "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web"}]}],
    },
    TagSpecifications=[{"ResourceType": "launch-template", "Tags": [{"Key": "team", "Value": "platform"}]}],
)["LaunchTemplate"]
template_id = template["LaunchTemplateId"]
facts["template"] = {
    "id": template_id,
    "name": template["LaunchTemplateName"],
    "versions": [template["DefaultVersionNumber"], template["LatestVersionNumber"]],
    "tags": template["Tags"],
}
refused(
    "duplicateTemplate",
    ec2.create_launch_template,
    LaunchTemplateName=TEMPLATE,
    LaunchTemplateData={"InstanceType": instance_type},
)
one = {"MinCount": 1, "MaxCount": 1}
refused("unknownTemplateName", ec2.run_instances, LaunchTemplate={"LaunchTemplateName": "no-such-template"}, **one)
refused("unknownTemplateId", ec2.run_instances, LaunchTemplate={"LaunchTemplateId": "lt-0123456789abcdef0"}, **one)
refused("unknownVersion", ec2.run_instances, LaunchTemplate={"LaunchTemplateId": template_id, "Version": "7"}, **one)
by_template = {"LaunchTemplate": {"LaunchTemplateId": template_id}, **one}
refused("zoneNotOffering", ec2.run_instances, Placement={"AvailabilityZone": not_offered[0]}, **by_template)
refused("x86ImageOnArm64Type", ec2.run_instances, ImageId=x86_image["ImageId"], **by_template)

first = ec2.run_instances(LaunchTemplate={"LaunchTemplateName": TEMPLATE, "Version": "$Default"}, **one)["Instances"][0]
first_id = first["InstanceId"]
facts["firstLaunch"] = [first["State"]["Name"], first["ImageId"], first["InstanceType"]]
ec2.get_waiter("instance_running").wait(InstanceIds=[first_id], WaiterConfig=WAIT)
facts["first"] = launched(first_id)
# The refused launches made nothing: the region has this one instance.
facts["instanceCount"] = sum(len(r["Instances"]) for r in ec2.describe_instances()["Reservations"])

# 5. Bake an image of it, wait until it is available, launch from it through a new template version.
baked_id = ec2.create_image(
    InstanceId=first_id,
    Name=BAKED,
    Description="web on AL2023 arm64",
    TagSpecifications=[{"ResourceType": "image", "Tags": [{"Key": "role", "Value": "web"}]}],
)["ImageId"]
refused("duplicateImageName", ec2.create_image, InstanceId=first_id, Name=BAKED)
pending = ec2.describe_images(ImageIds=[baked_id])["Images"][0]
facts["bakedPending"] = [pending["State"], pending["Name"], pending["Architecture"], pending["OwnerId"]]
refused("pendingImage", ec2.run_instances, ImageId=baked_id, InstanceType=instance_type, **one)
# The mock's clock: finish every transition in flight (the reboot CreateImage made, the image).
with urllib.request.urlopen(urllib.request.Request(f"{endpoint}/_mock/settle", method="POST")) as answer:
    facts["settled"] = json.load(answer)
ec2.get_waiter("image_available").wait(ImageIds=[baked_id], WaiterConfig=WAIT)
baked = ec2.describe_images(Owners=["self"])["Images"]
facts["baked"] = [
    {
        "id": b["ImageId"],
        "state": b["State"],
        "name": b["Name"],
        "architecture": b["Architecture"],
        "rootDeviceType": b["RootDeviceType"],
        "snapshots": len([m for m in b["BlockDeviceMappings"] if "Ebs" in m and m["Ebs"]["SnapshotId"].startswith("snap-")]),
        "tags": b.get("Tags", []),
    }
    for b in baked
]

version = ec2.create_launch_template_version(
    LaunchTemplateId=template_id,
    SourceVersion="1",
    VersionDescription="baked",
    LaunchTemplateData={"ImageId": baked_id},
)["LaunchTemplateVersion"]
facts["version"] = [version["VersionNumber"], version["LaunchTemplateData"]["ImageId"], version["LaunchTemplateData"]["InstanceType"]]
modified = ec2.modify_launch_template(LaunchTemplateId=template_id, DefaultVersion="2")["LaunchTemplate"]
facts["defaultVersion"] = modified["DefaultVersionNumber"]
second_id = ec2.run_instances(LaunchTemplate={"LaunchTemplateName": TEMPLATE}, **one)["Instances"][0]["InstanceId"]
ec2.get_waiter("instance_running").wait(InstanceIds=[second_id], WaiterConfig=WAIT)
facts["second"] = launched(second_id)

# 6. Clean up: terminate both, deregister the image, delete the template; then check.
terminated = ec2.terminate_instances(InstanceIds=[first_id, second_id])["TerminatingInstances"]
facts["terminate"] = sorted([t["InstanceId"], t["CurrentState"]["Name"]] for t in terminated)
ec2.get_waiter("instance_terminated").wait(InstanceIds=[first_id, second_id], WaiterConfig=WAIT)
facts["deregister"] = ec2.deregister_image(ImageId=baked_id)["ResponseMetadata"]["HTTPStatusCode"]
deleted = ec2.delete_launch_template(LaunchTemplateId=template_id)["LaunchTemplate"]
facts["deleteTemplate"] = [deleted["LaunchTemplateId"], deleted["LaunchTemplateName"]]
facts["left"] = {
    "instances": sorted(
        [i["InstanceId"], i["State"]["Name"]] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]
    ),
    "ownImages": [[b["ImageId"], b["State"]] for b in ec2.describe_images(Owners=["self"])["Images"]],
    "templates": ec2.describe_launch_templates()["LaunchTemplates"],
}
refused("deregisteredImage", ec2.run_instances, ImageId=baked_id, InstanceType=instance_type, **one)
refused("deletedTemplate", ec2.describe_launch_templates, LaunchTemplateNames=[TEMPLATE])
refused("launchDeletedTemplate", ec2.run_instances, LaunchTemplate={"LaunchTemplateId": template_id}, **one)

print(json.dumps(facts))
