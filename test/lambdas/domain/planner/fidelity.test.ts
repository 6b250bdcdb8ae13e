/**
 * The plan with AWS's answers (planner/fidelity.ts, planner/invalid-accounts.ts): AWS's documents are
 * written by hand in the form AWS's documentation prints them (operators stripped,
 * `{"services":{"<key>":{"opt_out_policy":"optOut"}}}`), never produced by the engine under test.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_DESCRIPTION } from '../../../../lambdas/domain/desired-state/types.ts';
import type { OrgSnapshot } from '../../../../lambdas/domain/model.ts';
import type { OrgNode } from '../../../../lambdas/domain/organization.ts';
import {
  accountsToAsk,
  snapshotVerification,
  verificationOfType,
} from '../../../../lambdas/domain/planner/fidelity.ts';
import { accountsToVerifyByType } from '../../../../lambdas/domain/planner/type-fidelity.ts';
import {
  type InvalidAccount,
  type Plan,
  plan,
  type Verification,
} from '../../../../lambdas/domain/planner.ts';
import { renderPolicyDocument } from '../../../../lambdas/domain/policy-types/ai-optout/document.ts';
import { VERSION_1_POLICY_TYPE } from '../../../../lambdas/domain/policy-types/version-1.ts';
import { toReport } from '../../../../lambdas/domain/report/json.ts';
import { renderMarkdown } from '../../../../lambdas/domain/report/markdown.ts';
import { ReportSchema } from '../../../../lambdas/domain/report/schema.ts';
import { renderText } from '../../../../lambdas/domain/report/text.ts';
import { AWS_DOCUMENTS, desiredState, VERIFY_YAML } from '../../../support/effective-policy-cases.ts';
import { entry, OrgBuilder } from '../../../support/org-builder.ts';

const YAML = VERIFY_YAML;
const desired = desiredState;
const AWS = AWS_DOCUMENTS;

/** Root: baseline; Sandbox: an unmanaged policy opting Lex in. Two states: Prod's and Sandbox's. */
function org(
  sandboxPolicies: { name: string; lex: 'optIn' | 'optOut' }[] = [{ name: 'sandbox-lex', lex: 'optIn' }],
) {
  const builder = new OrgBuilder()
    .account('management')
    .account('prod-1', 'Workloads/Prod')
    .account('prod-2', 'Workloads/Prod')
    .account('sandbox-1', 'Sandbox')
    .account('sandbox-2', 'Sandbox');
  builder.policy('baseline', renderPolicyDocument({ default: 'optOut', lock: 'declared' }), ['root'], {
    managed: true,
    id: 'p-baseline1',
    description: DEFAULT_POLICY_DESCRIPTION,
  });
  for (const [i, p] of sandboxPolicies.entries()) {
    builder.policy(p.name, { services: { lex: entry(p.lex) } }, ['Sandbox'], { id: `p-sandbox${i}00` });
  }
  return builder;
}

function answered(
  answers: Record<string, string | undefined>,
  options: { verify?: 'states' | 'all'; invalid?: InvalidAccount[]; limit?: number } = {},
): Verification {
  return {
    source: 'aws',
    verify: options.verify ?? 'states',
    answers: new Map(Object.entries(answers).map(([id, content]) => [id, { content }])),
    calls: Object.keys(answers).length,
    callLimit: options.limit ?? 200,
    invalidAccounts: options.invalid ?? [],
  };
}

function planWith(builder: OrgBuilder, answers: Record<string, string | undefined>, options = {}): Plan {
  return plan(desired(YAML), builder.build(), { verification: answered(answers, options) });
}

/** The AI opt-out accounts to ask about, and the number of distinct states, of an organization. */
function accountsToVerify(snapshot: OrgSnapshot, verify: 'states' | 'all', limit: number) {
  const [ai] = accountsToVerifyByType(snapshot, verify, limit, [VERSION_1_POLICY_TYPE]);
  return { accountIds: ai?.accountIds ?? [], states: ai?.states ?? 0 };
}

