/**
 * BEDROCK_POLICY through the fault proxy (policy-type-stand-in.ts): moto refuses the type, the proxy
 * lets the real reader and applier write and read it as AWS would. The plan of the example's
 * `bedrock:` section, from what the reader read, is carried out by the applier for the type (enable,
 * create with the ownership tag, attach), read back as BEDROCK_POLICY and planned again in sync; a
 * tampered policy is planned for repair and repaired. This is the ground the live `apply` of Bedrock
 * policies stands on; the CLI still refuses the section.
 */
import {
  CreatePolicyCommand,
  EnablePolicyTypeCommand,
  OrganizationsClient,
  UpdatePolicyCommand,
} from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlanApplier } from '../../lambdas/adapters/organizations/applier.ts';
import { describeEffectivePolicy } from '../../lambdas/adapters/organizations/effective-policies.ts';
import { OrganizationsReader } from '../../lambdas/adapters/organizations/reader.ts';
import { Throttle } from '../../lambdas/adapters/organizations/throttle.ts';
import { loadDesiredState } from '../../lambdas/domain/desired-state/loader.ts';
import { MANAGED_TAG_KEY, MANAGED_TAG_VALUE, type OrgSnapshot } from '../../lambdas/domain/model.ts';
import { plan } from '../../lambdas/domain/planner.ts';
import { AI_POLICY_TYPE } from '../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { BEDROCK_FACTS, BEDROCK_POLICY_TYPE } from '../../lambdas/domain/policy-types/bedrock/facts.ts';
import { EXAMPLE_WITH_BEDROCK, GUARDRAIL_EAST } from './bedrock-section.ts';
import { type FaultProxy, startFaultProxy } from './fault-proxy.ts';
import { type MotoServer, startMoto } from './moto.ts';
import { addAccount, createOrganization, type MotoOrg, TEST_CREDENTIALS } from './moto-org.ts';

let moto: MotoServer;
let proxy: FaultProxy;
let client: OrganizationsClient;
let direct: OrganizationsClient;
let org: MotoOrg;

const noSleep = async () => {};
const throttle = () => new Throttle({ rates: 'none' });

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startFaultProxy(moto.endpoint);
  client = new OrganizationsClient({
    region: 'us-east-1',
    endpoint: proxy.endpoint,
    credentials: TEST_CREDENTIALS,
  });
  direct = new OrganizationsClient({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    credentials: TEST_CREDENTIALS,
  });
  org = await createOrganization(client);
  await addAccount(client, org, 'prod-a', 'Workloads/Prod');
  await addAccount(client, org, 'dev-a', 'Workloads/Dev');
  await addAccount(client, org, 'sandbox-a', 'Sandbox');
});

afterAll(async () => {
  client?.destroy();
  direct?.destroy();
  await proxy?.stop();
  await moto?.stop();
});

const desired = () => {
  const loaded = loadDesiredState(EXAMPLE_WITH_BEDROCK, { file: 'ai-optout.yaml' });
  if (!loaded.ok) throw new Error('the example does not load');
  return loaded.state;
};

/** The organization as read through the proxy, with its Bedrock policies too. */
async function readBoth(): Promise<OrgSnapshot> {
  const ai = await new OrganizationsReader(client, { throttle: throttle() }).read(new Date());
  const bedrock = await new OrganizationsReader(client, {
    throttle: throttle(),
    policyType: BEDROCK_FACTS,
  }).readPolicies();
  return {
    ...ai,
    policies: [...ai.policies, ...bedrock.map((p) => ({ ...p, type: BEDROCK_POLICY_TYPE }))],
    capturedPolicyTypes: [AI_POLICY_TYPE, BEDROCK_POLICY_TYPE],
  };
}

const bedrockChanges = (snapshot: OrgSnapshot) =>
  plan(desired(), snapshot).changes.filter((c) => c.policyType === BEDROCK_POLICY_TYPE);

async function applyBedrock(snapshot: OrgSnapshot) {
  const applier = new PlanApplier(client, {
    policyType: BEDROCK_FACTS,
    throttle: throttle(),
    sleep: noSleep,
  });
  return applier.apply(bedrockChanges(snapshot));
}

