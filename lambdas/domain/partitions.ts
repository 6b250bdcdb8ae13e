/**
 * AWS partitions: which one a region belongs to, the one region per partition where the global
 * Organizations endpoint lives (and signs), and whether a policy type applies there.
 *
 * [AWS-PARTITION-GLOBAL-REGION]: LZA's `getGlobalRegion(partition)` and the AWS SDK's partition data
 * (which its Organizations endpoint rules use to route and sign global-endpoint calls) agree;
 * test/lambdas/domain/partitions.test.ts checks this table against both.
 * Where a policy type does not apply is the type's fact (policy-types/<type>/facts.ts).
 */
import type { PolicyTypeFacts } from './policy-types/policy-type.ts';

export interface Partition {
  name: string;
  /** Regions of the partition start with this (the SDK's region patterns); `''` for the commercial rest. */
  regionPrefix: string;
  organizationsRegion: string;
}

/** Most specific prefix first: the commercial partition `aws` takes every region the others do not. */
export const PARTITIONS: readonly Partition[] = [
  { name: 'aws-us-gov', regionPrefix: 'us-gov-', organizationsRegion: 'us-gov-west-1' },
  { name: 'aws-iso', regionPrefix: 'us-iso-', organizationsRegion: 'us-iso-east-1' },
  { name: 'aws-iso-b', regionPrefix: 'us-isob-', organizationsRegion: 'us-isob-east-1' },
  { name: 'aws-iso-e', regionPrefix: 'eu-isoe-', organizationsRegion: 'eu-isoe-west-1' },
  { name: 'aws-iso-f', regionPrefix: 'us-isof-', organizationsRegion: 'us-isof-south-1' },
  { name: 'aws-eusc', regionPrefix: 'eusc-', organizationsRegion: 'eusc-de-east-1' },
  { name: 'aws-cn', regionPrefix: 'cn-', organizationsRegion: 'cn-northwest-1' },
  { name: 'aws', regionPrefix: '', organizationsRegion: 'us-east-1' },
];

/** The partition of `region`; no region (or an unknown one) is the commercial partition, as in the SDK. */
export function partitionOf(region: string | undefined): Partition {
  return PARTITIONS.find((p) => (region ?? '').startsWith(p.regionPrefix)) as Partition;
}

/** The region to send (and sign) Organizations calls in, for a tool running in `region`. */
export function organizationsRegionFor(region: string | undefined): string {
  return partitionOf(region || undefined).organizationsRegion;
}

/** One sentence saying why there is nothing to check in `region`, or undefined where the policy type applies. */
export function policyTypeUnavailableIn(facts: PolicyTypeFacts, region: string): string | undefined {
  const partition = partitionOf(region);
  if (!facts.notApplied.partitions.includes(partition.name)) return undefined;
  return `${facts.title} do not apply in ${region} (partition ${partition.name}): ${facts.notApplied.because}, so there is no ${facts.organizationsType} to check or enforce there.`;
}