describe('which accounts AWS is asked about', () => {
  it('one per distinct effective state (the accounts of one chain share it), or every account', () => {
    const b = org();
    const snapshot = b.build();
    const states = accountsToVerify(snapshot, 'states', 200);
    // management and prod-* share the root's state; sandbox-* share Sandbox's.
    expect(states).toEqual({ accountIds: [b.idOf('management'), b.idOf('sandbox-1')], states: 2 });
    const all = accountsToVerify(snapshot, 'all', 200);
    expect(all.accountIds.slice(0, 2)).toEqual(states.accountIds);
    expect([...all.accountIds].sort()).toEqual(snapshot.accounts.map((a) => a.id).sort());
    expect(accountsToVerify(snapshot, 'all', 3).accountIds).toHaveLength(3);
  });

  it('with the policy type disabled nothing applies: one state for every account', () => {
    const b = org().withPolicyType(undefined);
    expect(accountsToVerify(b.build(), 'states', 200)).toEqual({
      accountIds: [b.idOf('management')],
      states: 1,
    });
  });

  it('does not grow with accounts that join an existing state', () => {
    const b = org();
    for (let i = 0; i < 30; i++) b.account(`prod-x${i}`, 'Workloads/Prod').account(`sbx-x${i}`, 'Sandbox');
    expect(accountsToVerify(b.build(), 'states', 200).accountIds).toHaveLength(2);
  });
});

