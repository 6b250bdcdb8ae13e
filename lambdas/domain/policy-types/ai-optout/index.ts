/**
 * AI services opt-out policies as a policy type (its name and AWS facts in facts.ts): the descriptor
 * the planner, the adapters and the IAM statements take the type from (policy-types/policy-type.ts says
 * what each part is for). The modules of this folder hold the rules; this one only puts them together.
 */
import type { DesiredPolicy } from '../../desired-state/types.ts';
import type { PolicyType } from '../policy-type.ts';
import { checkPolicySettings, type Expectation, ExpectSchema, POLICY_FIELDS } from './desired-state.ts';
import { type ParsedPolicyDocument, parsePolicyDocument } from './document.ts';
import { type EffectiveState, EMPTY_STATE, mergeNode, settingChanges } from './engine.ts';
import { breaches } from './expect.ts';
import { checkExpect } from './expect-checks.ts';
import { AI_OPT_OUT_FACTS } from './facts.ts';
import {
  awsStateOf,
  differences,
  documentOf,
  parseEffectiveDocument,
  serviceInPath,
  settingsOfState,
} from './printed.ts';

export interface AiOptOutShapes {
  state: EffectiveState;
  document: ParsedPolicyDocument;
  policy: DesiredPolicy;
  expectation: Expectation;
  policyFields: typeof POLICY_FIELDS;
  expectSchema: typeof ExpectSchema;
}

/** A declared policy in a few words: `default optOut; lex optIn; lock all`. */
function describe(policy: DesiredPolicy): string {
  const parts: string[] = [];
  if (policy.default) parts.push(`default ${policy.default}`);
  const services = Object.entries(policy.services);
  if (services.length > 0) parts.push(services.map(([k, v]) => `${k} ${v}`).join(', '));
  parts.push(`lock ${policy.lock}`);
  return parts.join('; ');
}

export const aiOptOut: PolicyType<AiOptOutShapes> = {
  facts: AI_OPT_OUT_FACTS,
  documents: { parse: parsePolicyDocument, describe },
  engine: { empty: EMPTY_STATE, merge: mergeNode, changes: settingChanges },
  expect: { rule: 'expect.optOut', breaches },
  aws: {
    settings: settingsOfState,
    document: documentOf,
    parse: parseEffectiveDocument,
    differences,
    decidedAt: (state: EffectiveState, service: string) => state.entries.get(service)?.source?.nodeId,
    stateOf: awsStateOf,
    serviceAt: serviceInPath,
    unenforced: { expected: 'optOut', actual: 'unset' },
  },
  desiredState: {
    policyFields: POLICY_FIELDS,
    expectSchema: ExpectSchema,
    checkPolicy: checkPolicySettings,
    checkExpect,
  },
};
