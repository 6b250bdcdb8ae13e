/**
 * The policy type's descriptor as the stack reads it: the type's part of a policy ARN, which the IAM
 * statements of lib/permissions.ts grant on [ORG-POLICY-ARN].
 */
import { describe, expect, it } from 'vitest';
import { AI_OPT_OUT_FACTS } from '../../../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { policyArnSegment } from '../../../../lambdas/domain/policy-types/policy-type.ts';

describe('policyArnSegment', () => {
  it("is the type's Organizations name in lower case", () => {
    expect(policyArnSegment(AI_OPT_OUT_FACTS)).toBe('aiservices_opt_out_policy');
  });
});
