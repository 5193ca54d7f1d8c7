import { mapOf, nullable, object, string, type ValuesOf } from "../../../engine/record.js";
import { newId } from "./ids.js";
import type { Ec2Instance } from "./instance.js";
import type { Network } from "./network.js";

/** EC2's default quota of Elastic IP addresses per region. */
export const MAX_ADDRESSES_PER_REGION = 5;

/** Where an Elastic IP is associated: the association id and the instance (its primary interface). */
export interface AddressAssociation {
  /** `eipassoc-…`, new at every association. */
  readonly associationId: string;
  /** The instance whose primary network interface holds the address. */
  readonly instance: Ec2Instance;
}

/** An Elastic IP's fields, declared once: the record, its snapshot form and the checks on restore. */
export const addressRecord = object({
  /** `eipalloc-…`. */
  allocationId: string,
  /** The address, taken from the region's public pool. */
  publicIp: string,
  /** Its association, while it has one (the record holds the instance itself). */
  association: nullable(object({ associationId: string, instanceId: string })),
  /** Its tags, in the order they were set. */
  tags: mapOf(string, string),
});

/** One Elastic IP address allocated to the account. */
export interface ElasticIp extends Readonly<Omit<ValuesOf<typeof addressRecord.fields>, "association">> {
  /** Its association, while it has one. */
  association: AddressAssociation | undefined;
}

/**
 * The Elastic IP addresses of one region: allocation, association with an
 * instance's primary interface, and release. It is the only writer of
 * `Ec2Instance.elasticIp`, and it swaps the instance's auto-assigned public
 * IPv4 out and back in: an instance holding an Elastic IP shows that address
 * and no auto-assigned one; when the Elastic IP leaves a running instance
 * that asked for a public IP at launch, a new auto-assigned address comes.
 * Callers run every check first: these methods never refuse.
 */
export class AddressStore {
  /** Every allocated address, by allocation id, in allocation order. */
  readonly byAllocationId = new Map<string, ElasticIp>();
  private readonly byAssociationId = new Map<string, ElasticIp>();
  /** Associations that have ended, by id, with their address: DisassociateAddress is idempotent (API reference). */
  private readonly endedAssociations = new Map<string, ElasticIp>();
  /** Addresses this account released, which AllocateAddress may recover while the pool still has them free. */
  private readonly releasedIps = new Set<string>();

  constructor(private readonly network: Network) {}

  /** How many addresses are allocated. */
  get size(): number {
    return this.byAllocationId.size;
  }

  /** The address with this association id, if the association still exists. */
  withAssociation(associationId: string): ElasticIp | undefined {
    return this.byAssociationId.get(associationId);
  }

  /** The address of an association that has ended (disassociated, moved, released, instance terminated). */
  withEndedAssociation(associationId: string): ElasticIp | undefined {
    return this.endedAssociations.get(associationId);
  }

  /**
   * Whether AllocateAddress may recover this address: this account released
   * it and the pool has it free (source: EC2 user guide, "Release an Elastic
   * IP address": an address allocated to another account cannot be
   * recovered; in the mock, one auto-assigned to an instance is in use).
   */
  isRecoverable(ip: string): boolean {
    return this.releasedIps.has(ip) && this.network.isPublicIpFree(ip);
  }

  /** The address with this public IP, if allocated. A scan: there are at most a handful. */
  withPublicIp(ip: string): ElasticIp | undefined {
    for (const address of this.byAllocationId.values()) if (address.publicIp === ip) return address;
    return undefined;
  }

  /**
   * Allocates a new address from the region's pool, or recovers `recover`
   * (checked with {@link isRecoverable} first). A recovered address gets a
   * new allocation id and none of its old tags.
   */
  allocate(tags: ReadonlyMap<string, string>, recover?: string): ElasticIp {
    if (recover !== undefined) {
      this.network.takeThisPublicIp(recover);
      this.releasedIps.delete(recover);
    }
    const address: ElasticIp = {
      allocationId: newId("eipalloc"),
      publicIp: recover ?? this.network.takePublicIp(),
      association: undefined,
      tags: new Map(tags),
    };
    this.byAllocationId.set(address.allocationId, address);
    return address;
  }

