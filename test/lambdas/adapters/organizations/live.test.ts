/**
 * The live path against moto server: read, plan, apply, verify, every kind of out-of-band change,
 * pagination, faults (through a fault proxy), and interruption at every step boundary.
 */

import {
  DescribePolicyCommand,
  DetachPolicyCommand,
  ListPoliciesCommand,
  ListTagsForResourceCommand,
  ListTargetsForPolicyCommand,
  OrganizationsClient,
  UpdatePolicyCommand,
} from '@aws-sdk/client-organizations';
import { beforeEach, describe, expect, it } from 'vitest';
import { OrganizationsReader } from '../../../../lambdas/adapters/organizations/reader.ts';
import { Throttle } from '../../../../lambdas/adapters/organizations/throttle.ts';
import { loadDesiredState } from '../../../../lambdas/domain/desired-state/loader.ts';
import type { DesiredState } from '../../../../lambdas/domain/desired-state/types.ts';
import {
  ConfigurationError,
  PermissionError,
  ServiceUnavailableError,
} from '../../../../lambdas/domain/errors.ts';
import { MANAGED_TAG_KEY } from '../../../../lambdas/domain/model.ts';
import { renderPolicyDocument } from '../../../../lambdas/domain/policy-types/ai-optout/document.ts';
import { AI_POLICY_TYPE } from '../../../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { OrganizationSession, type SessionOptions } from '../../../../lambdas/organization-session.ts';
import { applyLive } from '../../../support/apply-live.ts';
import { type CallCounts, countCalls, totalCalls, WRITE_OPERATIONS } from '../../../support/call-counts.ts';
import { useLiveEnvironment } from '../../../support/live-env.ts';
import {
  addAccount,
  addOu,
  addPolicy,
  createLzaOrg,
  createOrganization,
  type MotoOrg,
  TEST_CREDENTIALS,
} from '../../../support/moto-org.ts';

const env = useLiveEnvironment();

/** The tool's own client, through the fault proxy, counting calls; no pacing and no real sleeping. */
function tool(options: { maxAttempts?: number } = {}): SessionOptions & { counts: CallCounts } {
  const client = new OrganizationsClient({
    region: 'us-east-1',
    endpoint: env.proxy.endpoint,
    credentials: TEST_CREDENTIALS,
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? 3,
  });
  const counts = countCalls(client);
  const noSleep = async () => {};
  return {
    client,
    counts,
    throttle: new Throttle({ rates: 'none' }),
    sleep: noSleep,
    apply: { sleep: noSleep },
    rereadDelaysMs: [0, 0],
  };
}

/** One session's read, confirmation and plan: what `ai-optout plan` does live. */
async function planned(state: DesiredState, options: SessionOptions) {
  const session = new OrganizationSession(options);
  return session.plan(state, await session.confirm(await session.read()));
}

function desired(yaml: string): DesiredState {
  const result = loadDesiredState(yaml, { file: 'ai-optout.yaml' });
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.state;
}

const writes = (counts: CallCounts) => totalCalls(counts, (op) => WRITE_OPERATIONS.has(op));

const LZA_YAML = `
version: 1
policies:
  - name: ai-optout-baseline
    description: baseline
    default: optOut
    lock: declared
    targets: [root]
  - name: ai-optout-production
    description: production
    default: optOut
    lock: all
    targets:
      - ou: Workloads/Prod
  - name: ai-optout-sandbox
    description: sandbox
    services: { lex: optIn }
    lock: none
    targets:
      - ou: Root/Sandbox
      - account: dev-app
expect:
  optOut: all
  except:
    - ou: Sandbox
      services: [lex]
    - account: dev-app
      services: [lex]
`;

async function aiPolicies(): Promise<
  { id: string; name: string; content: string; tags: Record<string, string>; targets: string[] }[]
> {
  const list = await env.admin.send(new ListPoliciesCommand({ Filter: AI_POLICY_TYPE }));
  return Promise.all(
    (list.Policies ?? []).map(async (p) => {
      const id = p.Id as string;
      const [described, tags, targets] = await Promise.all([
        env.admin.send(new DescribePolicyCommand({ PolicyId: id })),
        env.admin.send(new ListTagsForResourceCommand({ ResourceId: id })),
        env.admin.send(new ListTargetsForPolicyCommand({ PolicyId: id })),
      ]);
      return {
        id,
        name: p.Name as string,
        content: described.Policy?.Content as string,
        tags: Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key, t.Value])),
        targets: (targets.Targets ?? []).map((t) => t.TargetId as string).sort(),
      };
    }),
  );
}