describe('plan with AWS confirming', () => {
  it('agreement: "confirmed by AWS for 2 of 2 states", the verdict unchanged', () => {
    const b = org();
    const result = planWith(b, { [b.idOf('management')]: AWS.optedOut, [b.idOf('sandbox-1')]: AWS.lexIn });
    expect(result.fidelity).toMatchObject({
      source: 'aws',
      summary: 'confirmed by AWS for 2 of 2 states',
      states: 2,
      checked: 2,
      confirmed: 2,
      calls: 2,
      disagreements: [],
    });
    expect(result.violations.map((v) => `${v.accountName} ${v.service} ${v.actual}`)).toEqual([
      'sandbox-1 lex optIn',
      'sandbox-2 lex optIn',
    ]);
  });

  it("disagreement: AWS's document decides the verdict for every account of the state, and is named", () => {
    const b = org();
    const result = planWith(b, { [b.idOf('management')]: AWS.optedOut, [b.idOf('sandbox-1')]: AWS.lexOut });
    expect(result.changes).toEqual([]);
    expect(result.effectiveChanges).toEqual([]);
    expect(result.verdict).toBe('in-sync');
    expect(result.violations).toEqual([]);
    expect(result.fidelity?.summary).toBe(
      'confirmed by AWS for 1 of 2 states; AWS disagrees on 1 state, and its answer decides the verdict for 2 accounts',
    );
    expect(result.fidelity?.disagreements).toEqual([
      {
        state: 'Root: baseline (p-baseline1) → Root/Sandbox: sandbox-lex (p-sandbox000)',
        accountId: b.idOf('sandbox-1'),
        accounts: 2,
        local: { services: { default: { opt_out_policy: 'optOut' }, lex: { opt_out_policy: 'optIn' } } },
        aws: AWS.lexOut,
        differences: [{ service: 'lex', local: 'optIn', aws: 'optOut' }],
        policies: [
          { policyId: 'p-baseline1', policyName: 'baseline', nodeId: b.rootId, node: 'Root' },
          {
            policyId: 'p-sandbox000',
            policyName: 'sandbox-lex',
            nodeId: b.idOf('Sandbox'),
            node: 'Root/Sandbox',
          },
        ],
      },
    ]);
  });

  it('disagreement the other way: AWS opts an account in that we computed out; the cause is a policy of its chain', () => {
    const b = org();
    const result = planWith(b, { [b.idOf('management')]: AWS.lexIn, [b.idOf('sandbox-1')]: AWS.lexIn });
    expect(result.verdict).toBe('drift');
    // The root's state (management, prod-1, prod-2) now has lex optIn, as AWS says.
    expect(
      result.violations
        .filter((v) => v.service === 'lex')
        .map((v) => v.accountName)
        .sort(),
    ).toEqual(['management', 'prod-1', 'prod-2', 'sandbox-1', 'sandbox-2']);
    // No policy of the root's chain assigns lex optIn: nothing to blame but AWS's answer.
    expect(result.violations.find((v) => v.accountName === 'prod-1')).toMatchObject({
      cause: 'aws',
      causeDetail: "as AWS's effective policy says; no AI opt-out policy read here sets it",
    });
    expect(result.fidelity?.confirmed).toBe(1);
  });

  it('EffectivePolicyNotFoundException is no effective policy: equal to an empty state, else a disagreement', () => {
    const empty = new OrgBuilder().account('management').account('prod-1', 'Prod');
    const none = plan(desired(YAML), empty.build(), {
      verification: answered({ [empty.idOf('management')]: undefined }),
    });
    expect(none.fidelity).toMatchObject({ confirmed: 1, states: 1, disagreements: [] });

    const b = org();
    const result = planWith(b, { [b.idOf('management')]: undefined, [b.idOf('sandbox-1')]: AWS.lexIn });
    expect(result.fidelity?.disagreements[0]).toMatchObject({
      aws: '',
      differences: [{ service: 'default', local: 'optOut', aws: 'absent' }],
      accounts: 3,
    });
    expect(result.violations.filter((v) => v.service === 'default').map((v) => v.actual)).toEqual([
      'unset',
      'unset',
      'unset',
    ]);
  });

  it('a document AWS wrote in a form we cannot read is a disagreement, and the computed state stands', () => {
    const b = org();
    const result = planWith(b, { [b.idOf('management')]: 'not json', [b.idOf('sandbox-1')]: AWS.lexIn });
    expect(result.fidelity?.disagreements[0]).toMatchObject({ error: 'the effective policy is not JSON' });
    expect(result.violations).toHaveLength(2);
  });

  it('a value AWS carries through unchanged (`OptOut`) is reported verbatim and counts as unset', () => {
    const b = org();
    const odd = '{"services":{"default":{"opt_out_policy":"OptOut"}}}';
    const result = planWith(b, { [b.idOf('management')]: odd, [b.idOf('sandbox-1')]: AWS.lexIn });
    expect(result.fidelity?.disagreements[0]?.differences).toEqual([
      { service: 'default', local: 'optOut', aws: 'OptOut' },
    ]);
    expect(result.violations.find((v) => v.accountName === 'prod-1')).toMatchObject({
      service: 'default',
      actual: 'unset',
    });
  });

  it('states past the bound of calls stay unchecked, and the summary says so', () => {
    const b = org();
    const result = planWith(b, { [b.idOf('management')]: AWS.optedOut }, { limit: 1 });
    expect(result.fidelity?.summary).toBe(
      'confirmed by AWS for 1 of 2 states; 1 not checked (at most 1 DescribeEffectivePolicy call per run)',
    );
  });

  it('verify all: each account is judged by its own answer', () => {
    const b = org();
    const answers = Object.fromEntries(
      b.build().accounts.map((a) => [a.id, a.name.startsWith('sandbox') ? AWS.lexIn : AWS.optedOut]),
    );
    answers[b.idOf('sandbox-2')] = AWS.lexOut;
    const result = planWith(b, answers, { verify: 'all' });
    expect(result.fidelity).toMatchObject({ states: 2, checked: 2, confirmed: 1, calls: 5 });
    expect(result.fidelity?.disagreements.map((d) => [d.accountId, d.accounts])).toEqual([
      [b.idOf('sandbox-2'), 1],
    ]);
    expect(result.violations.map((v) => v.accountName)).toEqual(['sandbox-1']);
  });
});

