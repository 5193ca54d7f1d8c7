#!/usr/bin/env python3
"""Drives the ec2-mock HTTP server with boto3, the way a Python user would.

Usage: /usr/bin/python3 test/interop/boto3_scenario.py http://127.0.0.1:PORT

The server must run with timing "instant" (transitions arrive at the instant
of the call that starts them), so every waiter succeeds on its first or second
poll. Only the standard library and boto3/botocore are used.

Prints one JSON document of observed facts on stdout and exits 0; any failed
check raises (AssertionError or an unexpected botocore error), which exits
non-zero with a traceback on stderr. The checks do not rely on `assert`
alone being enabled: `check()` raises even under `python3 -O`.
"""

import json
import sys

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

LINUX_AMI_ID = "ami-0a1b2c3d4e5f60718"
UNKNOWN_ID = "i-0123456789abcdef0"
FAST = {"Delay": 1, "MaxAttempts": 10}


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_error(call, code, status, message=None):
    """Runs `call`, which must fail with the given EC2 error code and HTTP status."""
    try:
        call()
    except ClientError as e:
        error = e.response["Error"]
        got_status = e.response["ResponseMetadata"]["HTTPStatusCode"]
        check(error["Code"] == code, f"expected error code {code}, got {error['Code']!r}: {error.get('Message')!r}")
        check(got_status == status, f"{code}: expected HTTP {status}, got {got_status}")
        if message is not None:
            check(error["Message"] == message, f"{code}: expected message {message!r}, got {error['Message']!r}")
        check(e.response["ResponseMetadata"].get("RequestId"), f"{code}: no request id in the error response")
        return {"code": error["Code"], "message": error["Message"], "status": got_status}
    raise AssertionError(f"expected {code}, but the call succeeded")


def instances_of(ec2, ids):
    out = ec2.describe_instances(InstanceIds=ids)
    found = [i for r in out["Reservations"] for i in r["Instances"]]
    check(sorted(i["InstanceId"] for i in found) == sorted(ids), f"describe_instances returned {found!r} for {ids!r}")
    return {i["InstanceId"]: i for i in found}


def states(ec2, ids):
    return {iid: (i["State"]["Name"], i["State"]["Code"]) for iid, i in instances_of(ec2, ids).items()}


def tags_of(instance):
    return {t["Key"]: t["Value"] for t in instance.get("Tags", [])}


