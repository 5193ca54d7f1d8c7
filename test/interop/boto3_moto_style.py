#!/usr/bin/env python3
"""A boto3 test suite written for moto's server mode, run unchanged against ec2-mock's server.

Usage: python3 test/interop/boto3_moto_style.py [ENDPOINT]
  ENDPOINT defaults to http://127.0.0.1:5000 (moto's own server:
  `python3 -m moto.server -p 5000`); test/moto-api.test.ts gives it the
  URL of `ec2-mock serve --timing instant` instead.

The style is moto's documented server mode: one client with an explicit
`endpoint_url` and fake credentials, and `POST /moto-api/reset` before each
"test" so that every test starts from an empty account. Each test is a
function; the script runs them in order (no pytest needed), checks what it
can with `assert`, and prints one JSON document of facts that do not
depend on which server answered (the test asserts them). Only the standard
library and boto3 are needed.
"""

import json
import sys
import urllib.request

import boto3
from botocore.exceptions import ClientError

ENDPOINT = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000"
REGION = "us-east-1"
WAIT = {"Delay": 1, "MaxAttempts": 60}

facts = {}


def reset():
    """moto's server-mode reset between tests: POST /moto-api/reset."""
    request = urllib.request.Request(f"{ENDPOINT}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request) as answer:
        return answer.status, json.loads(answer.read())


def client():
    return boto3.client(
        "ec2",
        region_name=REGION,
        endpoint_url=ENDPOINT,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def an_image(ec2):
    """An Amazon-owned x86_64 image, found as a test suite finds one (moto and ec2-mock both carry a catalogue)."""
    images = ec2.describe_images(
        Owners=["amazon"], Filters=[{"Name": "architecture", "Values": ["x86_64"]}, {"Name": "state", "Values": ["available"]}]
    )["Images"]
    assert images, "no Amazon image"
    return sorted(images, key=lambda i: i["ImageId"])[0]["ImageId"]


def instances(ec2, **params):
    return [i for r in ec2.describe_instances(**params)["Reservations"] for i in r["Instances"]]


def test_run_and_describe():
    ec2 = client()
    out = ec2.run_instances(ImageId=an_image(ec2), InstanceType="t3.micro", MinCount=2, MaxCount=2)
    ids = sorted(i["InstanceId"] for i in out["Instances"])
    ec2.get_waiter("instance_running").wait(InstanceIds=ids, WaiterConfig=WAIT)
    found = instances(ec2, InstanceIds=ids)
    facts["run"] = {
        "launched": len(ids),
        "states": sorted(i["State"]["Name"] for i in found),
        "types": sorted({i["InstanceType"] for i in found}),
    }


def test_starts_empty():
    # The instances of the test before are gone: the reset emptied the account.
    ec2 = client()
    facts["afterReset"] = {"instances": len(instances(ec2))}


def test_stop_start_terminate():
    ec2 = client()
    out = ec2.run_instances(ImageId=an_image(ec2), InstanceType="t3.micro", MinCount=1, MaxCount=1)
    instance_id = out["Instances"][0]["InstanceId"]
    ec2.get_waiter("instance_running").wait(InstanceIds=[instance_id], WaiterConfig=WAIT)
    stopping = ec2.stop_instances(InstanceIds=[instance_id])["StoppingInstances"][0]
    ec2.get_waiter("instance_stopped").wait(InstanceIds=[instance_id], WaiterConfig=WAIT)
    ec2.start_instances(InstanceIds=[instance_id])
    ec2.get_waiter("instance_running").wait(InstanceIds=[instance_id], WaiterConfig=WAIT)
    ec2.terminate_instances(InstanceIds=[instance_id])
    ec2.get_waiter("instance_terminated").wait(InstanceIds=[instance_id], WaiterConfig=WAIT)
    facts["lifecycle"] = {
        "stopFrom": stopping["PreviousState"]["Name"],
        "final": instances(ec2, InstanceIds=[instance_id])[0]["State"]["Name"],
    }


def test_network_and_keys():
    ec2 = client()
    vpc_id = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.1.1.0/24")
    group_id = ec2.create_security_group(GroupName="web", Description="web servers", VpcId=vpc_id)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group_id, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]
    )
    ec2.create_key_pair(KeyName="deployer")
    facts["network"] = {
        "vpcs": sorted(v["CidrBlock"] for v in ec2.describe_vpcs()["Vpcs"]),
        "subnetsOfVpc": len(ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]),
        "ingress": ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]["IpPermissions"][0]["FromPort"],
        "keys": [k["KeyName"] for k in ec2.describe_key_pairs()["KeyPairs"]],
    }


def test_network_reset():
    # Only the default VPC is left, and the key pair is gone.
    ec2 = client()
    facts["networkAfterReset"] = {
        "vpcs": sorted(v["CidrBlock"] for v in ec2.describe_vpcs()["Vpcs"]),
        "keys": [k["KeyName"] for k in ec2.describe_key_pairs()["KeyPairs"]],
    }


def test_errors():
    ec2 = client()
    try:
        ec2.describe_instances(InstanceIds=["i-0123456789abcdef0"])
    except ClientError as e:
        facts["notFound"] = {"code": e.response["Error"]["Code"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}
    else:
        raise AssertionError("describe_instances of an unknown id succeeded")


TESTS = [test_run_and_describe, test_starts_empty, test_stop_start_terminate, test_network_and_keys, test_network_reset, test_errors]

resets = []
for test in TESTS:
    resets.append(reset())
    test()
facts["resets"] = {"count": len(resets), "answers": sorted({json.dumps(r) for r in resets})}
print(json.dumps(facts, sort_keys=True))
