import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { contextKeys, evaluate, type RequestContext, validatePolicy } from "../src/aws/iam/evaluate.js";
import type { PolicyDocument, PolicyStatement } from "../src/index.js";

const arn = "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0";

function request(action: string, keys: Record<string, string | string[] | undefined> = {}, resource = arn): RequestContext {
  return { action, resource, keys: contextKeys(keys) };
}

function decide(statements: PolicyStatement[], req: RequestContext) {
  return evaluate([{ Version: "2012-10-17", Statement: statements }], req);
}

/** Whether a lone Allow with this condition allows the request. */
function holds(condition: PolicyStatement["Condition"], keys: Record<string, string | string[] | undefined>): boolean {
  return decide([{ Effect: "Allow", Action: "*", Resource: "*", Condition: condition }], request("ec2:StopInstances", keys)).allowed;
}

describe("effect", () => {
  it("denies by default, allows on a matching Allow, and an explicit Deny wins", () => {
    expect(evaluate([], request("ec2:StopInstances"))).toEqual({ allowed: false, explicitDeny: false, matched: [] });
    const allow: PolicyStatement = { Effect: "Allow", Action: "ec2:StopInstances", Resource: "*" };
    expect(decide([allow], request("ec2:StopInstances")).allowed).toBe(true);
    const deny: PolicyStatement = { Sid: "no", Effect: "Deny", Action: "ec2:*", Resource: "*" };
    const both = decide([allow, deny], request("ec2:StopInstances"));
    expect(both).toMatchObject({ allowed: false, explicitDeny: true });
    expect(both.matched.map((m) => m.statement.Sid)).toEqual(["no"]);
  });
});

describe("Action and NotAction", () => {
  it("matches wildcards and ignores case", () => {
    for (const pattern of ["ec2:StopInstances", "ec2:stopinstances", "EC2:Stop*", "ec2:?topInstances", "*", "ec2:*"]) {
      expect(decide([{ Effect: "Allow", Action: pattern, Resource: "*" }], request("ec2:StopInstances")).allowed, pattern).toBe(true);
    }
    for (const pattern of ["ec2:Start*", "ec2:StopInstance", "s3:*", "ec2:?opInstances"]) {
      expect(decide([{ Effect: "Allow", Action: [pattern], Resource: "*" }], request("ec2:StopInstances")).allowed, pattern).toBe(false);
    }
  });

  it("NotAction applies to every other action", () => {
    const s: PolicyStatement = { Effect: "Allow", NotAction: ["ec2:Terminate*"], Resource: "*" };
    expect(decide([s], request("ec2:StopInstances")).allowed).toBe(true);
    expect(decide([s], request("ec2:TerminateInstances")).allowed).toBe(false);
  });
});

describe("Resource and NotResource", () => {
  it("matches ARNs with wildcards, case-sensitively", () => {
    const yes = ["*", arn, "arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef?"];
    for (const r of yes)
      expect(decide([{ Effect: "Allow", Action: "*", Resource: r }], request("ec2:StopInstances")).allowed, r).toBe(true);
    const no = ["arn:aws:ec2:us-west-2:*:instance/*", "arn:aws:ec2:*:*:volume/*", arn.toUpperCase()];
    for (const r of no)
      expect(decide([{ Effect: "Allow", Action: "*", Resource: r }], request("ec2:StopInstances")).allowed, r).toBe(false);
  });

  it("NotResource applies to every other resource", () => {
    const s: PolicyStatement = { Effect: "Deny", Action: "*", NotResource: "arn:aws:ec2:*:*:instance/*" };
    const allow: PolicyStatement = { Effect: "Allow", Action: "*", Resource: "*" };
    expect(decide([allow, s], request("ec2:StopInstances")).allowed).toBe(true);
    expect(decide([allow, s], request("ec2:StopInstances", {}, "*")).explicitDeny).toBe(true);
  });
});

