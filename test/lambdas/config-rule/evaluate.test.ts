/**
 * The Config rule's function against moto (Organizations, S3, Config): it plans the desired state the
 * pipeline last checked against the organization, and sends PutEvaluations with the event's result
 * token, one evaluation per account. moto implements PutEvaluations only with TestMode (it records
 * nothing), so the evaluations are read from the request the SDK sent, which moto accepted. The rule's
 * Organizations calls go through the fault proxy, which answers DescribeEffectivePolicy (moto has none)
 * from its model of AWS; the rule's own calls to moto are otherwise passed through unchanged.
 */
import { ConfigServiceClient, type PutEvaluationsCommandInput } from '@aws-sdk/client-config-service';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GuardrailReader } from '../../../lambdas/adapters/bedrock/guardrails.ts';
import { LatestRun } from '../../../lambdas/adapters/s3/latest-run.ts';
import { evaluateRule, type RuleDependencies } from '../../../lambdas/config-rule/evaluate.ts';
import { ConfigurationError } from '../../../lambdas/domain/errors.ts';
import { BEDROCK_POLICY_TYPE } from '../../../lambdas/domain/policy-types/bedrock/facts.ts';
import { createLogger } from '../../../lambdas/runtime/logger.ts';
import { convergeTo } from '../../support/apply-live.ts';
import { bedrockAnswerFromMoto } from '../../support/bedrock-aws-answer.ts';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.ts';
import { type MotoServer, startMoto } from '../../support/moto.ts';
import { createLzaOrg, TEST_CREDENTIALS } from '../../support/moto-org.ts';
import {
  adminS3Client,
  CONFIG_YAML,
  createBuckets,
  logSink,
  REGION,
  STATE_BUCKET,
} from '../pipeline-job/pipeline-fixtures.ts';

let moto: MotoServer;
let admin: OrganizationsClient;
let proxy: FaultProxy;
let viaProxy: OrganizationsClient;
let s3: S3Client;
let config: ConfigServiceClient;
const sent: PutEvaluationsCommandInput[] = [];

beforeAll(async () => {
  moto = await startMoto();
  const client = { region: REGION, endpoint: moto.endpoint, credentials: TEST_CREDENTIALS };
  admin = new OrganizationsClient(client);
  proxy = await startFaultProxy(moto.endpoint);
  viaProxy = new OrganizationsClient({ ...client, endpoint: proxy.endpoint });
  s3 = adminS3Client(moto.endpoint);
  config = new ConfigServiceClient(client);
  config.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'PutEvaluationsCommand')
        sent.push(structuredClone(args.input as PutEvaluationsCommandInput));
      return next(args);
    },
    { step: 'initialize', name: 'recordEvaluations' },
  );
});
afterAll(async () => {
  admin?.destroy();
  viaProxy?.destroy();
  await proxy?.stop();
  s3?.destroy();
  config?.destroy();
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  proxy.guardrails.clear();
  proxy.effectivePolicies.clear();
  // AWS's Bedrock effective policies, as moto's organization is at each call (the rule asks AWS).
  proxy.effectivePolicies.bedrockRule = bedrockAnswerFromMoto(admin);
  sent.length = 0;
  await createBuckets(s3, STATE_BUCKET);
});

/** A periodic invocation, as the Config developer guide's example event. */
function periodicEvent(token: string) {
  return {
    invokingEvent: JSON.stringify({
      awsAccountId: '111111111111',
      notificationCreationTime: '2026-12-01T06:00:00.373Z',
      messageType: 'ScheduledNotification',
      recordVersion: '1.0',
    }),
    resultToken: token,
    eventLeftScope: false,
    configRuleName: 'ai-optout-accounts',
    accountId: '111111111111',
    version: '1.0',
  };
}

/** The rule's dependencies; as a deployment by default, without the Bedrock grants (`bedrockPolicies`). */
function deps(options: { bedrockPolicies?: boolean } = {}): RuleDependencies & {
  logs: ReturnType<typeof logSink>;
} {
  const logs = logSink();
  return {
    organizations: viaProxy,
    config,
    latestRun: new LatestRun(s3, STATE_BUCKET),
    logger: createLogger(logs, 'debug'),
    pace: 'none',
    bedrockPolicies: options.bedrockPolicies ?? false,
    testMode: true,
    guardrails: new GuardrailReader({ credentials: TEST_CREDENTIALS, endpoint: proxy.endpoint }),
    logs,
  };
}

/** The kept desired state with a Bedrock policy on Workloads/Prod enforcing `guardrail`. */
function bedrockYaml(guardrail: string): string {
  return `${CONFIG_YAML}\nbedrock:\n  policies:\n    - name: bedrock-guardrails-production\n      guardrails:\n        us-east-1: { guardrail: "${guardrail}", version: 3 }\n      targets:\n        - ou: Workloads/Prod\n`;
}

async function accountIds(): Promise<string[]> {
  return ((await admin.send(new ListAccountsCommand({}))).Accounts ?? []).map((a) => a.Id as string).sort();
}

