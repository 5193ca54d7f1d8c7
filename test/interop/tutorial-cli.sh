#!/usr/bin/env bash
# The "get started with Amazon EC2" tutorial, through the AWS CLI, against
# ec2-mock's server (`npx ec2-mock serve --port 4599`, or `ec2.listen()`).
#
# Usage: bash test/interop/tutorial-cli.sh [ENDPOINT] [WORKDIR]
#   ENDPOINT defaults to http://127.0.0.1:4599; the server should run with
#   `timing: "instant"` (the CLI's waiters poll every 15 s, so with realistic
#   timing each `wait` takes 15 s). WORKDIR (default: a new temporary
#   directory) receives MyKeyPair.pem.
#
# The calls are the AWS CLI user guide's EC2 examples in order: find a zone
# and the default VPC, create a VPC and a subnet, a key pair (saved as a .pem
# and checked with ssh-keygen or openssl), a security group open to SSH from
# one CIDR, launch into the subnet, stop, start, terminate, clean up; and
# along the way the refusals a tutorial user meets, each printed as the CLI
# prints it. Every command names the endpoint: with fake keys and no
# endpoint, nothing can reach real AWS.
#
# Output: one fact a line, `name<TAB>value`; a refusal's value is
# `EXIT|stderr` (the CLI's one-line error message). test/tutorial.test.ts
# runs this script and asserts every fact.
set -euo pipefail

