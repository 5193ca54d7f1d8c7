/**
 * The tag index as a data structure (src/aws/ec2/model/tag-index.ts): what it files
 * and forgets, and which candidates each tag filter gets from it. That the
 * region keeps it current, and that queries answer exactly as a scan, is
 * the property test's job (tag-index.property.test.ts).
 */
import { describe, expect, it } from "vitest";
import { TagIndex, tagCandidates } from "../src/aws/ec2/model/tag-index.js";

const tags = (pairs: Record<string, string>) => new Map(Object.entries(pairs));

function fixture() {
  const index = new TagIndex<string>();
  index.add("a", tags({ Team: "alpha", Env: "prod" }));
  index.add("b", tags({ Team: "beta", Env: "prod" }));
  index.add("c", tags({ Team: "", Owner: "alpha" }));
  return index;
}

const members = (groups: Set<string>[] | undefined) =>
  groups === undefined ? undefined : [...new Set(groups.flatMap((g) => [...g]))].sort();

describe("TagIndex", () => {
  it("finds resources by key and literal or wildcard values, any value when none is given", () => {
    const index = fixture();
    expect(members(index.groupsFor({ name: "tag:Team", values: ["alpha"] }))).toEqual(["a"]);
    expect(members(index.groupsFor({ name: "tag:Team", values: ["alpha", "beta", "alpha"] }))).toEqual(["a", "b"]);
    expect(members(index.groupsFor({ name: "tag:Team", values: [""] }))).toEqual(["c"]);
    expect(members(index.groupsFor({ name: "tag:Team", values: ["*a"] }))).toEqual(["a", "b"]);
    expect(members(index.groupsFor({ name: "tag:Team", values: [] }))).toEqual(["a", "b", "c"]);
    expect(members(index.groupsFor({ name: "tag:Nope", values: ["x"] }))).toEqual([]);
    expect(members(index.groupsFor({ name: "tag-key", values: ["Owner", "E*"] }))).toEqual(["a", "b", "c"]);
    expect(members(index.groupsFor({ name: "tag-value", values: ["alpha"] }))).toEqual(["a", "c"]);
    expect(index.groupsFor({ name: "instance-state-name", values: ["running"] })).toBeUndefined();
  });

  it("forgets a resource under the tags it was filed with, and drops empty groups", () => {
    const index = fixture();
    index.remove("a", tags({ Team: "alpha", Env: "prod" }));
    expect(members(index.groupsFor({ name: "tag:Team", values: ["alpha"] }))).toEqual([]);
    expect(index.groupsFor({ name: "tag:Team", values: ["*"] })).toHaveLength(2); // beta and "": alpha's group is gone
    index.remove("c", tags({ Team: "", Owner: "alpha" }));
    expect(index.groupsFor({ name: "tag-key", values: ["Owner"] })).toEqual([]);
    index.clear();
    expect(index.groupsFor({ name: "tag-key", values: [] })).toEqual([]);
  });

  it("gives the narrowest tag filter's candidates, or none when a scan is cheaper", () => {
    const index = fixture();
    const filters = [
      { name: "tag:Env", values: ["prod"] },
      { name: "tag:Team", values: ["beta"] },
      { name: "instance-state-name", values: ["running"] },
    ];
    expect([...tagCandidates(index, filters, 10)!]).toEqual(["b"]);
    expect(tagCandidates(index, [{ name: "tag:Env", values: ["prod"] }], 1)).toBeUndefined();
    expect(tagCandidates(index, [{ name: "instance-id", values: ["i-1"] }], 10)).toBeUndefined();
    // An overlap between tag-key groups is one candidate, once.
    expect([...tagCandidates(index, [{ name: "tag-key", values: ["Team", "Owner"] }], 10)!].sort()).toEqual(["a", "b", "c"]);
  });
});
