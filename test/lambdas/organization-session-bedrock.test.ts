/**
 * The session's apply of a plan that holds Bedrock policies, through the fault proxy (BEDROCK_POLICY
 * stands in as a type moto has; GetGuardrail and GetResourcePolicy come from its scripted guardrail
 * model): each type's changes written as that type, the Bedrock policies re-read after apply; and a plan
 * whose guardrail failed pre-flight refused before any write, AI opt-out's changes included. `ai-optout apply`
 * takes these steps (test/bin/cli/live.test.ts), and so does the pipeline job (test/lambdas/pipeline-job/job-bedrock.test.ts).
 */
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GuardrailReader } from '../../lambdas/adapters/bedrock/guardrails.ts';
import { Throttle } from '../../lambdas/adapters/organizations/throttle.ts';
import { loadDesiredState } from '../../lambdas/domain/desired-state/loader.ts';
import type { DesiredState } from '../../lambdas/domain/desired-state/types.ts';
import { plan } from '../../lambdas/domain/planner.ts';
import { AI_POLICY_TYPE } from '../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { BEDROCK_POLICY_TYPE } from '../../lambdas/domain/policy-types/bedrock/facts.ts';
import { OrganizationSession } from '../../lambdas/organization-session.ts';
import { WRITE_OPERATIONS } from '../support/call-counts.ts';
import { EXAMPLE_YAML } from '../support/example-desired-state.ts';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.ts';
import { type MotoServer, startMoto } from '../support/moto.ts';
import { addAccount, createOrganization, type MotoOrg, TEST_CREDENTIALS } from '../support/moto-org.ts';
import { withEnvironment } from '../support/process-env.ts';

let moto: MotoServer;
let proxy: FaultProxy;
let client: OrganizationsClient;
let org: MotoOrg;

const noSleep = async () => {};

/** The example with a Bedrock section whose guardrails the management account owns. */
function desired(): DesiredState {
  const east = `arn:aws:bedrock:us-east-1:${org.managementAccountId}:guardrail/east1guard`;
  const section = `
bedrock:
  policies:
    - name: bedrock-guardrails-production
      guardrails:
        us-east-1: { guardrail: "${east}", version: 3 }
      targets:
        - ou: Workloads/Prod
`;
  const loaded = loadDesiredState(`${EXAMPLE_YAML}${section}`, { file: 'ai-optout.yaml' });
  if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.state;
}

const shared = (guardrail: string, organizationId: string) =>
  JSON.stringify({
    Statement: {
      Effect: 'Allow',
      Principal: '*',
      Action: 'bedrock:ApplyGuardrail',
      Resource: guardrail,
      Condition: { StringEquals: { 'aws:PrincipalOrgID': organizationId } },
    },
  });

function session(): OrganizationSession {
  return new OrganizationSession({
    client,
    throttle: new Throttle({ rates: 'none' }),
    sleep: noSleep,
    apply: { sleep: noSleep },
    rereadDelaysMs: [0],
    verify: 'none',
    guardrails: new GuardrailReader({ credentials: TEST_CREDENTIALS, endpoint: proxy.endpoint }),
  });
}

/** The organization with its Bedrock policies: the session's read for a file with a bedrock section. */
const readBoth = () => session().readFor(desired());

/** The session's steps: read, pre-flight, plan, apply. */
async function applyWithPreflight() {
  const state = desired();
  const steps = session();
  const snapshot = await steps.readFor(state);
  const preflight = await steps.preflight(state, snapshot);
  proxy.seen.length = 0;
  const planned = { snapshot, plan: plan(state, snapshot, preflight ? { preflight } : {}) };
  return steps.apply(state, planned, preflight ? { preflight } : {});
}

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startFaultProxy(moto.endpoint);
  client = new OrganizationsClient({
    region: 'us-east-1',
    endpoint: proxy.endpoint,
    credentials: TEST_CREDENTIALS,
  });
});

afterAll(async () => {
  client?.destroy();
  await proxy?.stop();
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
  proxy.guardrails.clear();
  proxy.effectivePolicies.clear();
  proxy.clearFaults();
  proxy.seen.length = 0;
  org = await createOrganization(client);
  await addAccount(client, org, 'prod-a', 'Workloads/Prod');
  await addAccount(client, org, 'sandbox-a', 'Sandbox');
});

const guardrail = () => `arn:aws:bedrock:us-east-1:${org.managementAccountId}:guardrail/east1guard`;

