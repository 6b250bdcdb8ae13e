/**
 * The report's `fidelity` of a plan over both policy types: each type judged by its own answers from
 * AWS, one line and summed figures for both, each type's figures in `byPolicyType`, and each Bedrock
 * disagreement naming its type. A plan of AI opt-out alone keeps the fidelity it always had.
 */
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../../../lambdas/domain/desired-state/loader.ts';
import type { DesiredState } from '../../../../lambdas/domain/desired-state/types.ts';
import type { TypeAnswers, Verification } from '../../../../lambdas/domain/planner/fidelity.ts';
import { snapshotVerification } from '../../../../lambdas/domain/planner/fidelity.ts';
import type { Disagreement, Fidelity } from '../../../../lambdas/domain/planner/schema.ts';
import { accountsToVerifyByType, mergedFidelity } from '../../../../lambdas/domain/planner/type-fidelity.ts';
import { plan } from '../../../../lambdas/domain/planner.ts';
import { AI_POLICY_TYPE } from '../../../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { BEDROCK_POLICY_TYPE } from '../../../../lambdas/domain/policy-types/bedrock/facts.ts';
import {
  BEDROCK_SECTION_POLICY_TYPE,
  VERSION_1_POLICY_TYPE,
} from '../../../../lambdas/domain/policy-types/version-1.ts';
import { REPORTS } from '../../../../lambdas/domain/report/registry.ts';
import { EXAMPLE_WITH_BEDROCK, GUARDRAIL_EAST } from '../../../support/bedrock-section.ts';
import { entry, OrgBuilder } from '../../../support/org-builder.ts';

function desired(): DesiredState {
  const loaded = loadDesiredState(EXAMPLE_WITH_BEDROCK, { file: 'ai-optout.yaml' });
  if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.state;
}

/** Two production accounts and a sandbox, no policy of either type: one state of each type. */
const snapshot = () =>
  new OrgBuilder()
    .account('prod-a', 'Workloads/Prod', '111111111111')
    .account('prod-b', 'Workloads/Prod', '222222222222')
    .account('sandbox', 'Sandbox', '444444444444')
    .withOtherType(BEDROCK_POLICY_TYPE, 'ENABLED')
    .build();

const none = (accountId: string): TypeAnswers => ({
  answers: new Map([[accountId, { content: undefined }]]),
  calls: 1,
  invalidAccounts: [],
});

/** AWS asked once per type about prod-a; `bedrock` its Bedrock answer (undefined: not asked about the type). */
function fromAws(bedrock: TypeAnswers | undefined): Verification {
  return {
    source: 'aws',
    verify: 'states',
    callLimit: 200,
    ...none('111111111111'),
    ...(bedrock ? { otherTypes: new Map([[BEDROCK_POLICY_TYPE, bedrock]]) } : {}),
  };
}

const printed = (version: number) =>
  JSON.stringify({
    bedrock: {
      guardrail_inference: { 'us-east-1': { config_1: { identifier: `${GUARDRAIL_EAST}:${version}` } } },
    },
  });

