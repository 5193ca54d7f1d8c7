/**
 * Who calls the mock: principals with identity policies and access keys.
 * Evaluation of the policies lives beside this file; this module only says
 * who exists, with which policies and keys.
 */

/**
 * An IAM JSON policy document (identity policy).
 * @public
 */
export interface PolicyDocument {
  /** Policy language version, usually "2012-10-17". */
  Version?: string;
  /** One statement or several. */
  Statement: PolicyStatement | PolicyStatement[];
}

/**
 * One statement of a policy document.
 * @public
 */
export interface PolicyStatement {
  /** An optional statement id, reported in matchedStatements. */
  Sid?: string;
  /** Allow or Deny. */
  Effect: "Allow" | "Deny";
  /** Actions it applies to (`ec2:StopInstances`, `ec2:*`, `ec2:Describe*`). */
  Action?: string | string[];
  /** Actions it does not apply to. */
  NotAction?: string | string[];
  /** Resources it applies to (`arn:aws:ec2:us-east-1:123456789012:instance/*`). */
  Resource?: string | string[];
  /** Resources it does not apply to. */
  NotResource?: string | string[];
  /** Conditions: operator → key → value(s). */
  Condition?: Record<string, Record<string, string | number | boolean | (string | number | boolean)[]>>;
}

/**
 * An access key pair a principal signs with (for the server).
 * @public
 */
export interface AccessKey {
  /** The access key id, e.g. `AKIAIOSFODNN7EXAMPLE`. */
  accessKeyId: string;
  /** Its secret, used to verify SigV4 signatures when the server checks them. */
  secretAccessKey: string;
}

/**
 * A named principal of the mock account.
 * @public
 */
export interface PrincipalOptions {
  /** Its ARN; default `arn:aws:iam::ACCOUNT:user/NAME`. */
  arn?: string;
  /** Its identity policies. */
  policies?: PolicyDocument[];
  /** The access keys that identify it to the server. */
  accessKeys?: AccessKey[];
}

/**
 * The `iam` option of `createEc2Mock`. With no policy anywhere, every call is
 * allowed. Once any policy is configured, IAM evaluates every call: what is
 * not allowed is denied, and an explicit Deny always wins.
 * @public
 */
export interface IamOptions {
  /** Identity policies of the default principal, the one every in-process call runs as. */
  policies?: PolicyDocument[];
  /** The default principal's ARN; default `arn:aws:iam::ACCOUNT:user/ec2-mock`. */
  arn?: string;
  /** Access keys that identify the default principal to the server. */
  accessKeys?: AccessKey[];
  /** Other principals, by name; over the wire, a request signed with one of their keys runs as them. */
  principals?: Record<string, PrincipalOptions>;
}

/** A principal, resolved. */
export interface Principal {
  /** Its name (`default` for the default principal). */
  readonly name: string;
  /** Its ARN. */
  readonly arn: string;
  /** Its identity policies. */
  readonly policies: readonly PolicyDocument[];
  /** Its access keys. */
  readonly accessKeys: readonly AccessKey[];
}

/** The name of the principal in-process calls run as. */
export const DEFAULT_PRINCIPAL = "default";

/** Every principal of one mock, and whether IAM evaluation is on. */
export class Principals {
  /** The principal in-process calls run as. */
  readonly default: Principal;
  /** True once any policy is configured: from then on, calls are evaluated. */
  readonly enforced: boolean;
  private readonly byName = new Map<string, Principal>();
  private readonly byKey = new Map<string, Principal>();

  constructor(accountId: string, options: IamOptions = {}) {
    this.default = this.add(
      DEFAULT_PRINCIPAL,
      {
        arn: options.arn ?? `arn:aws:iam::${accountId}:user/ec2-mock`,
        policies: options.policies ?? [],
        accessKeys: options.accessKeys ?? [],
      },
      accountId,
    );
    for (const [name, principal] of Object.entries(options.principals ?? {})) {
      if (name === DEFAULT_PRINCIPAL) throw new TypeError(`iam.principals may not redefine "${DEFAULT_PRINCIPAL}"; use iam.policies`);
      this.add(name, principal, accountId);
    }
    this.enforced = [...this.byName.values()].some((p) => p.policies.length > 0);
  }

  private add(name: string, options: PrincipalOptions, accountId: string): Principal {
    const principal: Principal = {
      name,
      arn: options.arn ?? `arn:aws:iam::${accountId}:user/${name}`,
      policies: options.policies ?? [],
      accessKeys: options.accessKeys ?? [],
    };
    this.byName.set(name, principal);
    for (const key of principal.accessKeys) {
      if (this.byKey.has(key.accessKeyId)) throw new TypeError(`iam: the access key ${key.accessKeyId} is given to two principals`);
      this.byKey.set(key.accessKeyId, principal);
    }
    return principal;
  }

  /** Every principal, the default one first. */
  all(): Principal[] {
    return [...this.byName.values()];
  }

  /** A principal by name. */
  named(name: string): Principal | undefined {
    return this.byName.get(name);
  }

  /** The principal an access key identifies, if any. */
  byAccessKey(accessKeyId: string): Principal | undefined {
    return this.byKey.get(accessKeyId);
  }

  /** The secret of an access key, for signature verification. */
  secretOf(accessKeyId: string): string | undefined {
    return this.byKey.get(accessKeyId)?.accessKeys.find((k) => k.accessKeyId === accessKeyId)?.secretAccessKey;
  }
}
