/**
 * Apply under faults: an interruption at every step boundary (before a write reaches AWS, and after it
 * did but the answer was lost) must leave an organization the next apply finishes, with no duplicate
 * policy and nothing lost; and the AWS errors moto never produces are injected through the fault proxy.
 */

import { ListPoliciesCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import { Throttle } from '../../../../lambdas/adapters/organizations/throttle.ts';
import { loadDesiredState } from '../../../../lambdas/domain/desired-state/loader.ts';
import type { DesiredState } from '../../../../lambdas/domain/desired-state/types.ts';
import { ServiceUnavailableError } from '../../../../lambdas/domain/errors.ts';
import { MANAGED_TAG_KEY } from '../../../../lambdas/domain/model.ts';
import { renderPolicyDocument } from '../../../../lambdas/domain/policy-types/ai-optout/document.ts';
import { AI_POLICY_TYPE } from '../../../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { planLive, type ReconcileOptions } from '../../../../lambdas/reconciler.ts';
import { applyLive } from '../../../support/apply-live.ts';
import { countCalls, WRITE_OPERATIONS } from '../../../support/call-counts.ts';
import { useLiveEnvironment } from '../../../support/live-env.ts';
import {
  addPolicy,
  createLzaOrg,
  enableAiPolicyType,
  type MotoOrg,
  TEST_CREDENTIALS,
} from '../../../support/moto-org.ts';

const env = useLiveEnvironment();

function tool(): ReconcileOptions & { sleeps: number[] } {
  const client = new OrganizationsClient({
    region: 'us-east-1',
    endpoint: env.proxy.endpoint,
    credentials: TEST_CREDENTIALS,
    maxAttempts: 2,
  });
  countCalls(client);
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
  };
  return {
    client,
    sleeps,
    throttle: new Throttle({ rates: 'none' }),
    sleep,
    apply: { sleep, random: () => 1 },
    rereadDelaysMs: [0],
  };
}

function desired(yaml: string): DesiredState {
  const result = loadDesiredState(yaml, { file: 'ai-optout.yaml' });
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.state;
}

/** Every kind of step at once: enable, create, adopt, update, attach, detach, delete. */
const YAML = `
version: 1
policies:
  - name: baseline
    description: baseline
    default: optOut
    lock: declared
    targets: [root]
  - name: production
    description: production
    default: optOut
    targets:
      - ou: Workloads/Prod
  - name: guide-policy
    description: adopted
    services: { lex: optIn }
    lock: none
    adopt: true
    targets:
      - ou: Sandbox
expect:
  optOut: all
  except:
    - ou: Sandbox
      services: [lex]
`;

async function seed(): Promise<MotoOrg> {
  const org = await createLzaOrg(env.admin);
  await enableAiPolicyType(env.admin, org);
  await addPolicy(
    env.admin,
    org,
    'guide-policy',
    '{"services":{"lex":{"opt_out_policy":{"@@assign":"optIn"}}}}',
    ['Sandbox'],
  );
  await addPolicy(
    env.admin,
    org,
    'production',
    '{"services":{"default":{"opt_out_policy":{"@@assign":"optIn"}}}}',
    ['Workloads/Dev'],
    {
      tags: { [MANAGED_TAG_KEY]: 'true' },
      description: 'production',
    },
  );
  await addPolicy(
    env.admin,
    org,
    'retired',
    renderPolicyDocument({ services: { polly: 'optOut' }, lock: 'all' }),
    ['Security'],
    {
      tags: { [MANAGED_TAG_KEY]: 'true' },
    },
  );
  return org;
}

async function policyNames(): Promise<string[]> {
  const list = await env.admin.send(new ListPoliciesCommand({ Filter: AI_POLICY_TYPE }));
  return (list.Policies ?? []).map((p) => p.Name as string).sort();
}

const FRESH_YAML = `
version: 1
policies:
  - name: baseline
    default: optOut
    targets: [root]
  - name: sandbox
    services: { lex: optOut }
    targets: [{ ou: Sandbox }, { account: prod-app }]
`;