describe('fidelity of a plan over both policy types', () => {
  it.each([
    [
      'AWS agrees on both types',
      fromAws(none('111111111111')),
      'confirmed by AWS for 2 of 2 states; by policy type: AISERVICES_OPT_OUT_POLICY 1 of 1 state confirmed, BEDROCK_POLICY 1 of 1 state confirmed',
      [1, 1],
      [],
    ],
    [
      'AWS prints a Bedrock guardrail where none is computed',
      fromAws({ ...none('111111111111'), answers: new Map([['111111111111', { content: printed(2) }]]) }),
      'confirmed by AWS for 1 of 2 states; AWS disagrees on 1 state, and its answer decides the verdict for 3 accounts; by policy type: AISERVICES_OPT_OUT_POLICY 1 of 1 state confirmed, BEDROCK_POLICY 0 of 1 state confirmed',
      [1, 0],
      [[BEDROCK_POLICY_TYPE, '111111111111', 3]],
    ],
    [
      'AWS was not asked about Bedrock',
      fromAws(undefined),
      'confirmed by AWS for 1 of 2 states; 1 not checked (at most 200 DescribeEffectivePolicy calls per run); by policy type: AISERVICES_OPT_OUT_POLICY 1 of 1 state confirmed, BEDROCK_POLICY 0 of 1 state confirmed',
      [1, 0],
      [],
    ],
    [
      'a snapshot',
      snapshotVerification('states'),
      'not confirmed (snapshot): the effective policies of 2 states are computed locally only; by policy type: AISERVICES_OPT_OUT_POLICY 1 state, BEDROCK_POLICY 1 state',
      [0, 0],
      [],
    ],
  ] as const)('%s', (_name, verification, summary, confirmed, disagreements) => {
    const { fidelity } = plan(desired(), snapshot(), { verification });

    expect(fidelity?.summary).toBe(summary);
    expect(fidelity?.byPolicyType?.map((t) => [t.policyType, t.states, t.confirmed])).toEqual([
      [AI_POLICY_TYPE, 1, confirmed[0]],
      [BEDROCK_POLICY_TYPE, 1, confirmed[1]],
    ]);
    expect(fidelity?.states).toBe(2);
    expect(fidelity?.disagreements.map((d) => [d.policyType, d.accountId, d.accounts])).toEqual(
      disagreements,
    );
  });

  it("AWS's Bedrock answer decides the type's verdict: the accounts it speaks for are held to it", () => {
    const aws = fromAws({
      ...none('111111111111'),
      answers: new Map([['111111111111', { content: printed(3) }]]),
    });

    const result = plan(desired(), snapshot(), { verification: aws });

    // The computed state has no guardrail (nothing attached); AWS says version 3 is enforced, so the
    // us-east-1 rule of `expect` holds for the three accounts of that state, the eu-west-1 one does not.
    const bedrock = result.violations.filter((v) => v.policyType === BEDROCK_POLICY_TYPE);
    expect(bedrock.map((v) => v.service)).not.toContain('us-east-1');
    expect(bedrock.some((v) => v.service === 'eu-west-1')).toBe(true);
  });

  it('a plan of AI opt-out alone has no byPolicyType and its line as before', () => {
    const aiOnly = { ...desired(), bedrock: undefined };

    const { fidelity } = plan(aiOnly, snapshot(), { verification: fromAws(undefined) });

    expect(fidelity?.byPolicyType).toBeUndefined();
    expect(fidelity?.summary).toBe('confirmed by AWS for 1 of 1 state');
  });
});

describe("the report formats show each type's confirmation", () => {
  const disagreeing = () => {
    const aws = fromAws({
      ...none('111111111111'),
      answers: new Map([['111111111111', { content: printed(2) }]]),
    });
    const org = snapshot();
    return { plan: plan(desired(), org, { verification: aws }), snapshot: org, state: desired() };
  };
  const render = (format: string) =>
    REPORTS.get(format).render({ ...disagreeing(), generatedAt: new Date('2026-12-07T12:00:00Z') });
  const line =
    'by policy type: AISERVICES_OPT_OUT_POLICY 1 of 1 state confirmed, BEDROCK_POLICY 0 of 1 state confirmed';

  it.each([
    [
      'text',
      line,
      "BEDROCK_POLICY no policy: AWS's answer for account 111111111111 decides the verdict for 3 accounts",
    ],
    [
      'markdown',
      line.replaceAll('_', '\\_'),
      "BEDROCK\\_POLICY no policy: AWS's answer for account 111111111111",
    ],
    ['html', line, 'BEDROCK_POLICY no policy: AWS&#39;s answer for account 111111111111'],
    ['json', '"byPolicyType"', `"policyType": "${BEDROCK_POLICY_TYPE}"`],
  ])('%s: the line with each type, and the disagreement naming its type', (format, summary, disagreement) => {
    const out = render(format);

    expect(out).toContain(summary);
    expect(out).toContain(disagreement);
  });

  it("junit: a case per policy type under AWS's confirmation, the Bedrock one failing with its disagreement", () => {
    const out = render('junit');

    expect(out).toContain(
      '<testsuite name="confirmed by AWS (DescribeEffectivePolicy)" tests="2" failures="1"',
    );
    expect(out).toContain(`<testcase classname="confirmed by AWS" name="${AI_POLICY_TYPE}" time="0"/>`);
    expect(out).toMatch(
      new RegExp(
        `<testcase classname="confirmed by AWS" name="${BEDROCK_POLICY_TYPE}" time="0">\\s*<failure message="no policy: account 111111111111, us-east-1.config_1.identifier computed absent, AWS`,
      ),
    );
  });
});