  /** Replaces an address's tags (CreateTags, DeleteTags) by `next`, whole; DescribeAddresses' tag filters read them. */
  setTags(address: ElasticIp, next: ReadonlyMap<string, string>): void {
    (address as { tags: ReadonlyMap<string, string> }).tags = next;
  }

  /**
   * Associates an address with an instance and returns the new association
   * id. The address leaves whatever it was associated with; an Elastic IP the
   * instance already held is disassociated (and stays allocated); the
   * instance's auto-assigned public IPv4 goes back to the pool.
   */
  associate(address: ElasticIp, instance: Ec2Instance): string {
    const current = address.association;
    // Leaving another instance is a disassociation for it; again on the same instance only renews the association.
    if (current !== undefined) {
      if (current.instance === instance) this.unlink(address);
      else this.disassociate(address);
    }
    const previous = instance.elasticIp === undefined ? undefined : this.byAllocationId.get(instance.elasticIp.allocationId);
    if (previous !== undefined) this.unlink(previous);
    if (instance.publicIp !== undefined) {
      this.network.releasePublicIp(instance.publicIp);
      instance.publicIp = undefined;
    }
    const associationId = newId("eipassoc");
    address.association = { associationId, instance };
    this.byAssociationId.set(associationId, address);
    instance.elasticIp = address;
    return associationId;
  }

  /**
   * Ends an address's association. A running instance that asked for a
   * public IP at launch gets a new auto-assigned one; a stopped instance gets
   * one at its next start, as usual.
   */
  disassociate(address: ElasticIp): void {
    const instance = this.unlink(address);
    if (instance === undefined) return;
    if (instance.machine.phase === "running" && instance.wantsPublicIp && instance.publicIp === undefined) {
      instance.publicIp = this.network.takePublicIpIfAny();
    }
  }

  /** On arrival at `terminated`: the instance's Elastic IP is disassociated and stays allocated. */
  instanceTerminated(instance: Ec2Instance): void {
    if (instance.elasticIp === undefined) return;
    const address = this.byAllocationId.get(instance.elasticIp.allocationId);
    if (address !== undefined) this.unlink(address);
    instance.elasticIp = undefined;
  }

  /** Releases an address (disassociating it first) back to the pool. */
  release(address: ElasticIp): void {
    this.disassociate(address);
    this.byAllocationId.delete(address.allocationId);
    this.network.releasePublicIp(address.publicIp);
    this.releasedIps.add(address.publicIp);
  }

  /**
   * Replaces every address (restoring a snapshot; the instances' `elasticIp`
   * are set by the caller). Ended associations and released addresses are not
   * part of a snapshot: after a restore none is remembered (decision).
   */
  replace(addresses: readonly ElasticIp[]): void {
    this.clear();
    for (const address of addresses) {
      this.byAllocationId.set(address.allocationId, address);
      if (address.association !== undefined) this.byAssociationId.set(address.association.associationId, address);
    }
  }

  /** Forgets every address (the network's pool is cleared by its owner). */
  clear(): void {
    this.byAllocationId.clear();
    this.byAssociationId.clear();
    this.endedAssociations.clear();
    this.releasedIps.clear();
  }

  /** Removes the association on both sides and returns the instance it was on. */
  private unlink(address: ElasticIp): Ec2Instance | undefined {
    const association = address.association;
    if (association === undefined) return undefined;
    this.byAssociationId.delete(association.associationId);
    this.endedAssociations.set(association.associationId, address);
    address.association = undefined;
    if (association.instance.elasticIp === address) association.instance.elasticIp = undefined;
    return association.instance;
  }
}
