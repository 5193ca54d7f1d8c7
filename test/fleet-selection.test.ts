/**
 * EC2 Fleet, finished (issue 18): attribute-based instance type selection
 * (`InstanceRequirements` in an override), the Spot allocation strategies
 * (`diversified`, `capacity-optimized`, `capacity-optimized-prioritized`,
 * `price-capacity-optimized`), DescribeFleetInstances'
 * `SpotInstanceRequestId`, and ModifyFleet's `LaunchTemplateConfigs`,
 * through the plugin, the httpHandler and the server with a real EC2Client.
 * docs/behaviour.md, "EC2 Fleet", gives every source and decision.
 */
import {
  CreateFleetCommand,
  type CreateFleetCommandInput,
  CreateLaunchTemplateCommand,
  DeleteFleetsCommand,
  DescribeFleetInstancesCommand,
  DescribeFleetsCommand,
  DescribeInstancesCommand,
  DescribeSpotInstanceRequestsCommand,
  EC2Client,
  GetInstanceTypesFromInstanceRequirementsCommand,
  type Instance,
  ModifyFleetCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { createEc2Mock, type Ec2MockSnapshot, LINUX_AMI_ID } from "../src/index.js";
import { doorOpener } from "./doors.js";
import { expectEc2Error, useFrozenClock } from "./helpers.js";

const NOW = new Date("2026-03-01T12:00:00.000Z");

/** A launch template of the Linux image (x86_64), with `InstanceType` when given; its id. */
async function template(client: EC2Client, name: string, instanceType?: string): Promise<string> {
  const out = await client.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: name,
      LaunchTemplateData: { ImageId: LINUX_AMI_ID, ...(instanceType === undefined ? {} : { InstanceType: instanceType as never }) },
    }),
  );
  return out.LaunchTemplate!.LaunchTemplateId!;
}

function fleet(input: Partial<CreateFleetCommandInput>) {
  return new CreateFleetCommand(input as CreateFleetCommandInput);
}

async function instances(client: EC2Client, ids: string[]): Promise<Instance[]> {
  const out = await client.send(new DescribeInstancesCommand({ InstanceIds: ids }));
  return out.Reservations!.flatMap((r) => r.Instances!);
}

/** 2 vCPUs and 4 GiB, AMD, no local storage: c5a.large, c6a.large, c7a.large, c8a.large in the catalogue. */
const AMD_2X4 = {
  VCpuCount: { Min: 2, Max: 2 },
  MemoryMiB: { Min: 4096, Max: 4096 },
  CpuManufacturers: ["amd" as const],
  LocalStorage: "excluded" as const,
};