describe("the session's apply of both policy types", () => {
  it('reads the Bedrock policies for a file with a bedrock section, and says the snapshot holds both types', async () => {
    const snapshot = await readBoth();

    expect(snapshot.capturedPolicyTypes).toEqual([AI_POLICY_TYPE, BEDROCK_POLICY_TYPE]);
    expect(await session().preflight({ ...desired(), bedrock: undefined }, snapshot)).toBeUndefined();
    expect(
      (await session().readFor({ ...desired(), bedrock: undefined })).capturedPolicyTypes,
    ).toBeUndefined();
  });

  it('a guardrail that passes pre-flight: the AI opt-out and Bedrock policies are each written as their own type, and apply converges', async () => {
    const organizationId = (await readBoth()).organization.id;
    proxy.guardrails.guardrails.set(guardrail(), {
      versions: { '3': {} },
      resourcePolicy: shared(guardrail(), organizationId),
    });

    const result = await applyWithPreflight();

    expect(result.refused).toBeUndefined();
    expect(result.before.preflight?.summary).toBe('1 guardrail checked, all passed');
    expect(
      result.steps.filter((s) => s.policy === 'bedrock-guardrails-production').map((s) => s.action),
    ).toEqual(['create-policy', 'attach-policy']);
    expect(result.converged).toBe(true);
    const after = await readBoth();
    const bedrock = after.policies.filter((p) => p.type === BEDROCK_POLICY_TYPE);
    expect(bedrock.map((p) => [p.name, p.targets])).toEqual([
      ['bedrock-guardrails-production', [org.ous['Workloads/Prod']]],
    ]);
    expect(after.policies.filter((p) => p.type === undefined).map((p) => p.name)).not.toContain(
      'bedrock-guardrails-production',
    );
    expect(after.root.policyTypes.map((t) => t.type).sort()).toEqual([AI_POLICY_TYPE, BEDROCK_POLICY_TYPE]);
  });

  it("by default reads Bedrock with the session's own credentials, at the environment's endpoint", async () => {
    const snapshot = await readBoth();
    proxy.guardrails.guardrails.set(guardrail(), { versions: { '3': {} } });
    const plain = new OrganizationSession({
      client,
      throttle: new Throttle({ rates: 'none' }),
      verify: 'none',
    });

    const results = await withEnvironment({ AWS_ENDPOINT_URL_BEDROCK: proxy.endpoint }, () =>
      plain.preflight(desired(), snapshot),
    );

    expect(results?.map((r) => [r.guardrail, r.passed])).toEqual([[guardrail(), false]]);
    expect(proxy.signed.filter((s) => s.service === 'bedrock').at(-1)).toMatchObject({
      accessKeyId: TEST_CREDENTIALS.accessKeyId,
      region: 'us-east-1',
    });
  });

  it.each([
    ['only its DRAFT exists', { versions: {} }],
    ['it is not shared with the organization', { versions: { '3': {} } }],
  ])(
    'a guardrail that fails pre-flight (%s): apply is refused and nothing at all is written',
    async (_name, scripted) => {
      proxy.guardrails.guardrails.set(guardrail(), scripted);

      const result = await applyWithPreflight();

      expect(result.refused).toMatch(
        /^nothing was written: 1 guardrail the plan's Bedrock policies would enforce failed pre-flight: us-east-1 arn:aws:bedrock:us-east-1:\d{12}:guardrail\/east1guard:3 \((exists|resource-policy): /,
      );
      expect(result.steps).toEqual([]);
      expect(result.converged).toBe(false);
      expect(result.before.changes.some((c) => c.policyType === undefined)).toBe(true);
      expect(proxy.seen.filter((s) => WRITE_OPERATIONS.has(s.operation))).toEqual([]);
      const after = await readBoth();
      expect(after.policies).toEqual([]);
      expect(after.root.policyTypes).toEqual([]);
    },
  );
});

