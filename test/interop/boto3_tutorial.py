#!/usr/bin/env python3
"""The "get started with Amazon EC2" tutorial, through boto3, against ec2-mock's server.

Usage: python3 test/interop/boto3_tutorial.py [ENDPOINT] [REGION] [WORKDIR]
  ENDPOINT defaults to http://127.0.0.1:4599, REGION to us-east-1 (every
  region is a world of its own), WORKDIR (default: a new temporary
  directory) receives MyKeyPair.pem.

The calls follow boto3's EC2 examples: find a zone and the default VPC,
create a VPC and a subnet, a key pair (saved as a .pem and parsed as an RSA
key), a security group open to SSH from one CIDR, launch into the subnet and
wait with the `instance_running` waiter, stop (`instance_stopped`), start,
terminate (`instance_terminated`), clean up; and along the way the refusals
a tutorial user meets, as `ClientError`s. Any timing works: the waiters poll
every 0.2 s, so with short durations (`timing: { launch: 300, ... }`) they
really wait.

Prints one JSON document of observed facts and exits 0; an unexpected
error exits non-zero with a traceback. test/tutorial.test.ts runs this
script and asserts every fact. Only the standard library, boto3 and
interop_common.py (next to this script: the client and `refused`) are
needed; `cryptography` (or else `ssh-keygen`/`openssl`) checks the key.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

from interop_common import mock_client, refusal_recorder

endpoint = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:4599"
region = sys.argv[2] if len(sys.argv) > 2 else "us-east-1"
workdir = sys.argv[3] if len(sys.argv) > 3 else tempfile.mkdtemp()
AMI = "ami-0a1b2c3d4e5f60718"
UNKNOWN_SUBNET = "subnet-0123456789abcdef0"
UNKNOWN_GROUP = "sg-0123456789abcdef0"
WAIT = {"Delay": 0.2, "MaxAttempts": 300}  # a minute: enough for realistic timing too

ec2 = mock_client(endpoint, region)
facts = {}
refused = refusal_recorder(facts)


def check_private_key(path):
    """Parses the .pem as an RSA private key; returns its OpenSSH public key and EC2's fingerprint of it."""
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
    except ImportError:
        serialization = None
    if serialization is not None:
        with open(path, "rb") as f:
            key = serialization.load_pem_private_key(f.read(), password=None)
        pkcs8 = key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        public = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        return {
            "tool": "cryptography",
            "rsa": isinstance(key, rsa.RSAPrivateKey),
            "bits": key.key_size,
            "publicKey": public.decode(),
            # EC2's fingerprint of a key pair it created: SHA-1 of the private key in PKCS#8 DER.
            "fingerprint": ":".join(f"{b:02x}" for b in hashlib.sha1(pkcs8).digest()),
        }
    if shutil.which("openssl"):
        text = subprocess.run(["openssl", "rsa", "-in", path, "-noout", "-text"], check=True, capture_output=True, text=True)
        der = subprocess.run(
            ["openssl", "pkcs8", "-in", path, "-inform", "PEM", "-outform", "DER", "-topk8", "-nocrypt"],
            check=True,
            capture_output=True,
        ).stdout
        public = None
        if shutil.which("ssh-keygen"):
            public = subprocess.run(["ssh-keygen", "-y", "-f", path], check=True, capture_output=True, text=True).stdout.strip()
        header = text.stdout.splitlines()[0]  # "Private-Key: (2048 bit, 2 primes)"
        return {
            "tool": "openssl",
            "rsa": True,
            "bits": int(header.split("(")[1].split(" ")[0]),
            "publicKey": public,
            "fingerprint": ":".join(f"{b:02x}" for b in hashlib.sha1(der).digest()),
        }
    raise AssertionError("neither cryptography nor openssl is available to check the key")


# 1. Where to launch: the region's zones and its default VPC.
zones = ec2.describe_availability_zones()["AvailabilityZones"]
facts["zones"] = [z["ZoneName"] for z in zones]
default_vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
facts["defaultVpc"] = [default_vpc["VpcId"], default_vpc["CidrBlock"], default_vpc["IsDefault"]]

# 2. A VPC of our own and a subnet in it.
vpc = ec2.create_vpc(
    CidrBlock="10.0.0.0/16",
    TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "tutorial-vpc"}]}],
)["Vpc"]
vpc_id = vpc["VpcId"]
facts["vpc"] = {"id": vpc_id, "cidr": vpc["CidrBlock"], "tags": vpc.get("Tags")}
subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.1.0/24", AvailabilityZone=zones[0]["ZoneName"])["Subnet"]
subnet_id = subnet["SubnetId"]
facts["subnet"] = {
    "id": subnet_id,
    "vpc": subnet["VpcId"],
    "zone": subnet["AvailabilityZone"],
    "free": subnet["AvailableIpAddressCount"],
}

# 3. A key pair: the private key goes to a file only you can read.
key_pair = ec2.create_key_pair(KeyName="MyKeyPair")
pem = os.path.join(workdir, "MyKeyPair.pem")
with open(pem, "w") as f:
    f.write(key_pair["KeyMaterial"])