describe("AWS's BEDROCK_POLICY effective policies, as the proxy scripts them", () => {
  const reader = () => new OrganizationsReader(client, { throttle: throttle(), policyType: BEDROCK_FACTS });
  const printed = `{"bedrock":{"guardrail_inference":{"us-east-1":{"config_1":{"identifier":"${GUARDRAIL_EAST}:3"}}}}}`;

  it('DescribeEffectivePolicy of type BEDROCK_POLICY answers what the test scripted: a document, or none', async () => {
    proxy.effectivePolicies.bedrockDocuments.set(org.accounts['prod-a'] as string, printed);
    proxy.effectivePolicies.bedrockDocuments.set(org.accounts['dev-a'] as string, null);

    expect(await describeEffectivePolicy(reader(), org.accounts['prod-a'] as string)).toEqual({
      content: printed,
    });
    expect(await describeEffectivePolicy(reader(), org.accounts['dev-a'] as string)).toEqual({
      content: undefined,
    });
    await expect(describeEffectivePolicy(reader(), org.accounts['sandbox-a'] as string)).rejects.toThrow(
      /no BEDROCK_POLICY answer scripted for \d{12}/,
    );
  });
});

describe('BEDROCK_POLICY through the fault proxy', () => {
  it('moto itself refuses the type (measured: moto 5.2.1)', async () => {
    await expect(
      direct.send(new EnablePolicyTypeCommand({ RootId: org.rootId, PolicyType: BEDROCK_POLICY_TYPE })),
    ).rejects.toThrow('You specified an invalid value.');
    await expect(
      direct.send(
        new CreatePolicyCommand({ Name: 'x', Description: 'x', Content: '{}', Type: BEDROCK_POLICY_TYPE }),
      ),
    ).rejects.toThrow('You specified an invalid value.');
  });

  it('creates, tags and attaches the declared policy, which reads back as BEDROCK_POLICY and plans in sync', async () => {
    const before = await readBoth();
    expect(bedrockChanges(before).map((c) => c.action)).toEqual([
      'enable-policy-type',
      'create-policy',
      'attach-policy',
    ]);

    const steps = await applyBedrock(before);

    expect(steps.map((s) => [s.action, s.outcome])).toEqual([
      ['enable-policy-type', 'done'],
      ['create-policy', 'done'],
      ['attach-policy', 'done'],
    ]);
    const after = await readBoth();
    expect(after.root.policyTypes).toContainEqual({ type: BEDROCK_POLICY_TYPE, status: 'ENABLED' });
    const written = after.policies.filter((p) => p.type === BEDROCK_POLICY_TYPE);
    expect(written.map((p) => [p.name, p.targets, p.tags])).toEqual([
      [
        'bedrock-guardrails-production',
        [org.ous['Workloads/Prod']],
        { [MANAGED_TAG_KEY]: MANAGED_TAG_VALUE },
      ],
    ]);
    expect(written[0]?.content).toBe(desired().bedrock?.policies[0]?.content);
    expect(after.policies.filter((p) => p.type === undefined).map((p) => p.name)).not.toContain(
      'bedrock-guardrails-production',
    );
    expect(bedrockChanges(after)).toEqual([]);
  });

  it('a policy changed by hand is planned for update and repaired', async () => {
    const [policy] = (await readBoth()).policies.filter((p) => p.type === BEDROCK_POLICY_TYPE);
    await client.send(
      new UpdatePolicyCommand({
        PolicyId: policy?.id as string,
        Content: policy?.content.replace(':3"', ':2"'),
      }),
    );
    const tampered = await readBoth();
    expect(bedrockChanges(tampered).map((c) => [c.action, c.policyId])).toEqual([
      ['update-policy', policy?.id],
    ]);

    await applyBedrock(tampered);

    const repaired = await readBoth();
    expect(repaired.policies.find((p) => p.id === policy?.id)?.content).toBe(
      desired().bedrock?.policies[0]?.content,
    );
    expect(bedrockChanges(repaired)).toEqual([]);
  });
});