describe('live: a fresh organization end to end', () => {
  it('plan drifts, apply converges, plan is in sync, a second apply writes nothing', async () => {
    const org = await createLzaOrg(env.admin);
    const state = desired(LZA_YAML);

    const first = await planned(state, tool());
    expect(first.plan.verdict).toBe('drift');
    expect(first.plan.changes.map((c) => c.action)).toEqual([
      'enable-policy-type',
      'create-policy',
      'create-policy',
      'create-policy',
      'attach-policy',
      'attach-policy',
      'attach-policy',
      'attach-policy',
    ]);

    const applying = tool();
    const applied = await applyLive(state, applying);
    expect(applied.converged).toBe(true);
    expect(applied.after.verdict).toBe('in-sync');
    expect(applied.steps.every((s) => s.outcome === 'done')).toBe(true);
    expect(writes(applying.counts)).toBe(8);

    const second = tool();
    const again = await planned(state, second);
    expect(again.plan.verdict).toBe('in-sync');
    const reapply = await new OrganizationSession(second).apply(state, again);
    expect(reapply.steps).toEqual([]);
    expect(writes(second.counts)).toBe(0);

    const policies = await aiPolicies();
    expect(policies.map((p) => p.name).sort()).toEqual([
      'ai-optout-baseline',
      'ai-optout-production',
      'ai-optout-sandbox',
    ]);
    for (const policy of policies) expect(policy.tags[MANAGED_TAG_KEY]).toBe('true');
    const byName = Object.fromEntries(policies.map((p) => [p.name, p]));
    expect(byName['ai-optout-baseline']?.targets).toEqual([org.rootId]);
    expect(byName['ai-optout-production']?.targets).toEqual([org.ous['Workloads/Prod']]);
    expect(byName['ai-optout-sandbox']?.targets).toEqual([org.ous.Sandbox, org.accounts['dev-app']].sort());
    expect(byName['ai-optout-baseline']?.content).toBe(
      renderPolicyDocument({ default: 'optOut', lock: 'declared' }),
    );
  });
});

