import {
  CreateFleetCommand,
  type CreateFleetCommandInput,
  CreateLaunchTemplateCommand,
  CreateTagsCommand,
  DeleteFleetsCommand,
  DescribeFleetHistoryCommand,
  DescribeFleetInstancesCommand,
  DescribeFleetsCommand,
  DescribeInstancesCommand,
  DescribeSpotInstanceRequestsCommand,
  EC2Client,
  type Instance,
  ModifyFleetCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { createEc2Mock, type Ec2MockSnapshot, LINUX_AMI_ID } from "../src/index.js";
import { doorOpener } from "./doors.js";
import { expectEc2Error, useFrozenClock } from "./helpers.js";

const NOW = new Date("2026-03-01T12:00:00.000Z");
const FLEET_ID = /^fleet-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NOT_IN_1E =
  "Your requested instance type (t3.micro) is not supported in your requested Availability Zone (us-east-1e). Please retry your request by not specifying an Availability Zone or choosing us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1f.";

/** A launch template of the Linux image and t3.micro; its id. */
async function template(client: EC2Client, name = "fleet-lt"): Promise<string> {
  const out = await client.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: name,
      LaunchTemplateData: {
        ImageId: LINUX_AMI_ID,
        InstanceType: "t3.micro",
        TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "from", Value: "template" }] }],
      },
    }),
  );
  return out.LaunchTemplate!.LaunchTemplateId!;
}

async function instances(client: EC2Client, ids: string[]): Promise<Instance[]> {
  const out = await client.send(new DescribeInstancesCommand({ InstanceIds: ids }));
  return out.Reservations!.flatMap((r) => r.Instances!);
}

function fleet(input: Partial<CreateFleetCommandInput>) {
  return new CreateFleetCommand(input as CreateFleetCommandInput);
}

/** The tags of an instance as a sorted list of `key=value`. */
function tagsOf(instance: Instance): string[] {
  return (instance.Tags ?? []).map((t) => `${t.Key}=${t.Value}`).sort();
}

