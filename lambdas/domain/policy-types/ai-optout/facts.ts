/**
 * AI services opt-out policies as AWS defines them: the one place their Organizations name is written.
 * Plain values, no behaviour and no runtime imports: the CDK constructs (IAM statements, the partition
 * guard) read them without loading the domain.
 */
import type { PolicyTypeFacts } from '../policy-type.ts';

/** The type's name in the Organizations API and in the organizations:PolicyType condition key. */
export const AI_POLICY_TYPE = 'AISERVICES_OPT_OUT_POLICY';

export const AI_OPT_OUT_FACTS: PolicyTypeFacts = {
  organizationsType: AI_POLICY_TYPE,
  title: 'AI services opt-out policies',
  noun: 'AI opt-out policy',
  nounPlural: 'AI opt-out policies',
  statementName: 'AiOptOut',
  // [ORG-QUOTA-AI-POLICIES-PER-TARGET], [ORG-QUOTA-AI-DOCUMENT-SIZE]
  maxPoliciesPerTarget: 5,
  maxDocumentCharacters: 2500,
  // [ORG-AI-NOT-IN-GOVCLOUD]
  notApplied: {
    partitions: ['aws-us-gov'],
    because: 'AWS applies the opt-out setting to all AWS Regions excluding the AWS GovCloud (US) Regions',
  },
};