os.chmod(pem, 0o400)
described_key = ec2.describe_key_pairs(KeyNames=["MyKeyPair"], IncludePublicKey=True)["KeyPairs"][0]
facts["keyPair"] = {
    "created": [key_pair["KeyName"], key_pair["KeyFingerprint"], key_pair["KeyPairId"]],
    "described": [
        described_key["KeyName"],
        described_key["KeyType"],
        described_key["KeyFingerprint"],
        described_key["KeyPairId"],
        described_key["PublicKey"],
    ],
    "pem": check_private_key(pem),
}
refused("duplicateKeyPair", ec2.create_key_pair, KeyName="MyKeyPair")

# 4. A security group that lets SSH in from one network.
group_id = ec2.create_security_group(GroupName="my-sg", Description="My security group", VpcId=vpc_id)["GroupId"]
facts["group"] = group_id
refused("duplicateGroup", ec2.create_security_group, GroupName="my-sg", Description="My security group", VpcId=vpc_id)
ssh = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "203.0.113.0/24"}]}
authorized = ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[ssh])
facts["authorize"] = [authorized["Return"], len(authorized["SecurityGroupRules"])]
refused("duplicateRule", ec2.authorize_security_group_ingress, GroupId=group_id, IpPermissions=[ssh])
group = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
facts["ingress"] = group["IpPermissions"]

# 5. Launch: first with a subnet, a group and a key that do not exist, then for real.
launch = {
    "ImageId": AMI,
    "InstanceType": "t3.micro",
    "MinCount": 1,
    "MaxCount": 1,
    "KeyName": "MyKeyPair",
    "SecurityGroupIds": [group_id],
    "SubnetId": subnet_id,
}
refused("unknownSubnet", ec2.run_instances, **{**launch, "SubnetId": UNKNOWN_SUBNET})
refused("unknownGroup", ec2.run_instances, **{**launch, "SecurityGroupIds": [UNKNOWN_GROUP]})
refused("unknownKey", ec2.run_instances, **{**launch, "KeyName": "NoSuchKeyPair"})
instance = ec2.run_instances(
    **launch,
    TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "tutorial"}]}],
)["Instances"][0]
instance_id = instance["InstanceId"]
facts["launched"] = {"id": instance_id, "state": instance["State"]["Name"]}
ec2.get_waiter("instance_running").wait(InstanceIds=[instance_id], WaiterConfig=WAIT)
# Every instance of the region: the refused launches created nothing.
everything = [i for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]]
facts["described"] = [
    {
        "id": i["InstanceId"],
        "state": i["State"]["Name"],
        "keyName": i["KeyName"],
        "subnet": i["SubnetId"],
        "vpc": i["VpcId"],
        "groups": i["SecurityGroups"],
        "zone": i["Placement"]["AvailabilityZone"],
        "privateIp": i["PrivateIpAddress"],
        "tags": i["Tags"],
    }
    for i in everything
]

# 6. What is in use cannot be deleted.
refused("groupInUse", ec2.delete_security_group, GroupId=group_id)
refused("vpcWithSubnet", ec2.delete_vpc, VpcId=vpc_id)


# 7. Stop, start, terminate, each waited for.
def transition(answer, key):
    change = answer[key][0]
    return [change["PreviousState"]["Name"], change["CurrentState"]["Name"]]


def state():
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["State"]["Name"]


facts["stop"] = transition(ec2.stop_instances(InstanceIds=[instance_id]), "StoppingInstances")
ec2.get_waiter("instance_stopped").wait(InstanceIds=[instance_id], WaiterConfig=WAIT)
facts["stopped"] = state()
facts["start"] = transition(ec2.start_instances(InstanceIds=[instance_id]), "StartingInstances")
ec2.get_waiter("instance_running").wait(InstanceIds=[instance_id], WaiterConfig=WAIT)
facts["restarted"] = state()
facts["terminate"] = transition(ec2.terminate_instances(InstanceIds=[instance_id]), "TerminatingInstances")
ec2.get_waiter("instance_terminated").wait(InstanceIds=[instance_id], WaiterConfig=WAIT)
facts["terminated"] = state()

# 8. Clean up, then check nothing is left.
ec2.delete_security_group(GroupId=group_id)
ec2.delete_key_pair(KeyName="MyKeyPair")
ec2.delete_subnet(SubnetId=subnet_id)
ec2.delete_vpc(VpcId=vpc_id)
os.remove(pem)
facts["left"] = {
    "keyPairs": ec2.describe_key_pairs()["KeyPairs"],
    "vpcs": [[v["VpcId"], v["IsDefault"]] for v in ec2.describe_vpcs()["Vpcs"]],
    "subnets": ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"],
    "groups": ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"],
}
refused("deletedSubnet", ec2.describe_subnets, SubnetIds=[subnet_id])
refused("deletedKeyPair", ec2.describe_key_pairs, KeyNames=["MyKeyPair"])

print(json.dumps(facts))