describe('the accounts AWS is asked about for each type, under one bound of calls', () => {
  // AI opt-out: the production accounts share the root's state, the sandbox has a policy of its own (2
  // states); Bedrock: no policy, one state for all three accounts.
  const PROD_A = '111111111111';
  const PROD_B = '222222222222';
  const SANDBOX = '444444444444';
  const org = () =>
    new OrgBuilder()
      .account('prod-a', 'Workloads/Prod', PROD_A)
      .account('prod-b', 'Workloads/Prod', PROD_B)
      .account('sandbox', 'Sandbox', SANDBOX)
      .withOtherType(BEDROCK_POLICY_TYPE, 'ENABLED')
      .policy('sandbox-lex-in', { services: { lex: entry('optIn') } }, ['Sandbox'])
      .build();

  it.each([
    ['states, room for all', 'states', 200, [PROD_A, SANDBOX], [PROD_A]],
    ['all, room for all', 'all', 200, [PROD_A, SANDBOX, PROD_B], [PROD_A, PROD_B, SANDBOX]],
    [
      "all, 4 calls: every type's first accounts, then the first type's others",
      'all',
      4,
      [PROD_A, SANDBOX, PROD_B],
      [PROD_A],
    ],
    [
      'all, 3 calls: one account of each state of both types, and no other',
      'all',
      3,
      [PROD_A, SANDBOX],
      [PROD_A],
    ],
    [
      'all, 2 calls: the first type takes them, in the order the types are given',
      'all',
      2,
      [PROD_A, SANDBOX],
      [],
    ],
    ['states, 0 calls: no account', 'states', 0, [], []],
  ] as const)('%s', (_name, verify, limit, ai, bedrock) => {
    const types = [VERSION_1_POLICY_TYPE, BEDROCK_SECTION_POLICY_TYPE];

    const asked = accountsToVerifyByType(org(), verify, limit, types);

    expect(asked).toEqual([
      { type: VERSION_1_POLICY_TYPE, accountIds: ai, states: 2 },
      { type: BEDROCK_SECTION_POLICY_TYPE, accountIds: bedrock, states: 1 },
    ]);
  });
});