const scenarios = [
  {
    name: 'every kind of policy step',
    yaml: YAML,
    seed,
    names: ['baseline', 'guide-policy', 'production'],
    sequence: [
      'CreatePolicy',
      'TagResource',
      'UpdatePolicy',
      'UpdatePolicy',
      'AttachPolicy',
      'AttachPolicy',
      'DetachPolicy',
      'DetachPolicy',
      'DeletePolicy',
    ],
  },
  {
    name: 'a fresh organization with the type disabled',
    yaml: FRESH_YAML,
    seed: () => createLzaOrg(env.admin),
    names: ['baseline', 'sandbox'],
    sequence: [
      'EnablePolicyType',
      'CreatePolicy',
      'CreatePolicy',
      'AttachPolicy',
      'AttachPolicy',
      'AttachPolicy',
    ],
  },
];

describe.each(scenarios)('apply interrupted at every step boundary: $name', (scenario) => {
  it('the uninterrupted apply makes the writes this test interrupts', async () => {
    await scenario.seed();
    env.proxy.seen.length = 0;
    const result = await applyLive(desired(scenario.yaml), tool());
    expect(result.converged).toBe(true);
    expect(env.proxy.seen.filter((s) => WRITE_OPERATIONS.has(s.operation)).map((s) => s.operation)).toEqual(
      scenario.sequence,
    );
  });

  for (const when of ['before', 'after'] as const) {
    it(`a failure ${when} any write leaves an organization the next apply finishes`, async () => {
      for (let n = 1; n <= scenario.sequence.length; n++) {
        await env.moto.reset();
        await scenario.seed();
        env.proxy.clearFaults();
        env.proxy.addFault({
          operation: (op) => WRITE_OPERATIONS.has(op),
          skip: n - 1,
          times: 1,
          type: 'InjectedInterruption',
          message: `process stopped ${when} write ${n}`,
          afterForward: when === 'after',
        });
        const interrupted = await applyLive(desired(scenario.yaml), tool()).then(
          () => 'completed',
          (error: Error) => error.message,
        );
        expect(interrupted, `write ${n}`).toMatch(/process stopped/);

        env.proxy.clearFaults();
        const recovery = await applyLive(desired(scenario.yaml), tool());
        // Only a lost answer to the very last write leaves nothing to do.
        const lastWriteLanded = when === 'after' && n === scenario.sequence.length;
        expect(recovery.steps.length > 0, `write ${n}: the recovery had work left`).toBe(!lastWriteLanded);
        expect(recovery.converged, `write ${n}: ${recovery.after.summary}`).toBe(true);
        expect(recovery.after.verdict, `write ${n}`).toBe('in-sync');
        expect(await policyNames(), `write ${n}`).toEqual(scenario.names);
      }
    }, 120_000);
  }
});