describe.each(["plugin", "httpHandler", "server"])("EC2 Fleet through the %s", (door) => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();

  it("instant, lowest-price: the cheapest pool first, a type its zone does not offer an Errors entry, the instances tagged", async () => {
    const { client } = await openDoor(door);
    const lt = await template(client);
    const out = await client.send(
      fleet({
        Type: "instant",
        LaunchTemplateConfigs: [
          {
            LaunchTemplateSpecification: { LaunchTemplateId: lt, Version: "$Latest" },
            Overrides: [
              { InstanceType: "t3.large" },
              { InstanceType: "t3.micro", AvailabilityZone: "us-east-1e" },
              { InstanceType: "t3.small" },
            ],
          },
        ],
        TargetCapacitySpecification: { TotalTargetCapacity: 2, DefaultTargetCapacityType: "on-demand" },
        TagSpecifications: [
          { ResourceType: "instance", Tags: [{ Key: "app", Value: "runner" }] },
          { ResourceType: "fleet", Tags: [{ Key: "team", Value: "ci" }] },
        ],
      }),
    );
    expect(out.FleetId).toMatch(FLEET_ID);
    const spec = { LaunchTemplateId: lt, Version: "$Latest" };
    expect(out.Errors).toEqual([
      {
        LaunchTemplateAndOverrides: {
          LaunchTemplateSpecification: spec,
          Overrides: { InstanceType: "t3.micro", AvailabilityZone: "us-east-1e" },
        },
        Lifecycle: "on-demand",
        ErrorCode: "Unsupported",
        ErrorMessage: NOT_IN_1E,
      },
    ]);
    expect(out.Instances).toHaveLength(1);
    const [launched] = out.Instances!;
    expect({ ...launched, InstanceIds: launched!.InstanceIds!.length }).toEqual({
      LaunchTemplateAndOverrides: { LaunchTemplateSpecification: spec, Overrides: { InstanceType: "t3.small" } },
      Lifecycle: "on-demand",
      InstanceIds: 2,
      InstanceType: "t3.small",
    });
    const described = await instances(client, launched!.InstanceIds!);
    expect(described.map((i) => i.InstanceType)).toEqual(["t3.small", "t3.small"]);
    expect(tagsOf(described[0]!)).toEqual(
      [
        `aws:ec2:fleet-id=${out.FleetId}`,
        `aws:ec2launchtemplate:id=${lt}`,
        "aws:ec2launchtemplate:version=1",
        "app=runner",
        "from=template",
      ].sort(),
    );
    const { Fleets } = await client.send(new DescribeFleetsCommand({ FleetIds: [out.FleetId!] }));
    expect(Fleets![0]).toMatchObject({
      FleetId: out.FleetId,
      FleetState: "active",
      ActivityStatus: "fulfilled",
      Type: "instant",
      FulfilledCapacity: 2,
      FulfilledOnDemandCapacity: 2,
      TargetCapacitySpecification: {
        TotalTargetCapacity: 2,
        OnDemandTargetCapacity: 2,
        SpotTargetCapacity: 0,
        DefaultTargetCapacityType: "on-demand",
      },
      Tags: [{ Key: "team", Value: "ci" }],
      Errors: out.Errors,
      Instances: out.Instances,
    });
  });

  it("prioritized (lower first) and weighted capacity: whole instances of the pool until the units are met", async () => {
    const { client } = await openDoor(door);
    const lt = await template(client);
    const out = await client.send(
      fleet({
        Type: "instant",
        OnDemandOptions: { AllocationStrategy: "prioritized" },
        LaunchTemplateConfigs: [
          {
            LaunchTemplateSpecification: { LaunchTemplateName: "fleet-lt" },
            Overrides: [
              { InstanceType: "t3.small", Priority: 2 },
              { InstanceType: "t3.large", Priority: 1, WeightedCapacity: 2 },
            ],
          },
        ],
        TargetCapacitySpecification: { TotalTargetCapacity: 5, DefaultTargetCapacityType: "on-demand" },
      }),
    );
    expect(out.Errors).toEqual([]);
    expect(out.Instances!.map((i) => [i.InstanceType, i.InstanceIds!.length])).toEqual([["t3.large", 3]]);
    expect(out.Instances![0]!.LaunchTemplateAndOverrides).toEqual({
      LaunchTemplateSpecification: { LaunchTemplateName: "fleet-lt" },
      Overrides: { InstanceType: "t3.large", Priority: 1, WeightedCapacity: 2 },
    });
    void lt;
  });

  it("Spot capacity: the cheapest Spot pool first, a MaxPrice under the price an Errors entry, one-time requests fulfilled", async () => {
    const { ec2, client } = await openDoor(door);
    const lt = await template(client);
    // Set prices, so that the order and the refusal do not hang on the series.
    ec2.spot.setPrice({ instanceType: "t3.micro", availabilityZone: "us-east-1a", price: 0.005 });
    ec2.spot.setPrice({ instanceType: "t3.small", availabilityZone: "us-east-1b", price: 0.009 });
    const out = await client.send(
      fleet({
        Type: "instant",
        LaunchTemplateConfigs: [
          {
            LaunchTemplateSpecification: { LaunchTemplateId: lt },
            Overrides: [
              { InstanceType: "t3.small", AvailabilityZone: "us-east-1b" },
              { InstanceType: "t3.micro", AvailabilityZone: "us-east-1a", MaxPrice: "0.001" },
            ],
          },
        ],
        TargetCapacitySpecification: { TotalTargetCapacity: 2, DefaultTargetCapacityType: "spot" },
      }),
    );
    const spec = { LaunchTemplateId: lt };
    expect(out.Errors).toEqual([
      {
        LaunchTemplateAndOverrides: {
          LaunchTemplateSpecification: spec,
          Overrides: { InstanceType: "t3.micro", AvailabilityZone: "us-east-1a", MaxPrice: "0.001" },
        },
        Lifecycle: "spot",
        ErrorCode: "SpotMaxPriceTooLow",
        ErrorMessage: "Your Spot request price of 0.001 is lower than the minimum required Spot request fulfillment price of 0.005.",
      },
    ]);
    expect(out.Instances!.map((i) => [i.Lifecycle, i.InstanceType, i.InstanceIds!.length])).toEqual([["spot", "t3.small", 2]]);
    const described = await instances(client, out.Instances![0]!.InstanceIds!);
    expect(described.map((i) => [i.InstanceLifecycle, i.Placement?.AvailabilityZone])).toEqual([
      ["spot", "us-east-1b"],
      ["spot", "us-east-1b"],
    ]);
    const requestIds = described.map((i) => i.SpotInstanceRequestId!);
    for (const id of requestIds) expect(id).toMatch(/^sir-[0-9a-z]{8}$/);
    const { SpotInstanceRequests } = await client.send(new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: requestIds }));
    expect(SpotInstanceRequests!.map((r) => [r.Type, r.State, r.Status?.Code, r.InstanceId])).toEqual(
      described.map((i) => ["one-time", "active", "fulfilled", i.InstanceId]),
    );
    const { Fleets } = await client.send(new DescribeFleetsCommand({ FleetIds: [out.FleetId!] }));
    expect(Fleets![0]).toMatchObject({ FulfilledCapacity: 2, FulfilledOnDemandCapacity: 0, ActivityStatus: "fulfilled" });
  });

  it("refuses, exactly, before anything is created", async () => {
    const { client } = await openDoor(door);
    const lt = await template(client);
    const configs = [{ LaunchTemplateSpecification: { LaunchTemplateId: lt } }];
    const target = { TotalTargetCapacity: 1, DefaultTargetCapacityType: "on-demand" as const };
    const bad = (message: string, name = "InvalidParameterValue") => ({ name, message, status: 400 });
    await expectEc2Error(
      client.send(fleet({ TargetCapacitySpecification: target })),
      bad("The request must contain the parameter LaunchTemplateConfigs", "MissingParameter"),
    );
    await expectEc2Error(
      client.send(fleet({ LaunchTemplateConfigs: configs })),
      bad("The request must contain the parameter TargetCapacitySpecification", "MissingParameter"),
    );
    await expectEc2Error(
      client.send(
        fleet({
          LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateId: "lt-0123456789abcdef0" } }],
          TargetCapacitySpecification: target,
        }),
      ),
      bad("The specified launch template, with template ID lt-0123456789abcdef0, does not exist.", "InvalidLaunchTemplateId.NotFound"),
    );
    await expectEc2Error(
      client.send(
        fleet({
          LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateName: "nope" } }],
          TargetCapacitySpecification: target,
        }),
      ),
      bad("The specified launch template, with template name nope, does not exist.", "InvalidLaunchTemplateName.NotFoundException"),
    );
    await expectEc2Error(
      client.send(
        fleet({
          LaunchTemplateConfigs: configs,
          TargetCapacitySpecification: { TotalTargetCapacity: 1, OnDemandTargetCapacity: 1, SpotTargetCapacity: 1 },
        }),
      ),
      bad(
        "The sum of OnDemandTargetCapacity (1) and SpotTargetCapacity (1) cannot exceed TotalTargetCapacity (1).",
        "InvalidTargetCapacitySpecification",
      ),
    );
    await expectEc2Error(
      client.send(
        fleet({
          Type: "instant",
          ExcessCapacityTerminationPolicy: "termination",
          LaunchTemplateConfigs: configs,
          TargetCapacitySpecification: target,
        }),
      ),
      bad("ExcessCapacityTerminationPolicy is supported only for fleets of type maintain.", "InvalidParameterCombination"),
    );
    await expectEc2Error(
      client.send(fleet({ Type: "sometimes" as never, LaunchTemplateConfigs: configs, TargetCapacitySpecification: target })),
      bad("Value (sometimes) for parameter Type is invalid. Valid values are 'maintain' and 'request' and 'instant'."),
    );
    await expectEc2Error(
      client.send(
        fleet({
          SpotOptions: { AllocationStrategy: "cheapest" as never },
          LaunchTemplateConfigs: configs,
          TargetCapacitySpecification: target,
        }),
      ),
      bad(
        "Value (cheapest) for parameter SpotOptions.AllocationStrategy is invalid. Valid values are 'lowest-price' and 'diversified' and 'capacity-optimized' and 'capacity-optimized-prioritized' and 'price-capacity-optimized'.",
      ),
    );
    await expectEc2Error(
      client.send(
        fleet({
          Type: "maintain",
          LaunchTemplateConfigs: configs,
          TargetCapacitySpecification: target,
          TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "a", Value: "b" }] }],
        }),
      ),
      bad("The resource type 'instance' can be tagged at launch only for fleets of type instant. Specify the resource type 'fleet'."),
    );
    await expectEc2Error(client.send(fleet({ DryRun: true, LaunchTemplateConfigs: configs, TargetCapacitySpecification: target })), {
      name: "DryRunOperation",
      message: "Request would have succeeded, but DryRun flag is set.",
      status: 412,
    });
    expect((await client.send(new DescribeFleetsCommand({}))).Fleets).toEqual([]);
    expect((await client.send(new DescribeInstancesCommand({}))).Reservations).toEqual([]);
  });

  it("ClientToken: the same request answers the same fleet; other parameters are a mismatch", async () => {
    const { client } = await openDoor(door);
    const lt = await template(client);
    const input = {
      ClientToken: "token-1",
      Type: "instant" as const,
      LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateId: lt } }],
      TargetCapacitySpecification: { TotalTargetCapacity: 1, DefaultTargetCapacityType: "on-demand" as const },
    };
    const first = await client.send(fleet(input));
    const again = await client.send(fleet(input));
    expect(again.FleetId).toBe(first.FleetId);
    expect(again.Instances).toEqual(first.Instances);
    await expectEc2Error(
      client.send(fleet({ ...input, TargetCapacitySpecification: { TotalTargetCapacity: 2, DefaultTargetCapacityType: "on-demand" } })),
      {
        name: "IdempotentParameterMismatch",
        message: "The client token 'token-1' has already been used with different parameters.",
        status: 400,
      },
    );
  });

  it("maintain: an instance terminated by anyone is replaced at the next call; history records it; modify and delete", async () => {
    const { client, ec2 } = await openDoor(door);
    const lt = await template(client);
    const { FleetId } = await client.send(
      fleet({
        Type: "maintain",
        LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateId: lt } }],
        TargetCapacitySpecification: { TotalTargetCapacity: 2, DefaultTargetCapacityType: "on-demand" },
        TagSpecifications: [{ ResourceType: "fleet", Tags: [{ Key: "k", Value: "v" }] }],
      }),
    );
    const active = async () => (await client.send(new DescribeFleetInstancesCommand({ FleetId }))).ActiveInstances!;
    const first = await active();
    expect(first.map((i) => [i.InstanceType, i.InstanceHealth])).toEqual([
      ["t3.micro", "healthy"],
      ["t3.micro", "healthy"],
    ]);
    await client.send(new TerminateInstancesCommand({ InstanceIds: [first[0]!.InstanceId!] }));
    ec2.advance(60_000);
    const after = await active();
    expect(after).toHaveLength(2);
    expect(after[0]!.InstanceId).toBe(first[1]!.InstanceId);
    expect(after[1]!.InstanceId).not.toBe(first[0]!.InstanceId);
    const history = await client.send(new DescribeFleetHistoryCommand({ FleetId, StartTime: new Date(NOW.getTime() - 1000) }));
    expect(history.HistoryRecords!.map((r) => [r.EventType, r.EventInformation!.EventSubType, r.EventInformation!.InstanceId])).toEqual([
      ["fleetRequestChange", "submitted", undefined],
      ["fleetRequestChange", "active", undefined],
      ["instanceChange", "launched", first[0]!.InstanceId],
      ["instanceChange", "launched", first[1]!.InstanceId],
      ["instanceChange", "terminated", first[0]!.InstanceId],
      ["instanceChange", "launched", after[1]!.InstanceId],
    ]);
    const instanceOnly = await client.send(
      new DescribeFleetHistoryCommand({ FleetId, StartTime: new Date(NOW.getTime() + 30_000), EventType: "instance-change" }),
    );
    expect(instanceOnly.HistoryRecords!.map((r) => r.EventInformation!.EventSubType)).toEqual(["terminated", "launched"]);
    await expectEc2Error(client.send(new DescribeFleetHistoryCommand({ FleetId } as never)), {
      name: "MissingParameter",
      message: "The request must contain the parameter StartTime",
      status: 400,
    });

    // Up to 3, then down to 1 (termination, the default): the newest go first among equal prices.
    await client.send(new ModifyFleetCommand({ FleetId, TargetCapacitySpecification: { TotalTargetCapacity: 3 } }));
    const three = await active();
    expect(three).toHaveLength(3);
    expect((await client.send(new ModifyFleetCommand({ FleetId, TargetCapacitySpecification: { TotalTargetCapacity: 1 } }))).Return).toBe(
      true,
    );
    const one = await active();
    expect(one.map((i) => i.InstanceId)).toEqual([three[0]!.InstanceId]);
    const filtered = await client.send(
      new DescribeFleetsCommand({
        Filters: [
          { Name: "tag:k", Values: ["v"] },
          { Name: "type", Values: ["maintain"] },
        ],
      }),
    );
    expect(filtered.Fleets!.map((f) => [f.FleetId, f.FleetState, f.ActivityStatus, f.FulfilledCapacity])).toEqual([
      [FleetId, "active", "fulfilled", 1],
    ]);

    // Deleted without terminating: deleted_running, the instance keeps running and is no longer replaced.
    const deleted = await client.send(
      new DeleteFleetsCommand({ FleetIds: [FleetId!, "fleet-00000000-0000-0000-0000-000000000000"], TerminateInstances: false }),
    );
    expect(deleted.SuccessfulFleetDeletions).toEqual([{ FleetId, CurrentFleetState: "deleted_running", PreviousFleetState: "active" }]);
    expect(deleted.UnsuccessfulFleetDeletions).toEqual([
      {
        FleetId: "fleet-00000000-0000-0000-0000-000000000000",
        Error: { Code: "fleetIdDoesNotExist", Message: "The fleet ID 'fleet-00000000-0000-0000-0000-000000000000' does not exist." },
      },
    ]);
    ec2.advance(60_000);
    const [survivor] = await instances(client, [one[0]!.InstanceId!]);
    expect(survivor!.State!.Name).toBe("running");
    await expectEc2Error(client.send(new ModifyFleetCommand({ FleetId, TargetCapacitySpecification: { TotalTargetCapacity: 2 } })), {
      name: "IncorrectState",
      message: `The fleet '${FleetId}' is in the state 'deleted_running' and cannot be modified.`,
      status: 400,
    });
  });

  it("instant and request fleets cannot be modified; an instant fleet is deleted with its instances only; fleets are taggable", async () => {
    const { client } = await openDoor(door);
    const lt = await template(client);
    const base = {
      LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateId: lt } }],
      TargetCapacitySpecification: { TotalTargetCapacity: 1, DefaultTargetCapacityType: "on-demand" as const },
    };
    const instant = (await client.send(fleet({ ...base, Type: "instant" }))).FleetId!;
    const request = (await client.send(fleet({ ...base, Type: "request" }))).FleetId!;
    await expectEc2Error(
      client.send(new ModifyFleetCommand({ FleetId: instant, TargetCapacitySpecification: { TotalTargetCapacity: 2 } })),
      {
        name: "UnsupportedOperation",
        message: `The fleet '${instant}' is of type 'instant'. Only fleets of type maintain can be modified.`,
        status: 400,
      },
    );
    await expectEc2Error(
      client.send(new ModifyFleetCommand({ FleetId: request, TargetCapacitySpecification: { TotalTargetCapacity: 2 } })),
      {
        name: "UnsupportedOperation",
        message: `The fleet '${request}' is of type 'request'. Only fleets of type maintain can be modified.`,
        status: 400,
      },
    );
    await expectEc2Error(client.send(new DescribeFleetsCommand({ FleetIds: ["fleet-00000000-0000-0000-0000-000000000000"] })), {
      name: "InvalidFleetId.NotFound",
      message: "The fleet ID 'fleet-00000000-0000-0000-0000-000000000000' does not exist",
      status: 400,
    });
    await expectEc2Error(client.send(new DeleteFleetsCommand({ FleetIds: [instant], TerminateInstances: false })), {
      name: "UnsupportedOperation",
      message: "NoTerminateInstances option is not supported for instant fleet",
      status: 400,
    });
    await client.send(new CreateTagsCommand({ Resources: [request], Tags: [{ Key: "owner", Value: "me" }] }));
    const tagged = await client.send(new DescribeFleetsCommand({ Filters: [{ Name: "tag:owner", Values: ["me"] }] }));
    expect(tagged.Fleets!.map((f) => f.FleetId)).toEqual([request]);
    const ids = (await client.send(new DescribeFleetInstancesCommand({ FleetId: instant }))).ActiveInstances!.map((i) => i.InstanceId!);
    const out = await client.send(new DeleteFleetsCommand({ FleetIds: [instant], TerminateInstances: true }));
    expect(out.SuccessfulFleetDeletions).toEqual([
      { FleetId: instant, CurrentFleetState: "deleted_terminating", PreviousFleetState: "active" },
    ]);
    expect((await instances(client, ids)).map((i) => i.State!.Name)).toEqual(["shutting-down"]);
    const states = await client.send(new DescribeFleetsCommand({ Filters: [{ Name: "fleet-state", Values: ["deleted_terminating"] }] }));
    expect(states.Fleets!.map((f) => f.FleetId)).toEqual([instant]);
  });
});

