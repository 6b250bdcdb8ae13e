/**
 * Amazon Bedrock policies as AWS defines them: the one place their Organizations name is written.
 * Plain values, no behaviour and no runtime imports: the CDK constructs read them without loading the
 * domain. Where AWS states nothing, the value chosen is said to be an assumption.
 */
import type { PolicyTypeFacts } from '../policy-type.ts';

/** The type's name in the Organizations API and in the organizations:PolicyType condition key [ORG-BEDROCK-TYPE]. */
export const BEDROCK_POLICY_TYPE = 'BEDROCK_POLICY';

export const BEDROCK_FACTS: PolicyTypeFacts = {
  organizationsType: BEDROCK_POLICY_TYPE,
  title: 'Amazon Bedrock policies',
  noun: 'Bedrock policy',
  nounPlural: 'Bedrock policies',
  statementName: 'Bedrock',
  // Not stated for this type [ORG-BEDROCK-QUOTAS]: assumed to be AI opt-out's 5, so the file is held to
  // the smaller number AWS states for a declarative type rather than to a guess above it.
  maxPoliciesPerTarget: 5,
  // [ORG-BEDROCK-QUOTAS]
  maxDocumentCharacters: 10000,
  // AWS states no partition the type does not apply in [ORG-BEDROCK-PARTITIONS]; none is assumed.
  notApplied: { partitions: [], because: '' },
  deploymentSetting: 'bedrockPolicies',
};