describe('same-node conflicts settled by AWS', () => {
  const conflicting = [
    { name: 'sandbox-lex-in', lex: 'optIn' as const },
    { name: 'sandbox-lex-out', lex: 'optOut' as const },
  ];

  it('without AWS the plan assumes optIn and says so', () => {
    const result = plan(desired(YAML), org(conflicting).build());
    expect(result.warnings.find((w) => w.code === 'same-node-conflict')?.message).toMatch(
      /this plan assumes optIn\.$/,
    );
    expect(result.violations).toHaveLength(2);
  });

  it('AWS applies optOut: the guess is replaced, no violation, and it is not a model disagreement', () => {
    const b = org(conflicting);
    const result = planWith(b, { [b.idOf('management')]: AWS.optedOut, [b.idOf('sandbox-1')]: AWS.lexOut });
    expect(result.violations).toEqual([]);
    expect(result.fidelity).toMatchObject({ confirmed: 2, disagreements: [] });
    expect(result.fidelity?.settledConflicts).toEqual([
      {
        nodeId: b.idOf('Sandbox'),
        node: 'Root/Sandbox',
        service: 'lex',
        value: 'optOut',
        accountId: b.idOf('sandbox-1'),
        candidates: [
          { policyId: 'p-sandbox000', policyName: 'sandbox-lex-in', value: 'optIn' },
          { policyId: 'p-sandbox100', policyName: 'sandbox-lex-out', value: 'optOut' },
        ],
      },
    ]);
    expect(result.warnings.find((w) => w.code === 'same-node-conflict')?.message).toMatch(
      new RegExp(
        `AWS's effective policy for account ${b.idOf('sandbox-1')} settles it as optOut, and this plan follows AWS\\.$`,
      ),
    );
  });

  it('AWS applies optIn: the same value as the guess, now confirmed, and the violations stay', () => {
    const b = org(conflicting);
    const result = planWith(b, { [b.idOf('management')]: AWS.optedOut, [b.idOf('sandbox-1')]: AWS.lexIn });
    expect(result.violations.map((v) => `${v.accountName} ${v.service} ${v.actual}`)).toEqual([
      'sandbox-1 lex optIn',
      'sandbox-2 lex optIn',
    ]);
    expect(result.fidelity?.settledConflicts.map((c) => c.value)).toEqual(['optIn']);
    expect(result.warnings.find((w) => w.code === 'same-node-conflict')?.message).toMatch(
      /settles it as optIn/,
    );
  });
});

describe("AWS's invalid-policy alarms", () => {
  it('each validation error of a listed account is a violation with its code, path and policies', () => {
    const b = org();
    const invalid: InvalidAccount[] = [
      {
        accountId: b.idOf('prod-1'),
        accountName: 'prod-1',
        errors: [
          {
            errorCode: 'ELEMENTS_TOO_MANY',
            errorMessage: 'too many elements',
            pathToError: 'services.lex',
            contributingPolicies: ['p-baseline1'],
          },
        ],
      },
      { accountId: '999988887777', accountName: 'gone', errors: undefined },
    ];
    const result = planWith(
      b,
      { [b.idOf('management')]: AWS.optedOut, [b.idOf('sandbox-1')]: AWS.lexIn },
      { invalid },
    );
    const prod = result.violations.find((v) => v.accountName === 'prod-1');
    expect(prod).toEqual({
      accountId: b.idOf('prod-1'),
      accountName: 'prod-1',
      path: 'Root/Workloads/Prod',
      service: 'lex',
      expected: 'optOut',
      actual: 'unset',
      cause: 'aws:ELEMENTS_TOO_MANY',
      causeDetail:
        'AWS reports the effective policy invalid (ELEMENTS_TOO_MANY at services.lex: too many elements; policies p-baseline1)',
      awsValidation: {
        errorCode: 'ELEMENTS_TOO_MANY',
        errorMessage: 'too many elements',
        pathToError: 'services.lex',
        contributingPolicies: ['p-baseline1'],
      },
    });
    expect(result.violations.find((v) => v.accountId === '999988887777')).toMatchObject({
      service: '*',
      cause: 'aws:invalid',
    });
    // sandbox-1, sandbox-2 (lex optIn), prod-1, and the account AWS lists that the read did not see.
    expect(result.accounts.nonCompliant).toBe(4);
    expect(result.fidelity?.invalidAccounts).toBe(2);
  });
});