describe('live: out-of-band changes', () => {
  let org: MotoOrg;
  const state = () => desired(LZA_YAML);
  beforeEach(async () => {
    org = await createLzaOrg(env.admin);
    await applyLive(state(), tool());
  });
  const policyId = async (name: string) => (await aiPolicies()).find((p) => p.name === name)?.id as string;

  it('content edited by hand: update-policy, repaired', async () => {
    const id = await policyId('ai-optout-baseline');
    await env.admin.send(
      new UpdatePolicyCommand({
        PolicyId: id,
        Content: '{"services":{"default":{"opt_out_policy":{"@@assign":"optIn"}}}}',
      }),
    );
    const { plan } = await planned(state(), tool());
    expect(plan.changes.map((c) => `${c.action} ${c.policy}`)).toEqual(['update-policy ai-optout-baseline']);
    expect(plan.violations.length).toBeGreaterThan(0);
    const applied = await applyLive(state(), tool());
    expect(applied.after.verdict).toBe('in-sync');
  });

  it('detached by hand: attach-policy, repaired', async () => {
    const id = await policyId('ai-optout-production');
    await env.admin.send(new DetachPolicyCommand({ PolicyId: id, TargetId: org.ous['Workloads/Prod'] }));
    const { plan } = await planned(state(), tool());
    expect(plan.changes.map((c) => `${c.action} ${c.policy} ${c.target?.path}`)).toEqual([
      'attach-policy ai-optout-production Root/Workloads/Prod',
    ]);
    expect((await applyLive(state(), tool())).after.verdict).toBe('in-sync');
  });

  for (const lock of ['none', 'declared', 'all'] as const) {
    it(`a rogue policy on an OU with lock ${lock} is reported, never touched, and its effect is a violation`, async () => {
      await addPolicy(
        env.admin,
        org,
        `rogue-${lock}`,
        renderPolicyDocument({ services: { comprehend: 'optIn' }, lock }),
        ['Workloads/Dev'],
      );
      const { plan } = await planned(state(), tool());
      expect(plan.changes.map((c) => `${c.action} ${c.policy} ${c.target?.path}`)).toEqual([
        `unmanaged-policy rogue-${lock} Root/Workloads/Dev`,
      ]);
      expect(plan.violations.map((v) => `${v.accountName}:${v.service}:${v.actual}`)).toEqual([
        'dev-app:comprehend:optIn',
      ]);
      const applying = tool();
      const applied = await applyLive(state(), applying);
      expect(writes(applying.counts)).toBe(0);
      expect(applied.after.verdict).toBe('drift');
      expect((await aiPolicies()).find((p) => p.name === `rogue-${lock}`)?.targets).toEqual([
        org.ous['Workloads/Dev'],
      ]);
    });
  }

  it('a rogue policy on an account under unmanaged: detach is detached, never deleted', async () => {
    await addPolicy(
      env.admin,
      org,
      'rogue-account',
      { services: { polly: { opt_out_policy: { '@@assign': 'optIn' } } } },
      ['log-archive'],
    );
    const detaching = desired(LZA_YAML.replace('version: 1', 'version: 1\nunmanaged: detach'));
    const { plan } = await planned(detaching, tool());
    expect(plan.changes.map((c) => `${c.action} ${c.policy} ${c.target?.path}`)).toEqual([
      'detach-policy rogue-account Root/Security/log-archive',
    ]);
    expect(plan.effectiveChanges).toEqual([
      expect.objectContaining({ accountName: 'log-archive', service: 'polly', from: 'optIn', to: 'optOut' }),
    ]);
    const applied = await applyLive(detaching, tool());
    expect(applied.after.verdict).toBe('in-sync');
    const rogue = (await aiPolicies()).find((p) => p.name === 'rogue-account');
    expect(rogue?.targets).toEqual([]);
  });

  it('a managed policy that is no longer declared is detached and deleted', async () => {
    const without = desired(
      LZA_YAML.replace(/ {2}- name: ai-optout-production[\s\S]*?(?= {2}- name: ai-optout-sandbox)/, ''),
    );
    const { plan } = await planned(without, tool());
    expect(plan.changes.map((c) => c.action)).toEqual(['detach-policy', 'delete-policy']);
    expect((await applyLive(without, tool())).after.verdict).toBe('in-sync');
    expect((await aiPolicies()).map((p) => p.name).sort()).toEqual([
      'ai-optout-baseline',
      'ai-optout-sandbox',
    ]);
  });
});