describe.each(["plugin", "server"])("EC2 Fleet's timing, request fleets and IAM through the %s", (door) => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();
  const base = (lt: string) => ({
    LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateId: lt } }],
    TargetCapacitySpecification: { TotalTargetCapacity: 1, DefaultTargetCapacityType: "on-demand" as const },
  });

  it("request: launches once and does not replace; ValidFrom later is submitted until then; ValidUntil expires the fleet", async () => {
    const { client, ec2 } = await openDoor(door);
    const lt = await template(client);
    const request = (await client.send(fleet({ ...base(lt), Type: "request" }))).FleetId!;
    const [only] = (await client.send(new DescribeFleetInstancesCommand({ FleetId: request }))).ActiveInstances!;
    await client.send(new TerminateInstancesCommand({ InstanceIds: [only!.InstanceId!] }));
    expect((await client.send(new DescribeFleetInstancesCommand({ FleetId: request }))).ActiveInstances).toEqual([]);
    const described = (await client.send(new DescribeFleetsCommand({ FleetIds: [request] }))).Fleets![0]!;
    expect([described.FleetState, described.ActivityStatus, described.FulfilledCapacity]).toEqual(["active", "pending_fulfillment", 0]);

    const later = (
      await client.send(
        fleet({
          ...base(lt),
          Type: "maintain",
          ValidFrom: new Date(NOW.getTime() + 60_000),
          ValidUntil: new Date(NOW.getTime() + 120_000),
          TerminateInstancesWithExpiration: true,
        }),
      )
    ).FleetId!;
    const state = async () => (await client.send(new DescribeFleetsCommand({ FleetIds: [later] }))).Fleets![0]!.FleetState;
    expect(await state()).toBe("submitted");
    ec2.advance(60_000);
    expect(await state()).toBe("active");
    const [started] = (await client.send(new DescribeFleetInstancesCommand({ FleetId: later }))).ActiveInstances!;
    ec2.advance(60_000);
    expect(await state()).toBe("deleted");
    const [expired] = await instances(client, [started!.InstanceId!]);
    expect(expired!.State!.Name).toBe("shutting-down");
    const history = await client.send(new DescribeFleetHistoryCommand({ FleetId: later, StartTime: NOW, EventType: "fleet-change" }));
    expect(history.HistoryRecords!.map((r) => [r.EventInformation!.EventSubType, r.Timestamp!.getTime() - NOW.getTime()])).toEqual([
      ["submitted", 0],
      ["active", 60_000],
      ["expired", 120_000],
    ]);
  });

  it("ModifyFleet down with no-termination keeps the instances", async () => {
    const { client } = await openDoor(door);
    const lt = await template(client);
    const { FleetId } = await client.send(
      fleet({
        ...base(lt),
        Type: "maintain",
        TargetCapacitySpecification: { TotalTargetCapacity: 2, DefaultTargetCapacityType: "on-demand" },
      }),
    );
    await client.send(
      new ModifyFleetCommand({
        FleetId,
        ExcessCapacityTerminationPolicy: "no-termination",
        TargetCapacitySpecification: { TotalTargetCapacity: 1 },
      }),
    );
    expect((await client.send(new DescribeFleetInstancesCommand({ FleetId }))).ActiveInstances).toHaveLength(2);
    const [described] = (await client.send(new DescribeFleetsCommand({ FleetIds: [FleetId!] }))).Fleets!;
    expect([described!.ExcessCapacityTerminationPolicy, described!.TargetCapacitySpecification!.TotalTargetCapacity]).toEqual([
      "no-termination",
      1,
    ]);
  });

  it("IAM: CreateFleet needs ec2:CreateFleet; each launch needs ec2:RunInstances, its refusal an Errors entry", async () => {
    const allowFleet = {
      Effect: "Allow" as const,
      Action: ["ec2:CreateFleet", "ec2:CreateLaunchTemplate", "ec2:Describe*"],
      Resource: "*",
    };
    const { client } = await openDoor(door, { iam: { policies: [{ Version: "2012-10-17", Statement: [allowFleet] }] } });
    const lt = await template(client);
    const out = await client.send(fleet({ ...base(lt), Type: "instant" }));
    expect(out.Instances).toEqual([]);
    expect(out.Errors!.map((e) => [e.ErrorCode, e.ErrorMessage!.startsWith("You are not authorized to perform this operation.")])).toEqual([
      ["UnauthorizedOperation", true],
    ]);
    const { client: denied } = await openDoor(door, {
      iam: { policies: [{ Version: "2012-10-17", Statement: [{ ...allowFleet, Action: ["ec2:CreateLaunchTemplate"] }] }] },
    });
    const lt2 = await template(denied);
    const error = await denied
      .send(fleet({ ...base(lt2), Type: "instant" }))
      .catch((e: Error & { $metadata: { httpStatusCode: number } }) => e);
    expect([(error as Error).name, (error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode]).toEqual([
      "UnauthorizedOperation",
      403,
    ]);
  });
});