def main(endpoint):
    facts = {"boto3": boto3.__version__, "botocore": botocore.__version__}
    ec2 = boto3.client(
        "ec2",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )

    # --- RunInstances: two Linux instances, tagged at launch.
    run = ec2.run_instances(
        ImageId=LINUX_AMI_ID,
        MinCount=2,
        MaxCount=2,
        InstanceType="t3.micro",
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "interop"}, {"Key": "Team", "Value": "qa"}]}],
    )
    check(run["ResponseMetadata"]["HTTPStatusCode"] == 200, "run_instances: HTTP status")
    ids = [i["InstanceId"] for i in run["Instances"]]
    check(len(ids) == 2 and len(set(ids)) == 2, f"run_instances: two distinct ids, got {ids!r}")
    check(run["ReservationId"].startswith("r-"), f"run_instances: reservation id {run['ReservationId']!r}")
    check(all(i["ImageId"] == LINUX_AMI_ID for i in run["Instances"]), "run_instances: image id")
    check(all(i["InstanceType"] == "t3.micro" for i in run["Instances"]), "run_instances: instance type")
    check(sorted(i["AmiLaunchIndex"] for i in run["Instances"]) == [0, 1], "run_instances: launch indexes")
    facts["run"] = {
        "count": len(ids),
        "states": [[i["State"]["Name"], i["State"]["Code"]] for i in run["Instances"]],
        "tags": tags_of(run["Instances"][0]),
        "launchTimeIsDatetime": all(hasattr(i["LaunchTime"], "isoformat") for i in run["Instances"]),
    }
    check(facts["run"]["states"] == [["pending", 0], ["pending", 0]], f"run_instances: states {facts['run']['states']!r}")
    check(facts["run"]["tags"] == {"Name": "interop", "Team": "qa"}, f"run_instances: tags {facts['run']['tags']!r}")

    # --- Waiters and DescribeInstances.
    ec2.get_waiter("instance_running").wait(InstanceIds=ids, WaiterConfig=FAST)
    described = instances_of(ec2, ids)
    facts["described"] = {
        "states": sorted({(i["State"]["Name"], i["State"]["Code"]) for i in described.values()}),
        "tags": tags_of(described[ids[0]]),
        "privateIps": all(i.get("PrivateIpAddress") for i in described.values()),
    }
    check(facts["described"]["states"] == [("running", 16)], f"describe_instances: states {facts['described']['states']!r}")
    check(facts["described"]["tags"] == {"Name": "interop", "Team": "qa"}, "describe_instances: tags")
    ec2.get_waiter("instance_status_ok").wait(InstanceIds=ids, WaiterConfig=FAST)
    status = ec2.describe_instance_status(InstanceIds=ids)["InstanceStatuses"]
    facts["statusOk"] = sorted({(s["InstanceStatus"]["Status"], s["SystemStatus"]["Status"]) for s in status})
    check(facts["statusOk"] == [("ok", "ok")], f"describe_instance_status: {facts['statusOk']!r}")

    # --- Errors: an unknown id, and DryRun.
    facts["notFound"] = expect_error(
        lambda: ec2.stop_instances(InstanceIds=[UNKNOWN_ID]),
        "InvalidInstanceID.NotFound",
        400,
        f"The instance ID '{UNKNOWN_ID}' does not exist",
    )
    facts["dryRun"] = expect_error(
        lambda: ec2.stop_instances(InstanceIds=ids, DryRun=True),
        "DryRunOperation",
        412,
        "Request would have succeeded, but DryRun flag is set.",
    )
    check(set(states(ec2, ids).values()) == {("running", 16)}, "DryRun changed the instances' state")

    # --- Stop / start.
    stop = ec2.stop_instances(InstanceIds=ids)["StoppingInstances"]
    facts["stop"] = sorted({(s["PreviousState"]["Name"], s["CurrentState"]["Name"], s["CurrentState"]["Code"]) for s in stop})
    check(facts["stop"] == [("running", "stopping", 64)], f"stop_instances: {facts['stop']!r}")
    ec2.get_waiter("instance_stopped").wait(InstanceIds=ids, WaiterConfig=FAST)
    check(set(states(ec2, ids).values()) == {("stopped", 80)}, "instance_stopped waiter returned before stopped")

    # --- Attributes, while stopped (the instance type can change only then).
    attr = ec2.describe_instance_attribute(InstanceId=ids[0], Attribute="instanceType")
    before = attr["InstanceType"]["Value"]
    ec2.modify_instance_attribute(InstanceId=ids[0], InstanceType={"Value": "t3.large"})
    after = ec2.describe_instance_attribute(InstanceId=ids[0], Attribute="instanceType")["InstanceType"]["Value"]
    ec2.modify_instance_attribute(InstanceId=ids[0], DisableApiTermination={"Value": True})
    protection = ec2.describe_instance_attribute(InstanceId=ids[0], Attribute="disableApiTermination")
    facts["attributes"] = {
        "instanceTypeBefore": before,
        "instanceTypeAfter": after,
        "describedType": instances_of(ec2, [ids[0]])[ids[0]]["InstanceType"],
        "disableApiTermination": protection["DisableApiTermination"]["Value"],
    }
    facts["terminationProtected"] = expect_error(
        lambda: ec2.terminate_instances(InstanceIds=[ids[0]]),
        "OperationNotPermitted",
        400,
        f"The instance '{ids[0]}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.",
    )
    ec2.modify_instance_attribute(InstanceId=ids[0], DisableApiTermination={"Value": False})
    check(facts["attributes"]["instanceTypeBefore"] == "t3.micro", f"attributes: {facts['attributes']!r}")
    check(facts["attributes"]["instanceTypeAfter"] == "t3.large", f"attributes: {facts['attributes']!r}")
    check(facts["attributes"]["describedType"] == "t3.large", f"attributes: {facts['attributes']!r}")
    check(facts["attributes"]["disableApiTermination"] is True, f"attributes: {facts['attributes']!r}")

    start = ec2.start_instances(InstanceIds=[ids[0]])["StartingInstances"]
    facts["start"] = [[s["PreviousState"]["Name"], s["CurrentState"]["Name"], s["CurrentState"]["Code"]] for s in start]
    check(facts["start"] == [["stopped", "pending", 0]], f"start_instances: {facts['start']!r}")
    ec2.get_waiter("instance_running").wait(InstanceIds=[ids[0]], WaiterConfig=FAST)

    # --- Filters: one running, one stopped.
    def by_state(name):
        out = ec2.describe_instances(Filters=[{"Name": "instance-state-name", "Values": [name]}, {"Name": "tag:Name", "Values": ["interop"]}])
        return sorted(i["InstanceId"] for r in out["Reservations"] for i in r["Instances"])

    facts["filter"] = {"running": len(by_state("running")), "stopped": len(by_state("stopped"))}
    check(by_state("running") == [ids[0]], f"filter running: {by_state('running')!r}")
    check(by_state("stopped") == [ids[1]], f"filter stopped: {by_state('stopped')!r}")

    # --- DescribeInstanceStatus: running only, unless IncludeAllInstances.
    default = ec2.describe_instance_status(InstanceIds=ids)["InstanceStatuses"]
    everything = ec2.describe_instance_status(InstanceIds=ids, IncludeAllInstances=True)["InstanceStatuses"]
    facts["instanceStatus"] = {
        "default": sorted(s["InstanceState"]["Name"] for s in default),
        "includeAll": sorted(s["InstanceState"]["Name"] for s in everything),
    }
    check(facts["instanceStatus"] == {"default": ["running"], "includeAll": ["running", "stopped"]}, f"describe_instance_status: {facts['instanceStatus']!r}")

    # --- Tags.
    ec2.create_tags(Resources=ids, Tags=[{"Key": "Env", "Value": "test"}, {"Key": "Owner", "Value": "boto3"}])
    tagged = instances_of(ec2, ids)
    ec2.delete_tags(Resources=ids, Tags=[{"Key": "Owner"}, {"Key": "Team", "Value": "not-qa"}])
    untagged = instances_of(ec2, ids)
    facts["tags"] = {"afterCreate": tags_of(tagged[ids[1]]), "afterDelete": tags_of(untagged[ids[1]])}
    check(facts["tags"]["afterCreate"] == {"Name": "interop", "Team": "qa", "Env": "test", "Owner": "boto3"}, f"create_tags: {facts['tags']!r}")
    # Deleting with a value removes the tag only when the value matches: Team=qa stays.
    check(facts["tags"]["afterDelete"] == {"Name": "interop", "Team": "qa", "Env": "test"}, f"delete_tags: {facts['tags']!r}")
    by_tag = ec2.describe_instances(Filters=[{"Name": "tag:Env", "Values": ["test"]}])
    check(sum(len(r["Instances"]) for r in by_tag["Reservations"]) == 2, "filter tag:Env")

    # --- Pagination: 12 instances, pages of 5.
    batch = ec2.run_instances(
        ImageId=LINUX_AMI_ID,
        MinCount=10,
        MaxCount=10,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Batch", "Value": "paging"}]}],
    )
    paged_ids = [i["InstanceId"] for i in batch["Instances"]]
    ec2.create_tags(Resources=ids, Tags=[{"Key": "Batch", "Value": "paging"}])
    pages = list(
        ec2.get_paginator("describe_instances").paginate(
            Filters=[{"Name": "tag:Batch", "Values": ["paging"]}], PaginationConfig={"PageSize": 5}
        )
    )
    sizes = [sum(len(r["Instances"]) for r in page["Reservations"]) for page in pages]
    seen = [i["InstanceId"] for page in pages for r in page["Reservations"] for i in r["Instances"]]
    facts["pagination"] = {
        "pageSizes": sizes,
        "distinct": len(set(seen)),
        "tokens": [bool(page.get("NextToken")) for page in pages],
    }
    check(sizes == [5, 5, 2], f"pagination: page sizes {sizes!r}")
    check(sorted(seen) == sorted(ids + paged_ids), "pagination: every instance exactly once")
    check(facts["pagination"]["tokens"] == [True, True, False], f"pagination: tokens {facts['pagination']['tokens']!r}")
    facts["badMaxResults"] = expect_error(
        lambda: ec2.describe_instances(MaxResults=3),
        "InvalidParameterValue",
        400,
        "Value ( 3 ) for parameter maxResults is invalid. Expecting a value greater than 5.",
    )

    # --- Terminate everything.
    every = ids + paged_ids
    term = ec2.terminate_instances(InstanceIds=every)["TerminatingInstances"]
    facts["terminate"] = sorted({(t["PreviousState"]["Name"], t["CurrentState"]["Name"], t["CurrentState"]["Code"]) for t in term})
    check(
        facts["terminate"] == [("running", "shutting-down", 32), ("stopped", "shutting-down", 32)],
        f"terminate_instances: {facts['terminate']!r}",
    )
    ec2.get_waiter("instance_terminated").wait(InstanceIds=every, WaiterConfig=FAST)
    check(set(states(ec2, every).values()) == {("terminated", 48)}, "instance_terminated waiter returned before terminated")
    facts["terminated"] = len(every)

    # A waiter that can never succeed fails fast on its failure acceptor.
    try:
        ec2.get_waiter("instance_running").wait(InstanceIds=[ids[0]], WaiterConfig=FAST)
    except botocore.exceptions.WaiterError as e:
        facts["runningWaiterOnTerminated"] = e.last_response["Reservations"][0]["Instances"][0]["State"]["Name"]
    else:
        raise AssertionError("instance_running waiter succeeded on a terminated instance")
    check(facts["runningWaiterOnTerminated"] == "terminated", "instance_running waiter failure")

    json.dump(facts, sys.stdout, indent=2, sort_keys=True, default=str)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        sys.exit(2)
    main(sys.argv[1])
