/**
 * Confirming with AWS through the real SDK: moto has no DescribeEffectivePolicy,
 * ListAccountsWithInvalidEffectivePolicy or ListEffectivePolicyValidationErrors, so the fault proxy
 * answers them from a scripted model (test/support/effective-policy-model.ts) in AWS's wire format.
 * AWS's documents are written here by hand, in the form AWS's documentation prints them.
 */
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { beforeEach, describe, expect, it } from 'vitest';
import { Throttle } from '../../../../lambdas/adapters/organizations/throttle.ts';
import { DEFAULT_POLICY_DESCRIPTION } from '../../../../lambdas/domain/desired-state/types.ts';
import { PermissionError, ServiceUnavailableError } from '../../../../lambdas/domain/errors.ts';
import { MANAGED_TAG_KEY } from '../../../../lambdas/domain/model.ts';
import { renderPolicyDocument } from '../../../../lambdas/domain/policy-types/ai-optout/document.ts';
import { renderText } from '../../../../lambdas/domain/report/text.ts';
import { planLive, type ReconcileOptions } from '../../../../lambdas/reconciler.ts';
import { type CallCounts, countCalls } from '../../../support/call-counts.ts';
import { AWS_DOCUMENTS, desiredState, VERIFY_YAML } from '../../../support/effective-policy-cases.ts';
import { useLiveEnvironment } from '../../../support/live-env.ts';
import {
  addAccount,
  addPolicy,
  createLzaOrg,
  type MotoOrg,
  TEST_CREDENTIALS,
} from '../../../support/moto-org.ts';
import { entry } from '../../../support/org-builder.ts';

const env = useLiveEnvironment();

const state = desiredState(VERIFY_YAML);
const AWS = AWS_DOCUMENTS;

function tool(options: Partial<ReconcileOptions> & { maxAttempts?: number } = {}) {
  const client = new OrganizationsClient({
    region: 'us-east-1',
    endpoint: env.proxy.endpoint,
    credentials: TEST_CREDENTIALS,
    maxAttempts: options.maxAttempts ?? 3,
  });
  const counts: CallCounts = countCalls(client);
  return { client, counts, throttle: new Throttle({ rates: 'none' }), ...options };
}

let org: MotoOrg;
/** The root's state: management, log-archive, audit, prod-app, dev-app. Sandbox's: sandbox-1, sandbox-2. */
const ROOT_STATE = ['management', 'log-archive', 'audit', 'prod-app', 'dev-app'];
const SANDBOX_STATE = ['sandbox-1', 'sandbox-2'];

function script(names: readonly string[], document: string | null): void {
  for (const name of names) env.proxy.effectivePolicies.documents.set(org.idOf(name), document);
}

const described = () => env.proxy.seen.filter((s) => s.operation === 'DescribeEffectivePolicy');

beforeEach(async () => {
  org = await createLzaOrg(env.admin, { enable: true });
  await addPolicy(
    env.admin,
    org,
    'baseline',
    renderPolicyDocument({ default: 'optOut', lock: 'declared' }),
    ['root'],
    {
      tags: { [MANAGED_TAG_KEY]: 'true' },
      description: DEFAULT_POLICY_DESCRIPTION,
    },
  );
  await addPolicy(env.admin, org, 'sandbox-lex', { services: { lex: entry('optIn') } }, ['Sandbox']);
});

