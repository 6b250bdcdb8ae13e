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
import { EXAMPLE_YAML } from '../support/example-desired-state.ts';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.ts';
import { type MotoServer, startMoto } from '../support/moto.ts';
import { addAccount, createOrganization, type MotoOrg, TEST_CREDENTIALS } from '../support/moto-org.ts';
import { withEnvironment } from '../support/process-env.ts';

let moto: MotoServer;
let proxy: FaultProxy;
let client: OrganizationsClient;
let org: MotoOrg;

const WRITES = [
  'EnablePolicyType',
  'CreatePolicy',
  'UpdatePolicy',
  'AttachPolicy',
  'DetachPolicy',
  'DeletePolicy',
  'TagResource',
];
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
      expect(proxy.seen.filter((s) => WRITES.includes(s.operation))).toEqual([]);
      const after = await readBoth();
      expect(after.policies).toEqual([]);
      expect(after.root.policyTypes).toEqual([]);
    },
  );
});
