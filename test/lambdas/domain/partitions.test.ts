/**
 * The partition table against two independent sources: the AWS SDK's own endpoint rules for
 * Organizations (which region a global-endpoint call goes to and is signed for, when no custom endpoint
 * is set) and LZA's getGlobalRegion (source/packages/@aws-accelerator/utils/lib/common-functions.ts in
 * awslabs/landing-zone-accelerator-on-aws, values written out below).
 */
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import {
  organizationsRegionFor,
  PARTITIONS,
  partitionOf,
  policyTypeUnavailableIn,
} from '../../../lambdas/domain/partitions.ts';
import { AI_OPT_OUT_FACTS } from '../../../lambdas/domain/policy-types/ai-optout/facts.ts';

const aiOptOutUnavailableIn = (region: string) => policyTypeUnavailableIn(AI_OPT_OUT_FACTS, region);

/** LZA's getGlobalRegion(partition), as of its source in June 2026. */
const LZA_GLOBAL_REGION: Record<string, string> = {
  aws: 'us-east-1',
  'aws-cn': 'cn-northwest-1',
  'aws-us-gov': 'us-gov-west-1',
  'aws-iso': 'us-iso-east-1',
  'aws-iso-b': 'us-isob-east-1',
  'aws-iso-e': 'eu-isoe-west-1',
  'aws-iso-f': 'us-isof-south-1',
  'aws-eusc': 'eusc-de-east-1',
};

/** Regions of every partition, including ones that are not the partition's Organizations region. */
const REGIONS: Record<string, string[]> = {
  aws: ['us-east-1', 'eu-west-1', 'ap-southeast-7', 'mx-central-1', 'il-central-1'],
  'aws-cn': ['cn-north-1', 'cn-northwest-1'],
  'aws-us-gov': ['us-gov-east-1', 'us-gov-west-1'],
  'aws-iso': ['us-iso-east-1', 'us-iso-west-1'],
  'aws-iso-b': ['us-isob-east-1', 'us-isob-west-1'],
  'aws-iso-e': ['eu-isoe-west-1'],
  'aws-iso-f': ['us-isof-east-1', 'us-isof-south-1'],
  'aws-eusc': ['eusc-de-east-1'],
};

/** Where the SDK sends and signs an Organizations call made from `region` (no custom endpoint). */
function sdkSigningRegion(region: string): string {
  const client = new OrganizationsClient({ region });
  const endpoint = client.config.endpointProvider({ Region: region, UseFIPS: false, UseDualStack: false });
  client.destroy();
  const [scheme] = (endpoint.properties?.authSchemes ?? []) as { signingRegion?: string }[];
  return scheme?.signingRegion as string;
}

describe('partitions', () => {
  it('cover the partitions LZA supports, with its global regions', () => {
    expect(Object.fromEntries(PARTITIONS.map((p) => [p.name, p.organizationsRegion]))).toEqual(
      LZA_GLOBAL_REGION,
    );
  });

  it.each(Object.entries(REGIONS))(
    '%s: each region maps to the region the SDK signs Organizations calls for',
    (name, regions) => {
      for (const region of regions) {
        expect(partitionOf(region).name, region).toBe(name);
        expect(organizationsRegionFor(region), region).toBe(sdkSigningRegion(region));
      }
    },
  );

  it('without a region, or with one no partition claims, is the commercial partition', () => {
    expect(organizationsRegionFor(undefined)).toBe('us-east-1');
    expect(organizationsRegionFor('')).toBe('us-east-1');
    expect(partitionOf('moon-base-1').name).toBe('aws');
  });

  it('says in one sentence that AI opt-out policies do not apply in GovCloud, and only there', () => {
    const sentence = aiOptOutUnavailableIn('us-gov-east-1') as string;
    expect(sentence).toMatch(
      /^AI services opt-out policies do not apply in us-gov-east-1 \(partition aws-us-gov\): /,
    );
    expect(sentence.match(/\. |\.$/g)).toHaveLength(1);
    for (const region of Object.entries(REGIONS).flatMap(([name, r]) => (name === 'aws-us-gov' ? [] : r)))
      expect(aiOptOutUnavailableIn(region), region).toBeUndefined();
  });
});