describe("Condition operators", () => {
  it("String operators, with OR over values and NOR for negated ones", () => {
    const k = { "ec2:ResourceTag/env": "prod" };
    expect(holds({ StringEquals: { "ec2:ResourceTag/env": ["dev", "prod"] } }, k)).toBe(true);
    expect(holds({ StringEquals: { "ec2:ResourceTag/env": "Prod" } }, k)).toBe(false);
    expect(holds({ StringEqualsIgnoreCase: { "ec2:ResourceTag/env": "PROD" } }, k)).toBe(true);
    expect(holds({ StringNotEquals: { "ec2:ResourceTag/env": ["dev", "test"] } }, k)).toBe(true);
    expect(holds({ StringNotEquals: { "ec2:ResourceTag/env": ["dev", "prod"] } }, k)).toBe(false);
    expect(holds({ StringNotEqualsIgnoreCase: { "ec2:ResourceTag/env": "PROD" } }, k)).toBe(false);
    expect(holds({ StringLike: { "ec2:ResourceTag/env": "pr?d*" } }, k)).toBe(true);
    expect(holds({ StringNotLike: { "ec2:ResourceTag/env": "p*" } }, k)).toBe(false);
  });

  it("keys are case-insensitive, the tag key part included; values are not", () => {
    expect(holds({ StringEquals: { "EC2:RESOURCETAG/ENV": "prod" } }, { "ec2:ResourceTag/env": "prod" })).toBe(true);
    expect(holds({ StringEquals: { "ec2:resourcetag/env": "PROD" } }, { "ec2:ResourceTag/env": "prod" })).toBe(false);
  });

  it("an absent key fails a positive operator and satisfies a negated one", () => {
    expect(holds({ StringEquals: { "ec2:ResourceTag/env": "prod" } }, {})).toBe(false);
    expect(holds({ StringNotEquals: { "ec2:ResourceTag/env": "prod" } }, {})).toBe(true);
    expect(holds({ StringNotLike: { "ec2:ResourceTag/env": "p*" } }, {})).toBe(true);
    expect(holds({ NumericNotEquals: { "ec2:VolumeSize": "8" } }, {})).toBe(true);
  });

  it("...IfExists holds for an absent key and tests a present one", () => {
    expect(holds({ StringEqualsIfExists: { "ec2:InstanceType": "t3.micro" } }, {})).toBe(true);
    expect(holds({ StringEqualsIfExists: { "ec2:InstanceType": "t3.micro" } }, { "ec2:InstanceType": "t3.micro" })).toBe(true);
    expect(holds({ StringEqualsIfExists: { "ec2:InstanceType": "t3.micro" } }, { "ec2:InstanceType": "m5.large" })).toBe(false);
    expect(holds({ NumericLessThanEqualsIfExists: { "ec2:VolumeSize": 100 } }, {})).toBe(true);
    expect(
      holds({ ArnLikeIfExists: { "aws:PrincipalArn": "arn:aws:iam::*:user/*" } }, { "aws:PrincipalArn": "arn:aws:iam::1:role/x" }),
    ).toBe(false);
  });

  it("Arn operators compare component by component", () => {
    const k = { "aws:PrincipalArn": "arn:aws:iam::123456789012:user/alice" };
    expect(holds({ ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::123456789012:user/alice" } }, k)).toBe(true);
    expect(holds({ ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:user/a*" } }, k)).toBe(true);
    expect(holds({ ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/*" } }, k)).toBe(false);
    expect(holds({ ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/*" } }, k)).toBe(true);
    expect(holds({ ArnNotEquals: { "aws:PrincipalArn": "arn:aws:iam::123456789012:user/alice" } }, k)).toBe(false);
    expect(holds({ ArnLike: { "aws:PrincipalArn": "not-an-arn" } }, k)).toBe(false);
  });

  it("Bool, Numeric and Date", () => {
    expect(holds({ Bool: { "ec2:Public": "true" } }, { "ec2:Public": "true" })).toBe(true);
    expect(holds({ Bool: { "ec2:Public": false } }, { "ec2:Public": "true" })).toBe(false);
    const size = { "ec2:VolumeSize": "100" };
    expect(holds({ NumericEquals: { "ec2:VolumeSize": 100 } }, size)).toBe(true);
    expect(holds({ NumericNotEquals: { "ec2:VolumeSize": [100, 200] } }, size)).toBe(false);
    expect(holds({ NumericLessThan: { "ec2:VolumeSize": "100" } }, size)).toBe(false);
    expect(holds({ NumericLessThanEquals: { "ec2:VolumeSize": "100" } }, size)).toBe(true);
    expect(holds({ NumericGreaterThan: { "ec2:VolumeSize": "99.5" } }, size)).toBe(true);
    expect(holds({ NumericGreaterThanEquals: { "ec2:VolumeSize": "101" } }, size)).toBe(false);
    expect(holds({ NumericEquals: { "ec2:VolumeSize": "abc" } }, size)).toBe(false);
    const now = { "aws:CurrentTime": "2026-03-01T12:00:00.000Z" };
    expect(holds({ DateLessThan: { "aws:CurrentTime": "2026-03-02T00:00:00Z" } }, now)).toBe(true);
    expect(holds({ DateGreaterThan: { "aws:CurrentTime": "2026-03-02T00:00:00Z" } }, now)).toBe(false);
    expect(holds({ DateEquals: { "aws:CurrentTime": "2026-03-01T12:00:00Z" } }, now)).toBe(true);
    expect(holds({ DateNotEquals: { "aws:CurrentTime": "2026-03-01T12:00:00Z" } }, now)).toBe(false);
    expect(holds({ DateLessThanEquals: { "aws:CurrentTime": "1772366400" } }, now)).toBe(true); // epoch seconds
    expect(holds({ DateGreaterThanEquals: { "aws:CurrentTime": "1772366401" } }, now)).toBe(false);
  });

  it("ForAnyValue and ForAllValues, with IAM's answers for a missing or empty key", () => {
    const keys = { "aws:TagKeys": ["env", "team"] };
    expect(holds({ "ForAllValues:StringEquals": { "aws:TagKeys": ["env", "team", "owner"] } }, keys)).toBe(true);
    expect(holds({ "ForAllValues:StringEquals": { "aws:TagKeys": ["env"] } }, keys)).toBe(false);
    expect(holds({ "ForAnyValue:StringEquals": { "aws:TagKeys": ["env"] } }, keys)).toBe(true);
    expect(holds({ "ForAnyValue:StringEquals": { "aws:TagKeys": ["owner"] } }, keys)).toBe(false);
    expect(holds({ "ForAnyValue:StringLike": { "aws:TagKeys": ["te*"] } }, keys)).toBe(true);
    expect(holds({ "ForAllValues:StringNotEquals": { "aws:TagKeys": ["secret"] } }, keys)).toBe(true);
    expect(holds({ "ForAnyValue:StringNotEquals": { "aws:TagKeys": ["env"] } }, keys)).toBe(true);
    // Missing or empty: ForAllValues is vacuously true, ForAnyValue false.
    for (const missing of [{}, { "aws:TagKeys": [] }]) {
      expect(holds({ "ForAllValues:StringEquals": { "aws:TagKeys": ["env"] } }, missing)).toBe(true);
      expect(holds({ "ForAnyValue:StringEquals": { "aws:TagKeys": ["env"] } }, missing)).toBe(false);
    }
  });

  it("Null tests presence", () => {
    expect(holds({ Null: { "aws:RequestTag/env": "true" } }, {})).toBe(true);
    expect(holds({ Null: { "aws:RequestTag/env": "false" } }, {})).toBe(false);
    expect(holds({ Null: { "aws:RequestTag/env": false } }, { "aws:RequestTag/env": "x" })).toBe(true);
    expect(holds({ Null: { "aws:TagKeys": "true" } }, { "aws:TagKeys": [] })).toBe(true);
  });

  it("several keys and several operators are ANDed", () => {
    const keys = { "ec2:InstanceType": "t3.micro", "ec2:ResourceTag/env": "prod" };
    const condition = {
      StringEquals: { "ec2:InstanceType": "t3.micro", "ec2:ResourceTag/env": "prod" },
      StringLike: { "ec2:InstanceType": "t3.*" },
    };
    expect(holds(condition, keys)).toBe(true);
    expect(holds({ ...condition, StringLike: { "ec2:InstanceType": "m5.*" } }, keys)).toBe(false);
    expect(holds({ StringEquals: { "ec2:InstanceType": "t3.micro", "ec2:ResourceTag/env": "dev" } }, keys)).toBe(false);
  });
});

describe("validation", () => {
  it("refuses what IAM refuses", () => {
    const bad: PolicyDocument[] = [
      { Statement: { Effect: "Allow" as const, Resource: "*" } },
      { Statement: { Effect: "Allow", Action: "*", NotAction: "*", Resource: "*" } },
      { Statement: { Effect: "Allow", Action: "*" } },
      { Statement: { Effect: "Permit" as never, Action: "*", Resource: "*" } },
      { Statement: { Effect: "Allow", Action: "*", Resource: "*", Condition: { StringEqualz: { a: "b" } } } },
      { Statement: { Effect: "Allow", Action: "*", Resource: "*", Condition: { NullIfExists: { a: "true" } } } },
    ];
    for (const policy of bad) expect(() => validatePolicy(policy, "p")).toThrow(TypeError);
    expect(() => validatePolicy({ Statement: [{ Effect: "Deny", NotAction: "x", NotResource: "y" }] }, "p")).not.toThrow();
  });
});

describe("property: an explicit Deny always wins", () => {
  const actions = ["ec2:StopInstances", "ec2:StartInstances", "ec2:RunInstances", "ec2:CreateTags"];
  const patterns = fc.constantFrom("*", "ec2:*", "ec2:Stop*", "ec2:S*", "ec2:RunInstances", "ec2:createtags", "s3:*");
  const resources = fc.constantFrom("*", arn, "arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:*:*:volume/*");
  const conditions = fc.option(
    fc.record({
      op: fc.constantFrom(
        "StringEquals",
        "StringNotEquals",
        "StringLike",
        "StringEqualsIfExists",
        "ForAnyValue:StringEquals",
        "ForAllValues:StringEquals",
        "Null",
      ),
      key: fc.constantFrom("ec2:ResourceTag/env", "aws:TagKeys", "ec2:InstanceType"),
      value: fc.constantFrom("prod", "dev", "env", "t3.micro", "true", "false"),
    }),
    { nil: undefined },
  );
  const statement = fc
    .record({
      effect: fc.constantFrom<"Allow" | "Deny">("Allow", "Deny"),
      not: fc.boolean(),
      actions: fc.array(patterns, { minLength: 1, maxLength: 3 }),
      resource: resources,
      condition: conditions,
    })
    .map(
      ({ effect, not, actions: a, resource, condition }): PolicyStatement => ({
        Effect: effect,
        ...(not ? { NotAction: a } : { Action: a }),
        Resource: resource,
        ...(condition === undefined ? {} : { Condition: { [condition.op]: { [condition.key]: condition.value } } }),
      }),
    );
  const context = fc.record({
    action: fc.constantFrom(...actions),
    env: fc.option(fc.constantFrom("prod", "dev"), { nil: undefined }),
    tagKeys: fc.option(fc.subarray(["env", "team"]), { nil: undefined }),
  });

  it("adding a Deny that matches the request makes the decision an explicit deny", () => {
    fc.assert(
      fc.property(fc.array(statement, { maxLength: 8 }), context, fc.nat(), (statements, c, at) => {
        const req = request(c.action, { "ec2:ResourceTag/env": c.env, "aws:TagKeys": c.tagKeys, "ec2:InstanceType": "t3.micro" });
        const deny: PolicyStatement = { Effect: "Deny", Action: c.action.toLowerCase(), Resource: "*" };
        const withDeny = [...statements];
        withDeny.splice(at % (statements.length + 1), 0, deny);
        const decision = decide(withDeny, req);
        expect(decision.allowed).toBe(false);
        expect(decision.explicitDeny).toBe(true);
        // And without any matching Deny, a matching Allow allows.
        const allowsOnly = statements.filter((s) => s.Effect === "Allow");
        const plain = decide([...allowsOnly, { Effect: "Allow", Action: "*", Resource: "*" }], req);
        expect(plain.allowed).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
