/**
 * StartInstances' refusal of an instance whose attributes its type cannot
 * run with: apart from ./attributes.ts's operations, which load on first
 * use, because StartInstances is in what `import("ec2-mock")` loads (issue
 * 22 (f)).
 */
import { type Ec2Error, errors } from "../errors.js";
import { type Ec2Instance, ebsOptimizedOf, enaSupportOf } from "../model/instance.js";

/**
 * Why StartInstances must refuse to start a stopped instance whose
 * attributes its type cannot run with, or undefined: EC2 accepts the
 * ModifyInstanceAttribute calls that lead there and refuses at the start
 * (an instance made EBS-optimized then changed to t2: seek-oss/aec#228; ENA
 * turned off on a type that requires it, or a type that requires it chosen
 * for an instance without it: EC2's "Enhanced networking with the Elastic
 * Network Adapter (ENA) is required" refusal).
 */
export function startRefusal(instance: Ec2Instance): Ec2Error | undefined {
  if (ebsOptimizedOf(instance) && instance.typeInfo.ebsOptimization === "unsupported") return errors.requestedConfigurationUnsupported();
  if (!enaSupportOf(instance) && instance.typeInfo.ena === "required") {
    return errors.enaRequiredForInstance(instance.instanceType, instance.instanceId);
  }
  return undefined;
}
