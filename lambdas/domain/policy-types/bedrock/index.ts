/**
 * Amazon Bedrock policies as a policy type (its name and AWS facts in facts.ts): the descriptor the
 * generic code takes the type from (policy-types/policy-type.ts says what each part is for). The
 * modules of this folder hold the rules; this one only puts them together.
 */
import type { DeclaredPolicy } from '../../desired-state/types.ts';
import type { PolicyType } from '../policy-type.ts';
import {
  type BedrockSettings,
  checkExpect,
  checkPolicySettings,
  ExpectSchema,
  POLICY_FIELDS,
} from './desired-state.ts';
import { type ParsedBedrockDocument, parseBedrockDocument } from './document.ts';
import { type BedrockState, EMPTY_STATE, mergeNode, settingChanges } from './engine.ts';
import { type BedrockExpectation, breaches } from './expect.ts';
import { BEDROCK_FACTS } from './facts.ts';
import {
  awsStateOf,
  decidedAt,
  differences,
  documentOf,
  parseEffectiveDocument,
  settingInPath,
  settingsOfState,
} from './printed.ts';
import type { RegionGuardrail } from './render.ts';

export { BedrockEffectiveDocumentSchema } from './printed.ts';

/** A declared Bedrock policy. */
export type BedrockPolicy = DeclaredPolicy & BedrockSettings;

export interface BedrockShapes {
  state: BedrockState;
  document: ParsedBedrockDocument;
  policy: BedrockPolicy;
  expectation: BedrockExpectation;
  policyFields: typeof POLICY_FIELDS;
  expectSchema: typeof ExpectSchema;
}

/** A declared policy in a few words, each guardrail by its id: `eu-west-1 def:1; us-east-1 abc:3; lock all`. */
function describe(policy: BedrockPolicy): string {
  // Sorted as the rendered document sorts them (render.ts).
  const regions = Object.keys(policy.regions)
    .sort()
    .map((region) => {
      const { guardrail, version } = policy.regions[region] as RegionGuardrail;
      return `${region} ${guardrail.slice(guardrail.lastIndexOf('/') + 1)}:${version}`;
    });
  return [...regions, `lock ${policy.lock}`].join('; ');
}

export const bedrock: PolicyType<BedrockShapes> = {
  facts: BEDROCK_FACTS,
  documents: { parse: parseBedrockDocument, describe },
  engine: { empty: EMPTY_STATE, merge: mergeNode, changes: settingChanges },
  expect: {
    rule: 'bedrock.expect.guardrails',
    fix: 'enforce the guardrail there in a policy of the bedrock section, or narrow the rule',
    breaches,
  },
  aws: {
    settings: settingsOfState,
    document: documentOf,
    parse: parseEffectiveDocument,
    differences,
    decidedAt,
    stateOf: awsStateOf,
    serviceAt: settingInPath,
    unenforced: { expected: 'an enforced guardrail', actual: 'unset' },
  },
  desiredState: {
    policyFields: POLICY_FIELDS,
    expectSchema: ExpectSchema,
    checkPolicy: checkPolicySettings,
    checkExpect,
  },
};