describe.each(["plugin", "httpHandler", "server"])("EC2 Fleet's selection through the %s", (door) => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();

  it("InstanceRequirements: the types that meet them, cheapest first, shown with the type chosen; DescribeFleets keeps them", async () => {
    const { client } = await openDoor(door);
    const lt = await template(client, "abs");
    const out = await client.send(
      fleet({
        Type: "instant",
        LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateId: lt }, Overrides: [{ InstanceRequirements: AMD_2X4 }] }],
        TargetCapacitySpecification: { TotalTargetCapacity: 2, DefaultTargetCapacityType: "on-demand" },
      }),
    );
    expect(out.Errors).toEqual([]);
    expect(out.Instances!.map((i) => [i.Lifecycle, i.InstanceType, i.InstanceIds!.length, i.LaunchTemplateAndOverrides])).toEqual([
      [
        "on-demand",
        "c5a.large",
        2,
        { LaunchTemplateSpecification: { LaunchTemplateId: lt }, Overrides: { InstanceRequirements: AMD_2X4, InstanceType: "c5a.large" } },
      ],
    ]);
    const described = await instances(client, out.Instances![0]!.InstanceIds!);
    expect(described.map((i) => [i.InstanceType, i.Architecture])).toEqual([
      ["c5a.large", "x86_64"],
      ["c5a.large", "x86_64"],
    ]);
    const [shown] = (await client.send(new DescribeFleetsCommand({ FleetIds: [out.FleetId!] }))).Fleets!;
    expect(shown!.LaunchTemplateConfigs).toEqual([
      { LaunchTemplateSpecification: { LaunchTemplateId: lt }, Overrides: [{ InstanceRequirements: AMD_2X4 }] },
    ]);
  });

  it("InstanceRequirements' price protection: 20 % over the cheapest On-Demand type by default, none at 999999", async () => {
    const { client, ec2 } = await openDoor(door);
    const lt = await template(client, "protected");
    // c5a.large (2 vCPUs, 4 GiB) is the cheapest; m5a.large (8 GiB) and c5a.xlarge (4 vCPUs) cost more than 20 % over it.
    const requirements = {
      VCpuCount: { Min: 2, Max: 4 },
      MemoryMiB: { Min: 4096, Max: 8192 },
      AllowedInstanceTypes: ["c5a.*", "m5a.large"],
    };
    ec2.capacity.withdraw({ instanceType: "c5a.large", availabilityZone: "us-east-1a" });
    const create = (percentage?: number) =>
      client.send(
        fleet({
          Type: "instant",
          LaunchTemplateConfigs: [
            {
              LaunchTemplateSpecification: { LaunchTemplateId: lt },
              Overrides: [
                {
                  AvailabilityZone: "us-east-1a",
                  InstanceRequirements: {
                    ...requirements,
                    ...(percentage === undefined ? {} : { OnDemandMaxPricePercentageOverLowestPrice: percentage }),
                  },
                },
              ],
            },
          ],
          TargetCapacitySpecification: { TotalTargetCapacity: 1, DefaultTargetCapacityType: "on-demand" },
        }),
      );
    const guarded = await create();
    expect(guarded.Instances).toEqual([]);
    expect(guarded.Errors!.map((e) => [e.LaunchTemplateAndOverrides!.Overrides!.InstanceType, e.ErrorCode])).toEqual([
      ["c5a.large", "InsufficientInstanceCapacity"],
    ]);
    const open = await create(999999);
    expect(open.Errors!.map((e) => [e.LaunchTemplateAndOverrides!.Overrides!.InstanceType, e.ErrorCode])).toEqual([
      ["c5a.large", "InsufficientInstanceCapacity"],
    ]);
    // The next cheapest: m5a.large (0.0964 an hour in the mock's reference) before c5a.xlarge (0.1464).
    expect(open.Instances!.map((i) => [i.InstanceType, i.InstanceIds!.length])).toEqual([["m5a.large", 1]]);
  });

  it("InstanceRequirements refused exactly, nothing created", async () => {
    const { client } = await openDoor(door);
    const lt = await template(client, "refusals");
    const create = (override: Record<string, unknown>) =>
      client.send(
        fleet({
          Type: "instant",
          LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateId: lt }, Overrides: [override as never] }],
          TargetCapacitySpecification: { TotalTargetCapacity: 1, DefaultTargetCapacityType: "on-demand" },
        }),
      );
    await expectEc2Error(create({ InstanceType: "t3.micro", InstanceRequirements: AMD_2X4 }), {
      name: "InvalidParameterCombination",
      message: "The parameter InstanceType cannot be used with the parameter InstanceRequirements",
      status: 400,
    });
    await expectEc2Error(create({ InstanceRequirements: { MemoryMiB: { Min: 1024 } } }), {
      name: "MissingParameter",
      message: "The request must contain the parameter Overrides.InstanceRequirements.VCpuCount",
      status: 400,
    });
    await expectEc2Error(create({ InstanceRequirements: { VCpuCount: { Max: 2 }, MemoryMiB: { Min: 1024 } } }), {
      name: "MissingParameter",
      message: "The request must contain the parameter Overrides.InstanceRequirements.VCpuCount.Min",
      status: 400,
    });
    await expectEc2Error(create({ InstanceRequirements: { VCpuCount: { Min: 4, Max: 2 }, MemoryMiB: { Min: 1024 } } }), {
      name: "InvalidParameterValue",
      message: "The minimum (4) of Overrides.InstanceRequirements.VCpuCount cannot be greater than its maximum (2).",
      status: 400,
    });
    await expectEc2Error(create({ InstanceRequirements: { ...AMD_2X4, BareMetal: "sometimes" } }), {
      name: "InvalidParameterValue",
      message:
        "Value (sometimes) for parameter Overrides.InstanceRequirements.BareMetal is invalid. Valid values are 'included' and 'required' and 'excluded'.",
      status: 400,
    });
    await expectEc2Error(
      create({ InstanceRequirements: { ...AMD_2X4, AllowedInstanceTypes: ["c5a.*"], ExcludedInstanceTypes: ["c6a.*"] } }),
      {
        name: "InvalidParameterCombination",
        message: "The parameter AllowedInstanceTypes cannot be used with the parameter ExcludedInstanceTypes",
        status: 400,
      },
    );
    await expectEc2Error(create({ InstanceRequirements: { ...AMD_2X4, MemoryGiBPerVCpu: { Min: 2 } } }), {
      name: "UnsupportedOperation",
      message: "ec2-mock does not model the parameter 'Overrides.InstanceRequirements.MemoryGiBPerVCpu' of CreateFleet.",
      status: 400,
    });
    await expectEc2Error(create({ InstanceRequirements: { VCpuCount: { Min: 3, Max: 3 }, MemoryMiB: { Min: 0 } } }), {
      name: "InvalidFleetConfig",
      message: "No instance type offered in the Region meets the Overrides.InstanceRequirements of the request.",
      status: 400,
    });
    expect((await client.send(new DescribeFleetsCommand({}))).Fleets).toEqual([]);
    expect((await client.send(new DescribeInstancesCommand({}))).Reservations).toEqual([]);
  });

  it("Spot strategies: diversified deals across the pools; capacity strategies skip a withdrawn pool, lowest-price meets it", async () => {
    const { client, ec2 } = await openDoor(door);
    const lt = await template(client, "spot");
    const prices = { "t3.micro": 0.004, "t3.small": 0.006, "t3.medium": 0.012 } as const;
    for (const [instanceType, price] of Object.entries(prices)) {
      ec2.spot.setPrice({ instanceType, availabilityZone: "us-east-1a", price });
    }
    // Request order: medium, small, micro (priorities: small first, then micro, then medium).
    const overrides = [
      { InstanceType: "t3.medium" as const, AvailabilityZone: "us-east-1a", Priority: 3 },
      { InstanceType: "t3.small" as const, AvailabilityZone: "us-east-1a", Priority: 1 },
      { InstanceType: "t3.micro" as const, AvailabilityZone: "us-east-1a", Priority: 2 },
    ];
    const create = (strategy: string, units: number) =>
      client.send(
        fleet({
          Type: "instant",
          SpotOptions: { AllocationStrategy: strategy as never },
          LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateId: lt }, Overrides: overrides }],
          TargetCapacitySpecification: { TotalTargetCapacity: units, DefaultTargetCapacityType: "spot" },
        }),
      );
    const launched = (out: { Instances?: { InstanceType?: string; InstanceIds?: string[] }[] }) =>
      out.Instances!.map((i) => [i.InstanceType, i.InstanceIds!.length]);
    const failed = (out: { Errors?: { LaunchTemplateAndOverrides?: { Overrides?: { InstanceType?: string } }; ErrorCode?: string }[] }) =>
      out.Errors!.map((e) => [e.LaunchTemplateAndOverrides!.Overrides!.InstanceType, e.ErrorCode]);

    // diversified: 4 instances dealt cheapest first: micro, small, medium, micro.
    const diversified = await create("diversified", 4);
    expect(launched(diversified)).toEqual([
      ["t3.micro", 2],
      ["t3.small", 1],
      ["t3.medium", 1],
    ]);
    // Capacity everywhere: each strategy's own order.
    expect(launched(await create("lowest-price", 2))).toEqual([["t3.micro", 2]]);
    expect(launched(await create("capacity-optimized", 2))).toEqual([["t3.medium", 2]]);
    expect(launched(await create("capacity-optimized-prioritized", 2))).toEqual([["t3.small", 2]]);
    expect(launched(await create("price-capacity-optimized", 2))).toEqual([["t3.micro", 2]]);

    ec2.capacity.withdraw({ instanceType: "t3.micro", availabilityZone: "us-east-1a" });
    const lowest = await create("lowest-price", 2);
    expect(failed(lowest)).toEqual([["t3.micro", "InsufficientInstanceCapacity"]]);
    expect(launched(lowest)).toEqual([["t3.small", 2]]);
    const priceCapacity = await create("price-capacity-optimized", 2);
    expect(failed(priceCapacity)).toEqual([]);
    expect(launched(priceCapacity)).toEqual([["t3.small", 2]]);
    // diversified leaves a refused pool out of the deal and deals its share again.
    const dealtAgain = await create("diversified", 4);
    expect(failed(dealtAgain)).toEqual([["t3.micro", "InsufficientInstanceCapacity"]]);
    expect(launched(dealtAgain)).toEqual([
      ["t3.small", 2],
      ["t3.medium", 2],
    ]);
  });

  it("ModifyFleet moving capacity from On-Demand to Spot: the On-Demand members above their target end, Spot ones launch", async () => {
    const { client } = await openDoor(door);
    const lt = await template(client, "markets", "t3.micro");
    const { FleetId } = await client.send(
      fleet({
        Type: "maintain",
        LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateId: lt } }],
        TargetCapacitySpecification: { TotalTargetCapacity: 2, DefaultTargetCapacityType: "on-demand" },
      }),
    );
    const markets = async () => {
      const active = (await client.send(new DescribeFleetInstancesCommand({ FleetId }))).ActiveInstances!;
      return active.map((a) => (a.SpotInstanceRequestId === undefined ? "on-demand" : "spot"));
    };
    expect(await markets()).toEqual(["on-demand", "on-demand"]);
    await client.send(
      new ModifyFleetCommand({ FleetId, TargetCapacitySpecification: { TotalTargetCapacity: 2, DefaultTargetCapacityType: "spot" } }),
    );
    expect(await markets()).toEqual(["spot", "spot"]);
    const [shown] = (await client.send(new DescribeFleetsCommand({ FleetIds: [FleetId!] }))).Fleets!;
    expect([shown!.FulfilledCapacity, shown!.FulfilledOnDemandCapacity, shown!.ActivityStatus]).toEqual([2, 0, "fulfilled"]);
  });

  it("lowest-price with InstancePoolsToUseCount: spread across that many cheapest pools, the next one replacing a refused pool", async () => {
    const { client, ec2 } = await openDoor(door);
    const lt = await template(client, "pools");
    const prices = { "t3.micro": 0.004, "t3.small": 0.006, "t3.medium": 0.012 } as const;
    for (const [instanceType, price] of Object.entries(prices)) {
      ec2.spot.setPrice({ instanceType, availabilityZone: "us-east-1a", price });
    }
    const create = (spotOptions: Record<string, unknown>) =>
      client.send(
        fleet({
          Type: "instant",
          SpotOptions: spotOptions as never,
          LaunchTemplateConfigs: [
            {
              LaunchTemplateSpecification: { LaunchTemplateId: lt },
              Overrides: (["t3.medium", "t3.small", "t3.micro"] as const).map((InstanceType) => ({
                InstanceType,
                AvailabilityZone: "us-east-1a",
              })),
            },
          ],
          TargetCapacitySpecification: { TotalTargetCapacity: 4, DefaultTargetCapacityType: "spot" },
        }),
      );
    const two = await create({ AllocationStrategy: "lowest-price", InstancePoolsToUseCount: 2 });
    expect(two.Instances!.map((i) => [i.InstanceType, i.InstanceIds!.length])).toEqual([
      ["t3.micro", 2],
      ["t3.small", 2],
    ]);
    const [shown] = (await client.send(new DescribeFleetsCommand({ FleetIds: [two.FleetId!] }))).Fleets!;
    expect(shown!.SpotOptions).toEqual({ AllocationStrategy: "lowest-price", InstancePoolsToUseCount: 2 });
    ec2.capacity.withdraw({ instanceType: "t3.micro", availabilityZone: "us-east-1a" });
    const replaced = await create({ InstancePoolsToUseCount: 2 });
    expect(replaced.Errors!.map((e) => [e.LaunchTemplateAndOverrides!.Overrides!.InstanceType, e.ErrorCode])).toEqual([
      ["t3.micro", "InsufficientInstanceCapacity"],
    ]);
    expect(replaced.Instances!.map((i) => [i.InstanceType, i.InstanceIds!.length])).toEqual([
      ["t3.small", 2],
      ["t3.medium", 2],
    ]);
    await expectEc2Error(create({ AllocationStrategy: "diversified", InstancePoolsToUseCount: 2 }), {
      name: "InvalidParameterCombination",
      message: "InstancePoolsToUseCount is supported only when the Spot AllocationStrategy is lowest-price.",
      status: 400,
    });
  });

  it("DescribeFleetInstances: a Spot member shows its Spot Instance request, an On-Demand one none; deleting the fleet closes it", async () => {
    const { client } = await openDoor(door);
    const lt = await template(client, "mixed", "t3.micro");
    const { FleetId } = await client.send(
      fleet({
        Type: "maintain",
        LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateId: lt } }],
        TargetCapacitySpecification: { TotalTargetCapacity: 2, OnDemandTargetCapacity: 1, SpotTargetCapacity: 1 },
      }),
    );
    const active = (await client.send(new DescribeFleetInstancesCommand({ FleetId }))).ActiveInstances!;
    const described = await instances(
      client,
      active.map((a) => a.InstanceId!),
    );
    const byId = new Map(described.map((i) => [i.InstanceId, i]));
    expect(active.map((a) => [byId.get(a.InstanceId)!.InstanceLifecycle ?? "on-demand", a.SpotInstanceRequestId])).toEqual([
      ["spot", byId.get(active[0]!.InstanceId)!.SpotInstanceRequestId],
      ["on-demand", undefined],
    ]);
    expect(active[0]!.SpotInstanceRequestId).toMatch(/^sir-[0-9a-z]{8}$/);
    // Deleted with its instances: the Spot member's one-time request is closed as TerminateInstances closes it.
    await client.send(new DeleteFleetsCommand({ FleetIds: [FleetId!], TerminateInstances: true }));
    const { SpotInstanceRequests } = await client.send(
      new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [active[0]!.SpotInstanceRequestId!] }),
    );
    expect(SpotInstanceRequests!.map((r) => [r.State, r.Status?.Code])).toEqual([["closed", "instance-terminated-by-user"]]);
  });

  it("ModifyFleet LaunchTemplateConfigs: later launches use the new configs, running instances stay; refused ones change nothing", async () => {
    const { client, ec2 } = await openDoor(door);
    const lt = await template(client, "modify", "t3.micro");
    const { FleetId } = await client.send(
      fleet({
        Type: "maintain",
        LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateId: lt } }],
        TargetCapacitySpecification: { TotalTargetCapacity: 1, DefaultTargetCapacityType: "on-demand" },
      }),
    );
    const active = async () => (await client.send(new DescribeFleetInstancesCommand({ FleetId }))).ActiveInstances!;
    const [first] = await active();
    const newConfigs = [
      { LaunchTemplateSpecification: { LaunchTemplateId: lt, Version: "1" }, Overrides: [{ InstanceType: "t3.small" as const }] },
    ];
    await expectEc2Error(
      client.send(
        new ModifyFleetCommand({
          FleetId,
          LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateId: "lt-0123456789abcdef0" } }],
        }),
      ),
      {
        name: "InvalidLaunchTemplateId.NotFound",
        message: "The specified launch template, with template ID lt-0123456789abcdef0, does not exist.",
        status: 400,
      },
    );
    expect(
      (await client.send(new ModifyFleetCommand({ FleetId, LaunchTemplateConfigs: newConfigs, DryRun: true })).catch((e) => e)).name,
    ).toBe("DryRunOperation");
    expect((await client.send(new DescribeFleetsCommand({ FleetIds: [FleetId!] }))).Fleets![0]!.LaunchTemplateConfigs).toEqual([
      { LaunchTemplateSpecification: { LaunchTemplateId: lt } },
    ]);
    expect(
      (
        await client.send(
          new ModifyFleetCommand({ FleetId, LaunchTemplateConfigs: newConfigs, TargetCapacitySpecification: { TotalTargetCapacity: 2 } }),
        )
      ).Return,
    ).toBe(true);
    expect((await active()).map((a) => [a.InstanceId === first!.InstanceId, a.InstanceType])).toEqual([
      [true, "t3.micro"],
      [false, "t3.small"],
    ]);
    expect((await client.send(new DescribeFleetsCommand({ FleetIds: [FleetId!] }))).Fleets![0]!.LaunchTemplateConfigs).toEqual(newConfigs);
    // The replacement of the t3.micro is of the new configs.
    await client.send(new TerminateInstancesCommand({ InstanceIds: [first!.InstanceId!] }));
    ec2.advance(60_000);
    expect((await active()).map((a) => a.InstanceType)).toEqual(["t3.small", "t3.small"]);
  });

  it("ModifyFleet down: diversified terminates across the pools; a capacity strategy the withdrawn pool first", async () => {
    const { client, ec2 } = await openDoor(door);
    const lt = await template(client, "shrink");
    ec2.spot.setPrice({ instanceType: "t3.micro", availabilityZone: "us-east-1a", price: 0.004 });
    ec2.spot.setPrice({ instanceType: "t3.small", availabilityZone: "us-east-1a", price: 0.006 });
    const maintain = async (strategy: string, units: number) =>
      (
        await client.send(
          fleet({
            Type: "maintain",
            SpotOptions: { AllocationStrategy: strategy as never },
            LaunchTemplateConfigs: [
              {
                LaunchTemplateSpecification: { LaunchTemplateId: lt },
                Overrides: [
                  { InstanceType: "t3.micro", AvailabilityZone: "us-east-1a" },
                  { InstanceType: "t3.small", AvailabilityZone: "us-east-1a" },
                ],
              },
            ],
            TargetCapacitySpecification: { TotalTargetCapacity: units, DefaultTargetCapacityType: "spot" },
          }),
        )
      ).FleetId!;
    const types = async (FleetId: string) =>
      (await client.send(new DescribeFleetInstancesCommand({ FleetId }))).ActiveInstances!.map((a) => a.InstanceType).sort();
    const resize = (FleetId: string, units: number) =>
      client.send(
        new ModifyFleetCommand({ FleetId, TargetCapacitySpecification: { TotalTargetCapacity: units, DefaultTargetCapacityType: "spot" } }),
      );

    const diversified = await maintain("diversified", 4);
    expect(await types(diversified)).toEqual(["t3.micro", "t3.micro", "t3.small", "t3.small"]);
    await resize(diversified, 2);
    // One of each pool stays (lowest-price's rule alone would have ended both t3.small).
    expect(await types(diversified)).toEqual(["t3.micro", "t3.small"]);

    const optimized = await maintain("capacity-optimized", 2);
    expect(await types(optimized)).toEqual(["t3.micro", "t3.micro"]);
    ec2.capacity.withdraw({ instanceType: "t3.micro", availabilityZone: "us-east-1a" });
    await resize(optimized, 4);
    expect(await types(optimized)).toEqual(["t3.micro", "t3.micro", "t3.small", "t3.small"]);
    await resize(optimized, 2);
    // The withdrawn pool's instances go first, though t3.small costs more.
    expect(await types(optimized)).toEqual(["t3.small", "t3.small"]);
  });

  it("GetInstanceTypesFromInstanceRequirements: the Region's types of those architectures that meet them, in name order, paged", async () => {
    const { client } = await openDoor(door);
    const ask = (input: Record<string, unknown>) =>
      client.send(
        new GetInstanceTypesFromInstanceRequirementsCommand({
          ArchitectureTypes: ["x86_64"],
          VirtualizationTypes: ["hvm"],
          InstanceRequirements: AMD_2X4,
          ...input,
        } as never),
      );
    const all = await ask({});
    expect(all.InstanceTypes).toEqual(["c5a.large", "c6a.large", "c7a.large", "c8a.large"].map((InstanceType) => ({ InstanceType })));
    expect(all.NextToken).toBeUndefined();
    const first = await ask({ MaxResults: 3 });
    expect(first.InstanceTypes!.map((t) => t.InstanceType)).toEqual(["c5a.large", "c6a.large", "c7a.large"]);
    const second = await ask({ MaxResults: 3, NextToken: first.NextToken });
    expect([second.InstanceTypes!.map((t) => t.InstanceType), second.NextToken]).toEqual([["c8a.large"], undefined]);
    // arm64 with the same requirements, AMD aside: Graviton types only.
    const arm = await ask({
      ArchitectureTypes: ["arm64"],
      InstanceRequirements: { VCpuCount: { Min: 2, Max: 2 }, MemoryMiB: { Min: 4096, Max: 4096 }, AllowedInstanceTypes: ["c6g*"] },
    });
    expect(arm.InstanceTypes).toEqual([{ InstanceType: "c6g.large" }, { InstanceType: "c6gd.large" }, { InstanceType: "c6gn.large" }]);
    // The other attributes, each read from the catalogue's record of the type.
    const names = async (InstanceRequirements: Record<string, unknown>) =>
      (await ask({ InstanceRequirements })).InstanceTypes!.map((t) => t.InstanceType);
    const twoByFour = { VCpuCount: { Min: 2, Max: 2 }, MemoryMiB: { Min: 4096, Max: 4096 } };
    expect(await names({ VCpuCount: { Min: 2, Max: 2 }, MemoryMiB: { Min: 1024, Max: 2048 }, BurstablePerformance: "required" })).toEqual([
      "t3.micro",
      "t3.small",
      "t3a.micro",
      "t3a.small",
    ]);
    expect(await names({ ...twoByFour, LocalStorage: "required", LocalStorageTypes: ["ssd"] })).toEqual([
      "c5ad.large",
      "c5d.large",
      "c6id.large",
      "c8id.large",
    ]);
    expect(await names({ ...twoByFour, LocalStorage: "required", LocalStorageTypes: ["hdd"] })).toEqual([]);
    expect(
      await names({
        VCpuCount: { Min: 4, Max: 4 },
        MemoryMiB: { Min: 16384, Max: 16384 },
        AcceleratorTypes: ["gpu"],
        AcceleratorManufacturers: ["nvidia"],
        AcceleratorNames: ["t4"],
        AcceleratorCount: { Min: 1, Max: 1 },
      }),
    ).toEqual(["g4dn.xlarge"]);
    expect(
      await names({
        VCpuCount: { Min: 4, Max: 4 },
        MemoryMiB: { Min: 16384, Max: 16384 },
        AcceleratorManufacturers: ["nvidia"],
        AcceleratorTotalMemoryMiB: { Min: 16384, Max: 16384 },
      }),
    ).toEqual(["g4dn.xlarge"]);
    const c8 = await names({ ...twoByFour, AllowedInstanceTypes: ["c8*"] });
    expect(c8).toContain("c8a.large");
    expect(c8.every((name) => String(name).startsWith("c8"))).toBe(true);
    expect(await names({ ...twoByFour, ExcludedInstanceTypes: ["c5*", "c6*", "c7*"], InstanceGenerations: ["current"] })).toEqual(c8);
    await expectEc2Error(ask({ ArchitectureTypes: ["sparc"] }), {
      name: "InvalidParameterValue",
      message:
        "Value (sparc) for parameter ArchitectureTypes is invalid. Valid values are 'i386' and 'x86_64' and 'arm64' and 'x86_64_mac' and 'arm64_mac'.",
      status: 400,
    });
    await expectEc2Error(ask({ InstanceRequirements: { ...AMD_2X4, OnDemandMaxPricePercentageOverLowestPrice: 10 } }), {
      name: "UnsupportedOperation",
      message:
        "ec2-mock does not model the parameter 'InstanceRequirements.OnDemandMaxPricePercentageOverLowestPrice' of GetInstanceTypesFromInstanceRequirements.",
      status: 400,
    });
    await expectEc2Error(ask({ InstanceRequirements: undefined }), {
      name: "MissingParameter",
      message: "The request must contain the parameter InstanceRequirements",
      status: 400,
    });
    await expectEc2Error(ask({ DryRun: true }), {
      name: "DryRunOperation",
      message: "Request would have succeeded, but DryRun flag is set.",
      status: 412,
    });
  });
});