describe("AWS's invalid-policy alarms, word for word", () => {
  it('an error with nothing but its code, no error given, errors not read; an account counted once', () => {
    const b = org();
    const invalid: InvalidAccount[] = [
      {
        accountId: b.idOf('sandbox-1'),
        accountName: 'sandbox-1',
        errors: [{ errorCode: 'SOME_CODE', errorMessage: '', pathToError: '', contributingPolicies: [] }],
      },
      { accountId: b.idOf('prod-1'), accountName: 'prod-1', errors: [] },
      { accountId: '999988887777', accountName: 'gone', errors: undefined },
    ];
    const result = planWith(
      b,
      { [b.idOf('management')]: AWS.optedOut, [b.idOf('sandbox-1')]: AWS.lexIn },
      { invalid },
    );
    const listed = result.violations.filter((v) => v.cause.startsWith('aws:'));
    expect(listed.map((v) => [v.accountName, v.path, v.service, v.cause, v.causeDetail])).toEqual([
      [
        'sandbox-1',
        'Root/Sandbox',
        '*',
        'aws:SOME_CODE',
        'AWS reports the effective policy invalid (SOME_CODE)',
      ],
      [
        'prod-1',
        'Root/Workloads/Prod',
        '*',
        'aws:invalid',
        "AWS lists this account's effective policy as invalid; AWS gave no validation error for it",
      ],
      [
        'gone',
        '',
        '*',
        'aws:invalid',
        "AWS lists this account's effective policy as invalid; its validation errors were not read (the bound of calls per run)",
      ],
    ]);
    // sandbox-1 and sandbox-2 already broke expect; prod-1 and the account the read did not see are new.
    expect(result.accounts.nonCompliant).toBe(4);
  });
});

describe('the report', () => {
  it('snapshot: "not confirmed (snapshot)"', () => {
    const result = plan(desired(YAML), org().build(), {
      verification: { source: 'snapshot', verify: 'states' },
    });
    expect(result.fidelity?.summary).toBe(
      'not confirmed (snapshot): the effective policies of 2 states are computed locally only',
    );
    expect(renderText(result)).toContain(
      'Confirmed by AWS (DescribeEffectivePolicy): not confirmed (snapshot)',
    );
  });

  it('JSON carries fidelity (schema-valid); text and markdown show the disagreement in their own section', () => {
    const b = org();
    const result = planWith(b, { [b.idOf('management')]: AWS.optedOut, [b.idOf('sandbox-1')]: AWS.lexOut });
    const report = ReportSchema.parse(JSON.parse(JSON.stringify(toReport(result, new Date()))));
    expect(report.fidelity?.disagreements).toHaveLength(1);
    const text = renderText(result);
    expect(text).toContain('lex: computed optIn, AWS optOut');
    expect(text).toContain(`AWS:      ${AWS.lexOut}`);
    const markdown = renderMarkdown(result);
    expect(markdown).toContain('### Confirmed by AWS (DescribeEffectivePolicy)');
    expect(markdown).toContain('| lex: computed optIn, AWS optOut |');
    expect('fidelity' in toReport(plan(desired(YAML), b.build()), new Date())).toBe(false);
  });
});

