/**
 * Security Hub findings of a plan over both policy types: a Bedrock row is a finding of its own that
 * names its type (title, ProductFields), and AI opt-out's findings keep their ids and words.
 */
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../../lambdas/domain/desired-state/loader.ts';
import { complianceFindings } from '../../../lambdas/domain/findings.ts';
import { plan } from '../../../lambdas/domain/planner.ts';
import { AI_POLICY_TYPE } from '../../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { BEDROCK_POLICY_TYPE } from '../../../lambdas/domain/policy-types/bedrock/facts.ts';
import { EXAMPLE_WITH_BEDROCK } from '../../support/bedrock-section.ts';
import { OrgBuilder } from '../../support/org-builder.ts';

const scope = { accountId: '111122223333', region: 'eu-west-1', partition: 'aws' };
const now = new Date('2026-12-01T06:00:00Z');

/** The example with its Bedrock section, planned on an organization with neither type's policies but what `more` adds. */
function findings(status = 'ENABLED', more: (builder: OrgBuilder) => void = () => {}) {
  const loaded = loadDesiredState(EXAMPLE_WITH_BEDROCK, { file: 'ai-optout.yaml' });
  if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  const org = new OrgBuilder()
    .account('prod-a', 'Workloads/Prod', '111111111111')
    .account('sandbox', 'Sandbox', '444444444444')
    .withOtherType(BEDROCK_POLICY_TYPE, status);
  more(org);
  return complianceFindings(plan(loaded.state, org.build()), scope, now);
}

describe('Security Hub findings of a plan with Bedrock policies', () => {
  // Id suffix -> [title, policy type]
  it.each([
    [
      'account/111111111111',
      'Account prod-a (111111111111) does not opt out of AI services as the desired state expects',
      AI_POLICY_TYPE,
    ],
    [
      `account/111111111111/${BEDROCK_POLICY_TYPE}`,
      `Account prod-a (111111111111) breaks the desired state's ${BEDROCK_POLICY_TYPE} expectations`,
      BEDROCK_POLICY_TYPE,
    ],
  ])('the finding %s: its own title and type', (suffix, title, policyType) => {
    const found = findings().find((f) => f.Id.endsWith(`/${suffix}`));

    expect(found?.Title).toBe(title);
    expect(found?.ProductFields['ai-optout/PolicyType']).toBe(policyType);
  });

  it("a Bedrock account finding lists each Region's guardrail, what was expected and what decides it", () => {
    const found = findings().find((f) => f.Id.endsWith(`/account/111111111111/${BEDROCK_POLICY_TYPE}`));

    expect(found?.Description).toMatch(
      /^Root\/Workloads\/Prod\/prod-a: 2 BEDROCK_POLICY violations: .*us-east-1.* is unset, expected .+ \(.+\); .*eu-west-1.* is unset, expected .+\. Fix the policies/,
    );
  });

  it('the Bedrock type not enabled: one HIGH finding of its own, beside none for AI opt-out', () => {
    const disabled = findings('DISABLED').filter((f) => f.Id.includes('/policy-type-disabled'));

    expect(disabled.map((f) => [f.Id.slice(f.Id.indexOf('/policy-type')), f.Title])).toEqual([
      [
        `/policy-type-disabled/${BEDROCK_POLICY_TYPE}`,
        `The ${BEDROCK_POLICY_TYPE} policy type is not enabled: no policy of that type applies`,
      ],
    ]);
    expect(disabled[0]?.ProductFields['ai-optout/PolicyType']).toBe(BEDROCK_POLICY_TYPE);
  });

  it('an unmanaged Bedrock policy: a finding that names its type, beside the AI opt-out wording', () => {
    const legacy = findings('ENABLED', (org) =>
      org.policy('legacy-guardrail', '{"bedrock":{}}', ['Sandbox'], {
        type: BEDROCK_POLICY_TYPE,
        id: 'p-legacy01',
      }),
    ).find((f) => f.Id.endsWith('/unmanaged-policy/p-legacy01'));

    expect(legacy?.Title).toBe(
      `${BEDROCK_POLICY_TYPE} policy legacy-guardrail is attached but not managed by ai-optout`,
    );
    expect(legacy?.ProductFields['ai-optout/PolicyType']).toBe(BEDROCK_POLICY_TYPE);
  });
});