describe("EC2 Fleet's selection in the state file", () => {
  useFrozenClock({ now: NOW });

  it("round-trips an instant fleet of InstanceRequirements with an Errors entry naming the type, in a non-default Region", async () => {
    const source = createEc2Mock();
    const client = new EC2Client({ region: "eu-west-1" });
    client.middlewareStack.use(source);
    const lt = await template(client, "abs-state");
    source.capacity.withdraw({ instanceType: "c5a.large", availabilityZone: "eu-west-1a", region: "eu-west-1" });
    const input = {
      Type: "instant" as const,
      ClientToken: "abs-state-1",
      LaunchTemplateConfigs: [
        {
          LaunchTemplateSpecification: { LaunchTemplateId: lt },
          Overrides: [{ AvailabilityZone: "eu-west-1a", InstanceRequirements: { ...AMD_2X4, AllowedInstanceTypes: ["c5a.*", "c6a.*"] } }],
        },
      ],
      TargetCapacitySpecification: { TotalTargetCapacity: 1, DefaultTargetCapacityType: "on-demand" as const },
    };
    const created = await client.send(fleet(input));
    expect(created.Errors!.map((e) => [e.LaunchTemplateAndOverrides!.Overrides!.InstanceType, e.ErrorCode])).toEqual([
      ["c5a.large", "InsufficientInstanceCapacity"],
    ]);
    expect(created.Instances!.map((i) => i.InstanceType)).toEqual(["c6a.large"]);
    const snapshot = JSON.parse(JSON.stringify(source.snapshot())) as Ec2MockSnapshot;
    const target = createEc2Mock();
    target.restore(snapshot);
    expect(target.snapshot()).toEqual(source.snapshot());
    const restored = new EC2Client({ region: "eu-west-1" });
    restored.middlewareStack.use(target);
    // The same token and request answer the same fleet, its Errors and Instances as before.
    const again = await restored.send(fleet(input));
    expect({ ...again, $metadata: undefined }).toEqual({ ...created, $metadata: undefined });
    client.destroy();
    restored.destroy();
  });
});