describe('DescribeEffectivePolicy through the SDK', () => {
  it('agreement: one call per distinct state, "confirmed by AWS for 2 of 2 states"', async () => {
    script(ROOT_STATE, AWS.optedOut);
    script(SANDBOX_STATE, AWS.lexIn);
    const t = tool();
    const { plan } = await planLive(state, t);
    expect(plan.fidelity).toMatchObject({ summary: 'confirmed by AWS for 2 of 2 states', calls: 2 });
    expect(t.counts.DescribeEffectivePolicy).toBe(2);
    expect(t.counts.ListAccountsWithInvalidEffectivePolicy).toBe(1);
    expect(t.counts.ListEffectivePolicyValidationErrors).toBeUndefined();
    expect(plan.violations.map((v) => `${v.accountName} ${v.service}`)).toEqual([
      'sandbox-1 lex',
      'sandbox-2 lex',
    ]);
  });

  it('calls grow with distinct states, not with accounts', async () => {
    const first = tool();
    await planLive(state, first);
    for (let i = 0; i < 6; i++) {
      await addAccount(env.admin, org, `prod-${i}`, 'Workloads/Prod');
      await addAccount(env.admin, org, `sbx-${i}`, 'Sandbox');
    }
    const more = tool();
    const { plan } = await planLive(state, more);
    expect(plan.accounts.total).toBe(19);
    expect([first.counts.DescribeEffectivePolicy, more.counts.DescribeEffectivePolicy]).toEqual([2, 2]);
    // A third chain (a policy on Workloads/Dev) is a third state, and a third call.
    await addPolicy(env.admin, org, 'dev-lex', { services: { lex: entry('optOut') } }, ['Workloads/Dev']);
    const third = tool();
    expect((await planLive(state, third)).plan.fidelity?.states).toBe(3);
    expect(third.counts.DescribeEffectivePolicy).toBe(3);
    // verify all asks about every account.
    const all = tool({ verify: 'all' });
    await planLive(state, all);
    expect(all.counts.DescribeEffectivePolicy).toBe(19);
  });

  it("disagreement: AWS's answer decides the verdict for the state's accounts", async () => {
    script(ROOT_STATE, AWS.optedOut);
    script(SANDBOX_STATE, AWS.lexOut);
    const { plan } = await planLive(state, tool());
    expect(plan.verdict).toBe('in-sync');
    expect(plan.fidelity?.disagreements.map((d) => [d.accounts, d.differences])).toEqual([
      [2, [{ service: 'lex', local: 'optIn', aws: 'optOut' }]],
    ]);
    expect(plan.fidelity?.disagreements[0]?.policies.map((p) => p.policyName)).toEqual([
      'baseline',
      'sandbox-lex',
    ]);
  });

  it('a same-node conflict is settled by AWS, either way', async () => {
    await addPolicy(env.admin, org, 'sandbox-lex-out', { services: { lex: entry('optOut') } }, ['Sandbox']);
    script(ROOT_STATE, AWS.optedOut);
    script(SANDBOX_STATE, AWS.lexOut);
    const out = (await planLive(state, tool())).plan;
    expect(out.violations).toEqual([]);
    expect(out.fidelity?.settledConflicts.map((c) => `${c.node} ${c.service} ${c.value}`)).toEqual([
      'Root/Sandbox lex optOut',
    ]);
    script(SANDBOX_STATE, AWS.lexIn);
    const inn = (await planLive(state, tool())).plan;
    expect(inn.violations.map((v) => v.accountName)).toEqual(['sandbox-1', 'sandbox-2']);
    expect(inn.fidelity?.settledConflicts.map((c) => c.value)).toEqual(['optIn']);
    expect(inn.fidelity?.disagreements).toEqual([]);
  });

  it('EffectivePolicyNotFoundException: no effective policy, AWS deciding', async () => {
    script(ROOT_STATE, null);
    script(SANDBOX_STATE, AWS.lexIn);
    const { plan } = await planLive(state, tool());
    expect(plan.fidelity?.disagreements[0]).toMatchObject({
      aws: '',
      differences: [{ service: 'default', local: 'optOut', aws: 'absent' }],
      accounts: 5,
    });
    expect(
      plan.violations
        .filter((v) => v.service === 'default')
        .map((v) => v.accountId)
        .sort(),
    ).toEqual(ROOT_STATE.map((name) => org.idOf(name)).sort());
  });

  it('throttling: a throttled call is retried; one throttled past the retries fails the run as unavailable', async () => {
    env.proxy.addFault({ operation: 'DescribeEffectivePolicy', times: 1, type: 'TooManyRequestsException' });
    const retried = await planLive(state, tool());
    expect(retried.plan.fidelity?.confirmed).toBe(2);
    expect(described().filter((s) => s.faulted)).toHaveLength(1);
    env.proxy.addFault({
      operation: 'DescribeEffectivePolicy',
      times: Infinity,
      type: 'TooManyRequestsException',
    });
    const error = await planLive(state, tool({ maxAttempts: 2 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toMatch(
      /^AWS organizations kept failing DescribeEffectivePolicy after 2 attempts/,
    );
  });

  it('access denied names the permission; verify none makes none of the calls', async () => {
    env.proxy.addFault({
      operation: 'DescribeEffectivePolicy',
      times: Infinity,
      type: 'AccessDeniedException',
    });
    const denied = await planLive(state, tool()).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(PermissionError);
    expect((denied as PermissionError).permission).toBe('organizations:DescribeEffectivePolicy');
    const t = tool({ verify: 'none' });
    const { plan } = await planLive(state, t);
    expect(plan.fidelity?.summary).toMatch(/^not confirmed \(verify none\)/);
    expect(Object.keys(t.counts).filter((op) => op.includes('Effective'))).toEqual([]);
    expect(t.counts.ListRoots).toBeGreaterThan(0);
  });
});

describe("AWS's invalid-policy alarms through the SDK", () => {
  it('every page of every listed account is read; each error is a violation', async () => {
    script(ROOT_STATE, AWS.optedOut);
    script(SANDBOX_STATE, AWS.lexIn);
    const errors = Array.from({ length: 21 }, (_, i) => ({
      ErrorCode: 'ELEMENTS_TOO_MANY',
      ErrorMessage: `error ${i}`,
      PathToError: 'services.lex',
      ContributingPolicies: ['p-12345678'],
    }));
    env.proxy.effectivePolicies.invalid.push({ id: org.idOf('prod-app'), name: 'prod-app', errors });
    const t = tool();
    const { plan } = await planLive(state, t);
    expect(t.counts.ListEffectivePolicyValidationErrors).toBe(2);
    const prod = plan.violations.filter((v) => v.accountName === 'prod-app');
    expect(prod).toHaveLength(21);
    expect(prod[20]?.awsValidation).toEqual({
      errorCode: 'ELEMENTS_TOO_MANY',
      errorMessage: 'error 20',
      pathToError: 'services.lex',
      contributingPolicies: ['p-12345678'],
    });
    expect(plan.fidelity?.invalidAccounts).toBe(1);
    expect(JSON.stringify(plan)).not.toContain('@example.com');
  });

  it('an account that left before its errors were read (AccountNotFoundException) is no violation', async () => {
    script(ROOT_STATE, AWS.optedOut);
    script(SANDBOX_STATE, AWS.lexIn);
    const error = { ErrorCode: 'ELEMENTS_TOO_MANY', PathToError: 'services.lex' };
    env.proxy.effectivePolicies.invalid.push(
      { id: org.idOf('audit'), name: 'audit', errors: [error] },
      { id: org.idOf('prod-app'), name: 'prod-app', errors: [error] },
    );
    env.proxy.addFault({
      operation: 'ListEffectivePolicyValidationErrors',
      times: 1,
      type: 'AccountNotFoundException',
    });
    const t = tool();
    const { plan } = await planLive(state, t);
    expect(t.counts.ListEffectivePolicyValidationErrors).toBe(2);
    const invalid = plan.violations.filter((v) => v.cause === 'aws:ELEMENTS_TOO_MANY');
    expect(invalid).toHaveLength(1);
    const [gone] = [org.idOf('audit'), org.idOf('prod-app')].filter((id) => id !== invalid[0]?.accountId);
    expect(plan.fidelity).toMatchObject({ invalidAccounts: 1, leftOrganization: [gone] });
    expect(renderText(plan)).toContain(
      `AWS listed 1 account with an invalid effective policy that left the organization before its errors were read (${gone}): not counted`,
    );
  });

  it('past the bound of calls, a listed account is still a violation, its errors not read', async () => {
    env.proxy.effectivePolicies.invalid.push({ id: org.idOf('audit'), name: 'audit', errors: [] });
    const t = tool({ verifyCallLimit: 2 });
    const { plan } = await planLive(state, t);
    expect(t.counts.ListEffectivePolicyValidationErrors).toBeUndefined();
    expect(plan.violations.find((v) => v.accountName === 'audit')?.causeDetail).toBe(
      "AWS lists this account's effective policy as invalid; its validation errors were not read (the bound of calls per run)",
    );
  });
});
