/**
 * Which policy types a snapshot holds every policy of: one that lists none (`capturedPolicyTypes`
 * absent, as a read of AI opt-out alone and older versions write) holds the AI opt-out policies only;
 * a plan of another type from it would see none of that type's policies and must not be made.
 */
import { describe, expect, it } from 'vitest';
import { capturesType } from '../../../../lambdas/domain/planner/existing-policies.ts';
import { BEDROCK_POLICY_TYPE } from '../../../../lambdas/domain/policy-types/bedrock/facts.ts';
import {
  BEDROCK_SECTION_POLICY_TYPE,
  VERSION_1_POLICY_TYPE,
} from '../../../../lambdas/domain/policy-types/version-1.ts';
import { OrgBuilder } from '../../../support/org-builder.ts';

const AI_OPT_OUT = VERSION_1_POLICY_TYPE.facts;
const BEDROCK = BEDROCK_SECTION_POLICY_TYPE.facts;
/** No `capturedPolicyTypes`: the builder lists them only with a type besides AI opt-out. */
const aiOptOutAlone = () => new OrgBuilder().account('prod', 'Workloads', '111111111111').build();
const withBedrock = () =>
  new OrgBuilder()
    .account('prod', 'Workloads', '111111111111')
    .withOtherType(BEDROCK_POLICY_TYPE, 'ENABLED')
    .build();

describe('capturesType', () => {
  it.each([
    ['a snapshot that lists no types holds the AI opt-out policies', aiOptOutAlone, AI_OPT_OUT, true],
    ['a snapshot that lists no types lacks the Bedrock policies', aiOptOutAlone, BEDROCK, false],
    ['a snapshot that lists both holds the AI opt-out policies', withBedrock, AI_OPT_OUT, true],
    ['a snapshot that lists both holds the Bedrock policies', withBedrock, BEDROCK, true],
  ])('%s', (_rule, snapshot, facts, holds) => {
    expect(capturesType(snapshot(), facts)).toBe(holds);
  });
});