describe('live: ownership of existing policies', () => {
  const guideContent = '{"services":{"default":{"opt_out_policy":{"@@assign":"optOut"}}}}';
  const YAML = `
version: 1
policies:
  - name: AIOptOut
    default: optOut
    targets: [root]
`;

  it('an untagged policy with a declared name is a configuration error', async () => {
    const org = await createLzaOrg(env.admin, { enable: true });
    await addPolicy(env.admin, org, 'AIOptOut', guideContent, ['root']);
    await expect(planned(desired(YAML), tool())).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('with adopt: true it is tagged and brought in line, and no second policy appears', async () => {
    const org = await createLzaOrg(env.admin, { enable: true });
    const id = await addPolicy(env.admin, org, 'AIOptOut', guideContent, ['root']);
    const adopting = desired(YAML.replace('default: optOut', 'default: optOut\n    adopt: true'));
    const applied = await applyLive(adopting, tool());
    expect(applied.before.changes.map((c) => c.action)).toEqual(['adopt-policy']);
    expect(applied.after.verdict).toBe('in-sync');
    const policies = await aiPolicies();
    expect(policies).toHaveLength(1);
    expect(policies[0]).toMatchObject({
      id,
      tags: { [MANAGED_TAG_KEY]: 'true' },
      content: renderPolicyDocument({ default: 'optOut', lock: 'all' }),
    });
  });
});

describe('live: reading', () => {
  it('follows pagination: more than 20 OUs under one parent, 20+ accounts in one OU, 20+ policies', async () => {
    const org = await createOrganization(env.admin);
    for (let i = 0; i < 23; i++) await addOu(env.admin, org, `Team${i}`);
    for (let i = 0; i < 22; i++) await addAccount(env.admin, org, `acct${i}`, 'Team3');
    await (await import('../../../support/moto-org.ts')).enableAiPolicyType(env.admin, org);
    for (let i = 0; i < 22; i++) await addPolicy(env.admin, org, `p${i}`, guideLike(i), [`Team${i}`]);
    const reading = tool();
    const snapshot = await new OrganizationSession(reading).read();
    expect(snapshot.organizationalUnits).toHaveLength(23);
    expect(snapshot.accounts.filter((a) => a.parentId === org.ous.Team3)).toHaveLength(22);
    expect(snapshot.policies).toHaveLength(22);
    expect(snapshot.policies.find((p) => p.name === 'p7')?.targets).toEqual([org.ous.Team7]);
    expect(reading.counts.ListOrganizationalUnitsForParent).toBe(2 + 23);
    expect(reading.counts.ListPolicies).toBe(2);
  });

  it('calls grow only by account-list pages when accounts grow in a fixed shape of OUs and policies', async () => {
    async function countsFor(perOu: number): Promise<CallCounts> {
      await env.moto.reset();
      const org = await createOrganization(env.admin);
      await (await import('../../../support/moto-org.ts')).enableAiPolicyType(env.admin, org);
      for (const path of ['Security', 'Workloads/Prod', 'Workloads/Dev', 'Sandbox']) {
        for (let i = 0; i < perOu; i++)
          await addAccount(env.admin, org, `${path.replace('/', '-')}-${i}`, path);
      }
      await addPolicy(env.admin, org, 'base', guideLike(0), ['root']);
      await addPolicy(env.admin, org, 'prod', guideLike(1), ['Workloads/Prod', 'Sandbox']);
      const reading = tool();
      await new OrganizationSession(reading).read();
      return reading.counts;
    }
    const small = await countsFor(3);
    const large = await countsFor(45);
    const { ListAccountsForParent: smallPages, ...smallRest } = small;
    const { ListAccountsForParent: largePages, ...largeRest } = large;
    expect(largeRest).toEqual(smallRest);
    // 6 parents (root, Security, Workloads, Prod, Dev, Sandbox): 45 accounts take 3 pages in 4 of them.
    expect(smallPages).toBe(6);
    expect(largePages).toBe(6 + 4 * 2);
  });

  it('access denied names the operation and the permission', async () => {
    await createLzaOrg(env.admin, { enable: true });
    env.proxy.addFault({
      operation: 'ListPolicies',
      times: Infinity,
      type: 'AccessDeniedException',
      message: 'not authorized',
    });
    const error = await planned(desired(LZA_YAML), tool()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as PermissionError).operation).toBe('ListPolicies');
    expect((error as PermissionError).permission).toBe('organizations:ListPolicies');
    expect((error as Error).message).toMatch(
      /^AWS denied ListPolicies: the credentials in use need organizations:ListPolicies/,
    );
  });

  it('throttling is retried by the SDK, and past the budget becomes unavailable', async () => {
    await createLzaOrg(env.admin, { enable: true });
    env.proxy.addFault({
      operation: 'ListRoots',
      times: 2,
      type: 'TooManyRequestsException',
      message: 'Rate exceeded',
    });
    const retried = await planned(desired(LZA_YAML), tool({ maxAttempts: 3 }));
    expect(retried.plan.organization.rootId).toMatch(/^r-/);
    expect(env.proxy.seen.filter((s) => s.operation === 'ListRoots').map((s) => s.faulted)).toEqual([
      true,
      true,
      false,
    ]);

    env.proxy.addFault({
      operation: 'DescribeOrganization',
      times: Infinity,
      type: 'TooManyRequestsException',
      message: 'Rate exceeded',
    });
    const error = await planned(desired(LZA_YAML), tool({ maxAttempts: 2 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toMatch(
      /kept failing DescribeOrganization after 2 attempts \(TooManyRequestsException\)/,
    );
  });

  it('reads a disabled policy type as a state, not a crash', async () => {
    await createLzaOrg(env.admin);
    const reader = new OrganizationsReader(tool().client, { throttle: new Throttle({ rates: 'none' }) });
    const root = await reader.readRoot();
    expect(root.policyTypes.find((t) => t.type === AI_POLICY_TYPE)).toBeUndefined();
  });
});

function guideLike(i: number): string {
  return JSON.stringify({
    services: {
      [['lex', 'polly', 'comprehend'][i % 3] as string]: { opt_out_policy: { '@@assign': 'optOut' } },
    },
  });
}
