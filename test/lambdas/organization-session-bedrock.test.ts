/**
 * The session's apply of a plan that holds Bedrock policies, through the fault proxy (BEDROCK_POLICY
 * stands in as a type moto has; GetGuardrail and GetResourcePolicy come from its scripted guardrail
 * model): each type's changes written as that type, the Bedrock policies re-read after apply; and a plan
 * whose guardrail failed pre-flight refused before any write, AI opt-out's changes included. The CLI and
 * the pipeline still refuse a `bedrock:` section; this is the library's step they will take.
 */
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GuardrailReader, preflightGuardrails } from '../../lambdas/adapters/bedrock/guardrails.ts';
import { OrganizationsReader } from '../../lambdas/adapters/organizations/reader.ts';
import { Throttle } from '../../lambdas/adapters/organizations/throttle.ts';
import { loadDesiredState } from '../../lambdas/domain/desired-state/loader.ts';
import type { DesiredState } from '../../lambdas/domain/desired-state/types.ts';
import type { OrgSnapshot } from '../../lambdas/domain/model.ts';
import { plan } from '../../lambdas/domain/planner.ts';
import { AI_POLICY_TYPE } from '../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { BEDROCK_FACTS, BEDROCK_POLICY_TYPE } from '../../lambdas/domain/policy-types/bedrock/facts.ts';
import { guardrailsToCheck } from '../../lambdas/domain/policy-types/bedrock/preflight.ts';
import { OrganizationSession } from '../../lambdas/organization-session.ts';
import { EXAMPLE_YAML } from '../support/example-desired-state.ts';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.ts';
import { type MotoServer, startMoto } from '../support/moto.ts';
import { addAccount, createOrganization, type MotoOrg, TEST_CREDENTIALS } from '../support/moto-org.ts';

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
  });
}

/** The organization with its Bedrock policies too, as the live read will take it. */
async function readBoth(): Promise<OrgSnapshot> {
  const throttle = new Throttle({ rates: 'none' });
  const ai = await new OrganizationsReader(client, { throttle }).read(new Date());
  const bedrock = await new OrganizationsReader(client, {
    throttle,
    policyType: BEDROCK_FACTS,
  }).readPolicies();
  return {
    ...ai,
    policies: [...ai.policies, ...bedrock.map((p) => ({ ...p, type: BEDROCK_POLICY_TYPE }))],
    capturedPolicyTypes: [AI_POLICY_TYPE, BEDROCK_POLICY_TYPE],
  };
}

/** Plan with the pre-flight read through the proxy, then the session's apply. */
async function applyWithPreflight() {
  const state = desired();
  const snapshot = await readBoth();
  const context = {
    organizationId: snapshot.organization.id,
    rootId: snapshot.root.id,
    managementAccountId: snapshot.organization.managementAccountId,
  };
  const reader = new GuardrailReader({ credentials: TEST_CREDENTIALS, endpoint: proxy.endpoint });
  const preflight = await preflightGuardrails(
    reader,
    guardrailsToCheck(state.bedrock?.policies ?? []),
    context,
  );
  proxy.seen.length = 0;
  const planned = { snapshot, plan: plan(state, snapshot, { preflight }) };
  return session().apply(state, planned, { preflight });
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