describe("EC2 Fleet in the state file", () => {
  useFrozenClock({ now: NOW });

  it("round-trips fleets of a non-default Region: the restored maintain fleet still replaces its instances", async () => {
    const source = createEc2Mock();
    const client = new EC2Client({ region: "eu-west-1" });
    client.middlewareStack.use(source);
    const lt = await template(client);
    const { FleetId } = await client.send(
      fleet({
        Type: "maintain",
        LaunchTemplateConfigs: [
          { LaunchTemplateSpecification: { LaunchTemplateId: lt }, Overrides: [{ InstanceType: "t3.small", WeightedCapacity: 2 }] },
        ],
        TargetCapacitySpecification: { TotalTargetCapacity: 2, DefaultTargetCapacityType: "on-demand" },
        TagSpecifications: [{ ResourceType: "fleet", Tags: [{ Key: "k", Value: "v" }] }],
      }),
    );
    const before = await client.send(new DescribeFleetsCommand({}));
    const snapshot = JSON.parse(JSON.stringify(source.snapshot())) as Ec2MockSnapshot;
    expect(snapshot.fleets).toBeUndefined();
    expect(snapshot.regions!.map((r) => [r.region, r.fleets!.map((f) => f.fleetId)])).toEqual([["eu-west-1", [FleetId]]]);
    const target = createEc2Mock();
    target.restore(snapshot);
    const restored = new EC2Client({ region: "eu-west-1" });
    restored.middlewareStack.use(target);
    expect(await restored.send(new DescribeFleetsCommand({}))).toEqual({ ...before, $metadata: expect.anything() });
    expect(target.snapshot()).toEqual(source.snapshot());
    const [only] = (await restored.send(new DescribeFleetInstancesCommand({ FleetId }))).ActiveInstances!;
    await restored.send(new TerminateInstancesCommand({ InstanceIds: [only!.InstanceId!] }));
    const now = (await restored.send(new DescribeFleetInstancesCommand({ FleetId }))).ActiveInstances!;
    expect(now.map((i) => i.InstanceType)).toEqual(["t3.small"]);
    expect(now[0]!.InstanceId).not.toBe(only!.InstanceId);
    client.destroy();
    restored.destroy();
  });
});