describe('accountsToAsk', () => {
  const account = (id: string, status?: string): OrgNode => ({
    id,
    type: 'ACCOUNT',
    name: id,
    parentId: 'r-ab12',
    path: 'Root',
    children: [],
    ...(status ? { status } : {}),
  });
  // Three states: accounts listed out of order, a suspended account first by id, a state of suspended
  // accounts only, and a state with no account.
  const groups = new Map<string, OrgNode[]>([
    ['a', [account('300000000000', 'ACTIVE'), account('100000000000', 'SUSPENDED'), account('200000000000')]],
    ['b', [account('500000000000', 'SUSPENDED'), account('400000000000', 'PENDING_CLOSURE')]],
    ['c', []],
    ['d', [account('600000000000', 'ACTIVE')]],
    ['e', [account('700000000000', 'SUSPENDED'), account('800000000000', 'ACTIVE')]],
  ]);

  it('one account of each state: the first active one by id (or one without a status), else the first by id', () => {
    expect(accountsToAsk(groups, 'states', 10)).toEqual([
      '200000000000',
      '400000000000',
      '600000000000',
      '800000000000',
    ]);
  });

  it('verify all: then every other account of each state, by id; the bound cuts those first', () => {
    expect(accountsToAsk(groups, 'all', 10)).toEqual([
      '200000000000',
      '400000000000',
      '600000000000',
      '800000000000',
      '100000000000',
      '300000000000',
      '500000000000',
      '700000000000',
    ]);
    expect(accountsToAsk(groups, 'all', 5)).toEqual([
      '200000000000',
      '400000000000',
      '600000000000',
      '800000000000',
      '100000000000',
    ]);
    expect(accountsToAsk(groups, 'states', 2)).toEqual(['200000000000', '400000000000']);
  });

  it('leaves the groups it was given in their order', () => {
    expect(groups.get('a')?.map((a) => a.id)).toEqual(['300000000000', '100000000000', '200000000000']);
  });
});

describe('fidelity without AWS, and accounts that left', () => {
  it('verify none: "not confirmed (verify none)"; a snapshot: its verification', () => {
    expect(snapshotVerification('all')).toEqual({ source: 'snapshot', verify: 'all' });
    const result = plan(desired(YAML), org().build(), { verification: { source: 'none', verify: 'none' } });
    expect(result.fidelity?.summary).toBe(
      'not confirmed (verify none): the effective policies of 2 states are computed locally only',
    );
  });

  it('names the accounts AWS listed that left the organization, and only when there are some', () => {
    const b = org();
    const answers = { [b.idOf('management')]: AWS.optedOut, [b.idOf('sandbox-1')]: AWS.lexIn };
    const fromAws = answered(answers) as Extract<Verification, { source: 'aws' }>;
    const left = plan(desired(YAML), b.build(), {
      verification: { ...fromAws, leftOrganization: ['999999999999'] },
    });
    expect(left.fidelity?.leftOrganization).toEqual(['999999999999']);
    const none = plan(desired(YAML), b.build(), {
      verification: { ...fromAws, leftOrganization: [] },
    });
    expect(none.fidelity && 'leftOrganization' in none.fidelity).toBe(false);
  });
});

describe("one policy type's share of a confirmation (verificationOfType)", () => {
  it.each([
    ['a snapshot', snapshotVerification('states')],
    ['verify none', { source: 'none', verify: 'none' } as const],
  ])('%s did not ask AWS, for any type: the verification is passed on as it is', (_name, verification) => {
    expect(verificationOfType(verification, 'TYPE_B')).toBe(verification);
  });

  const typeB = { answers: new Map([['111111111111', { content: '{}' }]]), calls: 1, invalidAccounts: [] };
  const aws: Verification = {
    source: 'aws',
    verify: 'states',
    callLimit: 200,
    answers: new Map([['222222222222', { content: undefined }]]),
    calls: 2,
    invalidAccounts: [{ accountId: '222222222222', accountName: 'dev', errors: undefined }],
    otherTypes: new Map([['TYPE_B', typeB]]),
  };

  it("a type AWS was asked about: that type's answers, calls and invalid accounts, under the shared limit", () => {
    expect(verificationOfType(aws, 'TYPE_B')).toStrictEqual({
      source: 'aws',
      verify: 'states',
      callLimit: 200,
      ...typeB,
    });
  });

  it('a type AWS was not asked about: no answers, no calls, no invalid accounts (each of its states is not checked)', () => {
    expect(verificationOfType(aws, 'TYPE_C')).toStrictEqual({
      source: 'aws',
      verify: 'states',
      callLimit: 200,
      answers: new Map(),
      calls: 0,
      invalidAccounts: [],
    });
  });
});