describe("the session's confirmation of both policy types: one bound of calls for both", () => {
  // Three accounts, no policy of either type: one state of each type. AWS lists sandbox-a as invalid
  // for AI opt-out and prod-a for Bedrock. A bound gives one account of each state of each type first,
  // then (all) the other accounts, types in order, then the validation errors, types in order.
  it.each([
    ['states', 200, { ai: 1, bedrock: 1, aiErrors: 1, bedrockErrors: 1 }],
    ['states', 1, { ai: 1, bedrock: 0, aiErrors: 0, bedrockErrors: 0 }],
    ['states', 2, { ai: 1, bedrock: 1, aiErrors: 0, bedrockErrors: 0 }],
    ['states', 3, { ai: 1, bedrock: 1, aiErrors: 1, bedrockErrors: 0 }],
    ['all', 200, { ai: 3, bedrock: 3, aiErrors: 1, bedrockErrors: 1 }],
    ['all', 4, { ai: 3, bedrock: 1, aiErrors: 0, bedrockErrors: 0 }],
    ['all', 7, { ai: 3, bedrock: 3, aiErrors: 1, bedrockErrors: 0 }],
  ] as const)('verify %s, at most %i calls: %o', async (verify, verifyCallLimit, expected) => {
    proxy.effectivePolicies.bedrockRule = async () => null;
    const invalid = (name: string) => ({
      id: org.accounts[name] as string,
      name,
      errors: [{ ErrorCode: 'ELEMENTS_TOO_MANY' }],
    });
    proxy.effectivePolicies.invalid.push(invalid('sandbox-a'));
    proxy.effectivePolicies.bedrockInvalid.push(invalid('prod-a'));
    const snapshot = await readBoth();
    proxy.effectivePolicies.calls.length = 0;
    const confirming = new OrganizationSession({
      client,
      throttle: new Throttle({ rates: 'none' }),
      verify,
      verifyCallLimit,
    });

    const { verification } = await confirming.confirm(snapshot);

    const count = (operation: string, policyType: string) =>
      proxy.effectivePolicies.calls.filter((c) => c.operation === operation && c.policyType === policyType)
        .length;
    expect({
      ai: count('DescribeEffectivePolicy', AI_POLICY_TYPE),
      bedrock: count('DescribeEffectivePolicy', BEDROCK_POLICY_TYPE),
      aiErrors: count('ListEffectivePolicyValidationErrors', AI_POLICY_TYPE),
      bedrockErrors: count('ListEffectivePolicyValidationErrors', BEDROCK_POLICY_TYPE),
    }).toEqual(expected);
    if (verification.source !== 'aws') throw new Error('AWS was not asked');
    const bedrock = verification.otherTypes?.get(BEDROCK_POLICY_TYPE);
    expect([verification.calls, bedrock?.calls]).toEqual([expected.ai, expected.bedrock]);
    // An invalid account whose errors are past the bound is still listed (a violation), its errors unread.
    expect(verification.invalidAccounts.map((a) => [a.accountName, a.errors?.length])).toEqual([
      ['sandbox-a', expected.aiErrors === 1 ? 1 : undefined],
    ]);
    expect(bedrock?.invalidAccounts.map((a) => [a.accountName, a.errors?.length])).toEqual([
      ['prod-a', expected.bedrockErrors === 1 ? 1 : undefined],
    ]);
  });

  it('throttled DescribeEffectivePolicy calls of both types are retried like every other call', async () => {
    proxy.effectivePolicies.bedrockRule = async () => null;
    const snapshot = await readBoth();
    proxy.addFault({ operation: 'DescribeEffectivePolicy', times: 2, type: 'TooManyRequestsException' });
    const confirming = new OrganizationSession({
      client,
      throttle: new Throttle({ rates: 'none' }),
      verify: 'states',
    });

    const { verification } = await confirming.confirm(snapshot);

    if (verification.source !== 'aws') throw new Error('AWS was not asked');
    expect(proxy.seen.filter((s) => s.operation === 'DescribeEffectivePolicy' && s.faulted)).toHaveLength(2);
    expect(verification.answers.size).toBe(1);
    expect(verification.otherTypes?.get(BEDROCK_POLICY_TYPE)?.answers.size).toBe(1);
  });

  it('a snapshot without Bedrock policies asks AWS about AI opt-out only', async () => {
    const snapshot = await session().read();
    proxy.effectivePolicies.calls.length = 0;
    const confirming = new OrganizationSession({
      client,
      throttle: new Throttle({ rates: 'none' }),
      verify: 'all',
    });

    const { verification } = await confirming.confirm(snapshot);

    expect(new Set(proxy.effectivePolicies.calls.map((c) => c.policyType))).toEqual(
      new Set([AI_POLICY_TYPE]),
    );
    expect(verification.source === 'aws' && verification.otherTypes).toBe(undefined);
  });
});
