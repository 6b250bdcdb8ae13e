import { describe, expect, it } from 'vitest';
import type { Change, Plan } from '../../../../lambdas/domain/planner/schema.ts';
import { AI_POLICY_TYPE } from '../../../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { BEDROCK_POLICY_TYPE } from '../../../../lambdas/domain/policy-types/bedrock/facts.ts';
import { changeColumns, planSubject } from '../../../../lambdas/domain/report/common.ts';

const change = (over: Partial<Change>): Change =>
  ({ action: 'update-policy', policy: 'p', detail: 'd', ...over }) as Change;

describe('a change row names its policy type when it is not AI opt-out', () => {
  it.each([
    ['an AI opt-out policy: its name alone', change({}), 'p'],
    [
      'a Bedrock policy: its type, then its name',
      change({ policyType: BEDROCK_POLICY_TYPE }),
      `${BEDROCK_POLICY_TYPE} p`,
    ],
    ['enabling AI opt-out', change({ action: 'enable-policy-type', policy: undefined }), AI_POLICY_TYPE],
    [
      'enabling the Bedrock type: that type, not AI opt-out',
      change({ action: 'enable-policy-type', policy: undefined, policyType: BEDROCK_POLICY_TYPE }),
      BEDROCK_POLICY_TYPE,
    ],
  ])('%s', (_, row, subject) => {
    expect(changeColumns(row).subject).toBe(subject);
  });
});

describe("a report's heading names what the plan covers", () => {
  it.each([
    ['a file without a bedrock: section', {}, 'AI services opt-out'],
    [
      'a file with one (pre-flight listed, run or not)',
      { preflight: { source: 'none', summary: 'not run', guardrails: [] } },
      'AI services opt-out and Amazon Bedrock policies',
    ],
  ])('%s', (_, plan, subject) => {
    expect(planSubject(plan as Pick<Plan, 'preflight'>)).toBe(subject);
  });
});