endpoint=${1:-http://127.0.0.1:4599}
workdir=${2:-$(mktemp -d)}
# The fake keys, `aws_mock`, `say` and `refused`.
# shellcheck source=cli-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/cli-common.sh"

# 1. Where to launch: the region's zones and its default VPC.
say zones "$(aws_mock ec2 describe-availability-zones --query 'AvailabilityZones[].ZoneName' --output text)"
say defaultVpc "$(aws_mock ec2 describe-vpcs --filters Name=is-default,Values=true --query 'Vpcs[0].[VpcId,CidrBlock]' --output text)"

# 2. A VPC of our own and a subnet in it.
created=$(aws_mock ec2 create-vpc --cidr-block 10.0.0.0/16 \
  --tag-specifications 'ResourceType=vpc,Tags=[{Key=Name,Value=tutorial-vpc}]' --query 'Vpc.[VpcId,CidrBlock]' --output text)
read -r vpc vpc_cidr <<<"$created"
say vpc "$vpc $vpc_cidr"
created=$(aws_mock ec2 create-subnet --vpc-id "$vpc" --cidr-block 10.0.1.0/24 --availability-zone us-east-1a \
  --query 'Subnet.[SubnetId,AvailabilityZone,AvailableIpAddressCount]' --output text)
read -r subnet subnet_zone subnet_free <<<"$created"
say subnet "$subnet $subnet_zone $subnet_free"

# 3. A key pair: the private key goes to a file only you can read.
pem="$workdir/MyKeyPair.pem"
aws_mock ec2 create-key-pair --key-name MyKeyPair --query 'KeyMaterial' --output text >"$pem"
chmod 400 "$pem"
say pemFirstLine "$(head -n 1 "$pem")"
say keyPair "$(aws_mock ec2 describe-key-pairs --key-names MyKeyPair --include-public-key \
  --query 'KeyPairs[0].[KeyName,KeyType,KeyFingerprint,PublicKey]' --output text)"
if command -v ssh-keygen >/dev/null; then
  say publicKeyFromPem "ssh-keygen|$(ssh-keygen -y -f "$pem")"
elif command -v openssl >/dev/null; then
  say publicKeyFromPem "openssl|$(openssl rsa -in "$pem" -check -noout 2>&1)"
fi
if command -v openssl >/dev/null; then
  # The fingerprint of a key pair EC2 created: SHA-1 of the private key in PKCS#8 DER (the EC2 User Guide's command).
  fingerprint=$(openssl pkcs8 -in "$pem" -inform PEM -outform DER -topk8 -nocrypt | openssl sha1 -c)
  say pemFingerprint "${fingerprint##*= }"
fi
refused duplicateKeyPair create-key-pair --key-name MyKeyPair

# 4. A security group that lets SSH in from one network.
group=$(aws_mock ec2 create-security-group --group-name my-sg --description "My security group" --vpc-id "$vpc" \
  --query GroupId --output text)
say group "$group"
refused duplicateGroup create-security-group --group-name my-sg --description "My security group" --vpc-id "$vpc"
say authorize "$(aws_mock ec2 authorize-security-group-ingress --group-id "$group" --protocol tcp --port 22 \
  --cidr 203.0.113.0/24 --query 'SecurityGroupRules[0].[IpProtocol,FromPort,ToPort,CidrIpv4,IsEgress]' --output text)"
refused duplicateRule authorize-security-group-ingress --group-id "$group" --protocol tcp --port 22 --cidr 203.0.113.0/24

# 5. Launch: first with a subnet, a group and a key that do not exist, then for real.
ami=ami-0a1b2c3d4e5f60718
refused unknownSubnet run-instances --image-id $ami --count 1 --instance-type t3.micro --key-name MyKeyPair \
  --security-group-ids "$group" --subnet-id subnet-0123456789abcdef0
refused unknownGroup run-instances --image-id $ami --count 1 --instance-type t3.micro --key-name MyKeyPair \
  --security-group-ids sg-0123456789abcdef0 --subnet-id "$subnet"
refused unknownKey run-instances --image-id $ami --count 1 --instance-type t3.micro --key-name NoSuchKeyPair \
  --security-group-ids "$group" --subnet-id "$subnet"
instance=$(aws_mock ec2 run-instances --image-id $ami --count 1 --instance-type t3.micro --key-name MyKeyPair \
  --security-group-ids "$group" --subnet-id "$subnet" \
  --tag-specifications 'ResourceType=instance,Tags=[{Key=Name,Value=tutorial}]' \
  --query 'Instances[0].InstanceId' --output text)
say instance "$instance"
aws_mock ec2 wait instance-running --instance-ids "$instance"
# Every instance of the region: the refused launches created nothing.
say described "$(aws_mock ec2 describe-instances --query \
  'Reservations[].Instances[].[InstanceId,State.Name,KeyName,SubnetId,VpcId,SecurityGroups[0].GroupId,SecurityGroups[0].GroupName,Tags[?Key==`Name`]|[0].Value,Placement.AvailabilityZone,PrivateIpAddress]' \
  --output text)"

# 6. What is in use cannot be deleted.
refused groupInUse delete-security-group --group-id "$group"
refused vpcWithSubnet delete-vpc --vpc-id "$vpc"

# 7. Stop, start, terminate, each waited for.
say stop "$(aws_mock ec2 stop-instances --instance-ids "$instance" \
  --query 'StoppingInstances[0].[PreviousState.Name,CurrentState.Name]' --output text)"
aws_mock ec2 wait instance-stopped --instance-ids "$instance"
say start "$(aws_mock ec2 start-instances --instance-ids "$instance" \
  --query 'StartingInstances[0].[PreviousState.Name,CurrentState.Name]' --output text)"
aws_mock ec2 wait instance-running --instance-ids "$instance"
say terminate "$(aws_mock ec2 terminate-instances --instance-ids "$instance" \
  --query 'TerminatingInstances[0].[PreviousState.Name,CurrentState.Name]' --output text)"
aws_mock ec2 wait instance-terminated --instance-ids "$instance"

# 8. Clean up (test/tutorial.test.ts then checks that nothing is left).
aws_mock ec2 delete-security-group --group-id "$group"
aws_mock ec2 delete-key-pair --key-name MyKeyPair >/dev/null
aws_mock ec2 delete-subnet --subnet-id "$subnet"
aws_mock ec2 delete-vpc --vpc-id "$vpc"
rm -f "$pem"
say cleanedUp "$vpc $subnet $group MyKeyPair"