describe('the Config rule', () => {
  it('sends one evaluation per account with the result token: NON_COMPLIANT before the repair, COMPLIANT after', async () => {
    // Prepare: the pipeline's last run kept its desired state
    await createLzaOrg(admin);
    await new LatestRun(s3, STATE_BUCKET).publish({ 'ai-optout.yaml': CONFIG_YAML });
    const ids = await accountIds();

    // Act
    const first = await evaluateRule(periodicEvent('token-1'), deps());
    await convergeTo(CONFIG_YAML, admin);
    const second = await evaluateRule(periodicEvent('token-2'), deps());

    // Assess
    expect([first, second]).toEqual([ids.length, ids.length]);
    expect(sent.map((s) => [s.ResultToken, s.TestMode, s.Evaluations?.length])).toEqual([
      ['token-1', true, ids.length],
      ['token-2', true, ids.length],
    ]);
    for (const [request, expected] of [
      [sent[0], 'NON_COMPLIANT'],
      [sent[1], 'COMPLIANT'],
    ] as const) {
      const evaluations = request?.Evaluations ?? [];
      expect(evaluations.map((e) => e.ComplianceResourceId).sort()).toEqual(ids);
      for (const e of evaluations) {
        expect(e).toMatchObject({ ComplianceResourceType: 'AWS::::Account', ComplianceType: expected });
        expect(e.OrderingTimestamp).toEqual(new Date('2026-12-01T06:00:00.373Z'));
        expect((e.Annotation as string).length).toBeLessThanOrEqual(256);
      }
    }
    expect(sent[0]?.Evaluations?.[0]?.Annotation).toMatch(/^Not opted out: /);
    // No bedrock section: Bedrock is not asked.
    expect(proxy.guardrails.calls).toEqual([]);
  });

  it('before the pipeline has kept a desired state it fails, saying where it looked and what to do', async () => {
    await createLzaOrg(admin);

    await expect(evaluateRule(periodicEvent('t'), deps())).rejects.toThrow(
      `no desired state to evaluate: s3://${STATE_BUCKET}/ai-optout/latest/ai-optout.yaml is written by the pipeline's first finished run; run the pipeline once`,
    );
    expect(sent).toEqual([]);
  });

  it('an event that is not a Config invocation is refused, naming what is wrong', async () => {
    await expect(evaluateRule({ resultToken: 't', invokingEvent: '{not json' }, deps())).rejects.toThrow(
      'not an AWS Config rule invocation: invokingEvent: invokingEvent is not the JSON of a Config notification',
    );
    await expect(evaluateRule({ invokingEvent: '{}' }, deps())).rejects.toThrow(/resultToken/);
  });

  it('a file with a bedrock section: an account that would enforce a guardrail failing pre-flight is NON_COMPLIANT, its annotation naming the type', async () => {
    // Prepare: AI opt-out converged; the Bedrock policy on Workloads/Prod names a guardrail Bedrock lacks
    const org = await createLzaOrg(admin);
    await convergeTo(CONFIG_YAML, admin);
    const guardrail = `arn:aws:bedrock:us-east-1:${org.managementAccountId}:guardrail/east1guard`;
    const yaml = bedrockYaml(guardrail);
    await new LatestRun(s3, STATE_BUCKET).publish({ 'ai-optout.yaml': yaml });

    // Act
    await evaluateRule(periodicEvent('token-b'), deps({ bedrockPolicies: true }));

    // Assess: the guardrail was read in its Region; prod-app alone is non-compliant, for Bedrock alone
    expect(proxy.guardrails.calls.map((c) => [c.operation, c.signedRegion])).toEqual([
      ['GetGuardrail', 'us-east-1'],
    ]);
    const evaluations = sent[0]?.Evaluations ?? [];
    const prodApp = org.accounts['prod-app'];
    const nonCompliant = evaluations.filter((e) => e.ComplianceType === 'NON_COMPLIANT');
    expect(nonCompliant.map((e) => e.ComplianceResourceId)).toEqual([prodApp]);
    expect(nonCompliant[0]?.Annotation).toMatch(new RegExp(`^${BEDROCK_POLICY_TYPE}: us-east-1 .*exists`));
    const compliant = evaluations.find((e) => e.ComplianceType === 'COMPLIANT');
    expect(compliant?.Annotation).toBe(
      `Every AI service the desired state expects is opted out, and every ${BEDROCK_POLICY_TYPE} expectation holds`,
    );
  });

  it('a deployment without bedrockPolicies fails a run on a bedrock section in one sentence at its line, before any call', async () => {
    // Prepare: the section is kept, but the rule's role holds no Bedrock grant
    const org = await createLzaOrg(admin);
    const yaml = bedrockYaml(`arn:aws:bedrock:us-east-1:${org.managementAccountId}:guardrail/east1guard`);
    const line = yaml.split('\n').indexOf('bedrock:') + 1;
    await new LatestRun(s3, STATE_BUCKET).publish({ 'ai-optout.yaml': yaml });
    proxy.seen.length = 0;

    // Act
    const run = evaluateRule(periodicEvent('token-off'), deps());

    // Assess: nothing asked of Organizations or Bedrock, nothing sent to Config
    await expect(run).rejects.toThrow(
      new ConfigurationError(
        `ai-optout.yaml:${line}:1: the bedrock: section needs a deployment that manages Amazon Bedrock policies, and this one was deployed without them (AI_OPTOUT_BEDROCK_POLICIES is not true); redeploy with the prop bedrockPolicies: true (cdk deploy -c bedrockPolicies=true, docs/deploying.md#amazon-bedrock-policies), or remove the section.`,
      ),
    );
    await expect(run).rejects.toBeInstanceOf(ConfigurationError);
    expect(proxy.seen).toEqual([]);
    expect(proxy.guardrails.calls).toEqual([]);
    expect(sent).toEqual([]);
  });
});
