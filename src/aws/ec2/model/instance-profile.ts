import { createHash } from "node:crypto";
import type { IamInstanceProfileSpecification } from "@aws-sdk/client-ec2";
import { errors } from "../errors.js";
import { refuseNested } from "./launch-options.js";

/** An IAM instance profile as an instance shows it (`IamInstanceProfile`: `Arn`, `Id`). */
export interface InstanceProfileRef {
  /** `arn:aws:iam::<account>:instance-profile/<path><name>`. */
  readonly arn: string;
  /** `AIPA` and 17 characters, the same for the same ARN (stable per profile). */
  readonly id: string;
}

/** IAM's name rule for instance profiles: 1–128 of `[A-Za-z0-9+=,.@_-]` (IAM API reference, CreateInstanceProfile). */
const PROFILE_NAME = /^[\w+=,.@-]{1,128}$/;
/** An IAM path's characters (IAM: `\u0021` to `\u007E`). */
const PATH_CHARS = /^[\x21-\x7e]*$/;
const ACCOUNT = /^\d{12}$/;

/** Whether an ARN is an instance profile's of `accountId`: `arn:aws:iam::<account>:instance-profile/[<path>/]<name>`. */
function isProfileArnOf(arn: string, accountId: string): boolean {
  const prefix = "arn:aws:iam::";
  const kind = ":instance-profile/";
  if (arn.length > 2048 || !arn.startsWith(prefix)) return false;
  const account = arn.slice(prefix.length, prefix.length + 12);
  if (!ACCOUNT.test(account) || account !== accountId) return false;
  const rest = arn.slice(prefix.length + 12);
  if (!rest.startsWith(kind)) return false;
  const resource = rest.slice(kind.length);
  const cut = resource.lastIndexOf("/") + 1;
  return PATH_CHARS.test(resource.slice(0, cut)) && PROFILE_NAME.test(resource.slice(cut));
}

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/**
 * The unique id IAM gives a profile (`AIPA…`, 21 characters). The mock has
 * no IAM store, so the id is derived from the ARN: the same profile always
 * shows the same id (decision: docs/behaviour.md).
 */
export function instanceProfileId(arn: string): string {
  const digest = createHash("sha256").update(arn).digest();
  let id = "AIPA";
  for (let i = 0; i < 17; i++) id += ID_ALPHABET[digest[i]! % 32];
  return id;
}

/**
 * Reads RunInstances' `IamInstanceProfile` (an ARN or a name, not both:
 * EC2's InvalidParameterCombination). A name becomes the account's ARN
 * (`arn:aws:iam::<account>:instance-profile/<name>`). The mock has no IAM
 * instance-profile store: a well-formed name, or an ARN of the caller's
 * account, stands for a profile that exists; anything else is EC2's answer
 * for a profile that does not (`Invalid IAM Instance Profile name/ARN`).
 * An empty specification is no profile. Decision: docs/behaviour.md.
 */
export function readInstanceProfile(spec: IamInstanceProfileSpecification | undefined, accountId: string): InstanceProfileRef | undefined {
  refuseNested("IamInstanceProfile", spec, ["Arn", "Name"]);
  if (spec === undefined) return undefined;
  const { Arn: arn, Name: name } = spec;
  const hasArn = arn !== undefined && arn !== "";
  const hasName = name !== undefined && name !== "";
  if (hasArn && hasName) throw errors.instanceProfileNameAndArn();
  if (hasName) {
    const text = String(name);
    if (!PROFILE_NAME.test(text)) throw errors.invalidInstanceProfileName(text);
    const profileArn = `arn:aws:iam::${accountId}:instance-profile/${text}`;
    return { arn: profileArn, id: instanceProfileId(profileArn) };
  }
  if (hasArn) {
    const text = String(arn);
    if (!isProfileArnOf(text, accountId)) throw errors.invalidInstanceProfileArn(text);
    return { arn: text, id: instanceProfileId(text) };
  }
  return undefined;
}