describe("one fidelity from each type's", () => {
  const disagreement = (accountId: string, accounts: number): Disagreement => ({
    state: 'no policy',
    accountId,
    accounts,
    local: { services: {} },
    aws: '',
    differences: [],
    policies: [],
  });
  const settled = {
    nodeId: 'r-test',
    node: 'Root',
    service: 'lex',
    value: 'optIn',
    accountId: '111111111111',
    candidates: [],
  };
  /** AI opt-out: 3 states, 2 asked, both confirmed, in 2 calls; 1 invalid account. */
  const AI: Fidelity = {
    verify: 'all',
    source: 'aws',
    summary: 'the AI line',
    states: 3,
    checked: 2,
    confirmed: 2,
    calls: 2,
    callLimit: 5,
    disagreements: [],
    settledConflicts: [settled],
    invalidAccounts: 1,
  };
  /** Bedrock: 2 states, 1 asked, AWS disagreeing for 4 accounts, in 3 calls; 2 invalid accounts. */
  const BEDROCK: Fidelity = {
    ...AI,
    summary: 'the Bedrock line',
    states: 2,
    checked: 1,
    confirmed: 0,
    calls: 3,
    disagreements: [disagreement('222222222222', 4)],
    settledConflicts: [],
    invalidAccounts: 2,
  };
  const byType = [
    { policyType: AI_POLICY_TYPE, states: 3, checked: 2, confirmed: 2, calls: 2, invalidAccounts: 1 },
    { policyType: BEDROCK_POLICY_TYPE, states: 2, checked: 1, confirmed: 0, calls: 3, invalidAccounts: 2 },
  ];
  const both = (ai: Partial<Fidelity>, bedrock: Partial<Fidelity>) =>
    mergedFidelity([
      { policyType: AI_POLICY_TYPE, fidelity: { ...AI, ...ai } },
      { policyType: BEDROCK_POLICY_TYPE, fidelity: { ...BEDROCK, ...bedrock } },
    ]);
  /** Every figure of both types together, but `callLimit`, `leftOrganization` and `summary`. */
  const sums: Omit<Fidelity, 'summary'> = {
    verify: 'all',
    source: 'aws',
    states: 5,
    checked: 3,
    confirmed: 2,
    calls: 5,
    disagreements: [disagreement('222222222222', 4)],
    settledConflicts: [settled],
    invalidAccounts: 3,
    byPolicyType: byType,
  };
  /** What a plan from a snapshot has of each type: no call, nothing asked or listed. */
  const FROM_SNAPSHOT = {
    source: 'snapshot',
    checked: 0,
    confirmed: 0,
    calls: 0,
    callLimit: undefined,
    invalidAccounts: 0,
  } as const;
  const AWS_LINE =
    'confirmed by AWS for 2 of 5 states; AWS disagrees on 1 state, and its answer decides the verdict for 4 accounts; 2 not checked';
  const TYPES_LINE =
    'by policy type: AISERVICES_OPT_OUT_POLICY 2 of 3 states confirmed, BEDROCK_POLICY 0 of 2 states confirmed';

  it.each<[string, Partial<Fidelity>, Partial<Fidelity>, Fidelity]>([
    [
      'the figures summed, the call bound shared, the accounts that left listed once',
      { leftOrganization: ['333333333333'] },
      { leftOrganization: ['333333333333', '555555555555'] },
      {
        ...sums,
        callLimit: 5,
        leftOrganization: ['333333333333', '555555555555'],
        summary: `${AWS_LINE} (at most 5 DescribeEffectivePolicy calls per run); ${TYPES_LINE}`,
      },
    ],
    [
      'only the second type has accounts that left',
      {},
      { leftOrganization: ['555555555555'] },
      {
        ...sums,
        callLimit: 5,
        leftOrganization: ['555555555555'],
        summary: `${AWS_LINE} (at most 5 DescribeEffectivePolicy calls per run); ${TYPES_LINE}`,
      },
    ],
    [
      'no account left and no call bound: neither is in the result',
      { callLimit: undefined },
      { callLimit: undefined },
      { ...sums, summary: `${AWS_LINE}; ${TYPES_LINE}` },
    ],
    [
      'a snapshot: the states of each type, nothing confirmed',
      { ...FROM_SNAPSHOT, settledConflicts: [] },
      { ...FROM_SNAPSHOT, disagreements: [] },
      {
        ...sums,
        source: 'snapshot',
        checked: 0,
        confirmed: 0,
        calls: 0,
        disagreements: [],
        settledConflicts: [],
        invalidAccounts: 0,
        byPolicyType: byType.map((t) => ({ ...t, checked: 0, confirmed: 0, calls: 0, invalidAccounts: 0 })),
        summary:
          'not confirmed (snapshot): the effective policies of 5 states are computed locally only; by policy type: AISERVICES_OPT_OUT_POLICY 3 states, BEDROCK_POLICY 2 states',
      },
    ],
  ])('%s', (_name, ai, bedrock, merged) => {
    expect(both(ai, bedrock)).toStrictEqual(merged);
  });
});