describe('apply: AWS errors moto never produces', () => {
  const simple = `
version: 1
policies:
  - name: baseline
    default: optOut
    targets: [root]
  - name: sandbox
    services: { lex: optOut }
    targets: [{ ou: Sandbox }]
`;

  it('an attachment that already exists counts as done', async () => {
    await createLzaOrg(env.admin, { enable: true });
    env.proxy.addFault({
      operation: 'AttachPolicy',
      times: 1,
      type: 'DuplicatePolicyAttachmentException',
      afterForward: true,
    });
    const result = await applyLive(desired(simple), tool());
    expect(result.steps.filter((s) => s.action === 'attach-policy').map((s) => s.outcome)).toEqual([
      'already-done',
      'done',
    ]);
    expect(result.after.verdict).toBe('in-sync');
  });

  it('a detach of a policy that is not attached counts as done', async () => {
    const org = await createLzaOrg(env.admin, { enable: true });
    await addPolicy(
      env.admin,
      org,
      'old',
      renderPolicyDocument({ default: 'optOut', lock: 'all' }),
      ['Security'],
      { tags: { [MANAGED_TAG_KEY]: 'true' } },
    );
    env.proxy.addFault({
      operation: 'DetachPolicy',
      times: 1,
      type: 'PolicyNotAttachedException',
      afterForward: true,
    });
    const result = await applyLive(desired(simple), tool());
    expect(result.steps.find((s) => s.action === 'detach-policy')?.outcome).toBe('already-done');
    expect(result.after.verdict).toBe('in-sync');
    expect(await policyNames()).toEqual(['baseline', 'sandbox']);
  });

  it('ConcurrentModificationException is retried with bounded backoff', async () => {
    await createLzaOrg(env.admin, { enable: true });
    env.proxy.addFault({ operation: 'CreatePolicy', times: 2, type: 'ConcurrentModificationException' });
    const options = tool();
    const result = await applyLive(desired(simple), options);
    expect(result.after.verdict).toBe('in-sync');
    expect(options.sleeps.slice(0, 2)).toEqual([500, 1000]);
  });

  it('a conflict that never clears stops with SystemUnavailable-style error after the budget', async () => {
    await createLzaOrg(env.admin, { enable: true });
    env.proxy.addFault({
      operation: 'AttachPolicy',
      times: Infinity,
      type: 'PolicyChangesInProgressException',
    });
    const options = tool();
    const error = await applyLive(desired(simple), options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toMatch(
      /AttachPolicy kept failing with PolicyChangesInProgressException after 6 attempts/,
    );
    expect(options.sleeps).toEqual([500, 1000, 2000, 4000, 8000]);
  });

  it("a full target gets the plan's detaches for it before the attach", async () => {
    const org = await createLzaOrg(env.admin, { enable: true });
    for (let i = 0; i < 5; i++) {
      await addPolicy(
        env.admin,
        org,
        `old-${i}`,
        renderPolicyDocument({ services: { polly: 'optOut' }, lock: 'none' }),
        ['Sandbox'],
        {
          tags: { [MANAGED_TAG_KEY]: 'true' },
        },
      );
    }
    env.proxy.addFault({
      operation: 'AttachPolicy',
      times: 1,
      skip: 1,
      type: 'ConstraintViolationException',
      extra: { Reason: 'MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED' },
    });
    const result = await applyLive(desired(simple), tool());
    const order = env.proxy.seen
      .filter((s) => WRITE_OPERATIONS.has(s.operation) && !s.faulted)
      .map((s) => s.operation);
    expect(order).toEqual([
      'CreatePolicy',
      'CreatePolicy',
      'AttachPolicy',
      ...Array(5).fill('DetachPolicy'),
      'AttachPolicy',
      ...Array(5).fill('DeletePolicy'),
    ]);
    expect(result.after.verdict).toBe('in-sync');
  });

  it('a create whose first attempt reached AWS is found, not duplicated', async () => {
    await createLzaOrg(env.admin, { enable: true });
    env.proxy.addFault({
      operation: 'CreatePolicy',
      times: 1,
      type: 'ServiceException',
      status: 500,
      afterForward: true,
    });
    const result = await applyLive(desired(simple), tool());
    expect(result.steps.find((s) => s.policy === 'baseline' && s.action === 'create-policy')?.outcome).toBe(
      'already-done',
    );
    expect(result.after.verdict).toBe('in-sync');
    expect(await policyNames()).toEqual(['baseline', 'sandbox']);
  });

  it('waits while the policy type is PENDING_ENABLE, then attaches', async () => {
    await createLzaOrg(env.admin);
    const pending = (body: Record<string, unknown>) => {
      const roots = body.Roots as { PolicyTypes?: { Type: string; Status: string }[] }[];
      for (const root of roots) {
        for (const type of root.PolicyTypes ?? [])
          if (type.Type === AI_POLICY_TYPE) type.Status = 'PENDING_ENABLE';
      }
      return body;
    };
    // The plan's read sees the type disabled; the two polls after EnablePolicyType see it pending.
    env.proxy.addFault({ operation: 'ListRoots', skip: 1, times: 2, type: '', rewrite: pending });
    const options = tool();
    const result = await applyLive(desired(simple), options);
    expect(result.steps.map((s) => s.action)).toEqual([
      'enable-policy-type',
      'create-policy',
      'create-policy',
      'attach-policy',
      'attach-policy',
    ]);
    expect(options.sleeps.slice(0, 2)).toEqual([1000, 2000]);
    const order = env.proxy.seen
      .map((s) => s.operation)
      .filter((op) => op === 'ListRoots' || op === 'EnablePolicyType' || op === 'AttachPolicy');
    expect(order.slice(0, 6)).toEqual([
      'ListRoots',
      'EnablePolicyType',
      'ListRoots',
      'ListRoots',
      'ListRoots',
      'AttachPolicy',
    ]);
    expect(result.after.verdict).toBe('in-sync');
  });

  it('plans against a fresh read each time: a second plan after apply has nothing to do', async () => {
    await createLzaOrg(env.admin, { enable: true });
    await applyLive(desired(simple), tool());
    const { plan } = await planLive(desired(simple), tool());
    expect(plan.changes).toEqual([]);
  });
});
