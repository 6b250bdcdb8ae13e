/**
 * The pre-flight's Bedrock reads against a scripted stand-in in Bedrock's wire format (moto has no
 * guardrail API): each guardrail read in its own Region with GetGuardrail at its version and
 * GetResourcePolicy, what Bedrock answers judged by the domain's rule, and AWS's errors turned into
 * the project's typed errors.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GuardrailReader, preflightGuardrails } from '../../../../lambdas/adapters/bedrock/guardrails.ts';
import { PermissionError, ServiceUnavailableError } from '../../../../lambdas/domain/errors.ts';
import type { PreflightContext } from '../../../../lambdas/domain/policy-types/bedrock/preflight.ts';
import { type FaultProxy, startFaultProxy } from '../../../support/fault-proxy.ts';
import { type GuardrailModel, startGuardrailStandIn } from '../../../support/guardrail-model.ts';
import { TEST_CREDENTIALS } from '../../../support/moto-org.ts';

const ORG = 'o-aa111bb222';
const MANAGEMENT = '111122223333';
const CONTEXT: PreflightContext = { organizationId: ORG, rootId: 'r-ab12', managementAccountId: MANAGEMENT };
const EAST = `arn:aws:bedrock:us-east-1:${MANAGEMENT}:guardrail/east1guard`;
const WEST = `arn:aws:bedrock:eu-west-1:${MANAGEMENT}:guardrail/west1guard`;
const east = { region: 'us-east-1', guardrail: EAST, version: 3, policies: ['bedrock-prod'] };
const west = { region: 'eu-west-1', guardrail: WEST, version: 1, policies: ['bedrock-prod'] };

const shared = (guardrail: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: '*',
        Action: ['bedrock:GetGuardrail', 'bedrock:ApplyGuardrail'],
        Resource: guardrail,
        Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } },
      },
    ],
  });

let standIn: Awaited<ReturnType<typeof startGuardrailStandIn>>;
let model: GuardrailModel;
let reader: GuardrailReader;

beforeAll(async () => {
  standIn = await startGuardrailStandIn();
  model = standIn.model;
  reader = new GuardrailReader({ credentials: TEST_CREDENTIALS, endpoint: standIn.endpoint });
});
afterAll(() => standIn.stop());
beforeEach(() => {
  model.clear();
  model.guardrails.set(EAST, { versions: { '3': {} }, resourcePolicy: shared(EAST) });
  model.guardrails.set(WEST, { versions: { '1': {} }, resourcePolicy: shared(WEST) });
});

const failedChecks = async (item = east) =>
  (await preflightGuardrails(reader, [item], CONTEXT))[0]?.checks.filter((c) => !c.ok).map((c) => c.check);

describe('the pre-flight reads of each guardrail', () => {
  it('reads each guardrail at its version, then its resource policy, signed for its own Region, and passes them', async () => {
    const results = await preflightGuardrails(reader, [west, east], CONTEXT);

    expect(results.map((r) => [r.region, r.passed])).toEqual([
      ['eu-west-1', true],
      ['us-east-1', true],
    ]);
    expect(model.calls).toEqual([
      { operation: 'GetGuardrail', guardrail: WEST, version: '1', signedRegion: 'eu-west-1' },
      { operation: 'GetResourcePolicy', guardrail: WEST, version: undefined, signedRegion: 'eu-west-1' },
      { operation: 'GetGuardrail', guardrail: EAST, version: '3', signedRegion: 'us-east-1' },
      { operation: 'GetResourcePolicy', guardrail: EAST, version: undefined, signedRegion: 'us-east-1' },
    ]);
  });

  it('a version Bedrock does not have fails exists, and its resource policy is not read', async () => {
    expect(await failedChecks({ ...east, version: 4 })).toEqual([
      'exists',
      'numbered-version',
      'ready',
      'no-automated-reasoning',
      'resource-policy',
    ]);
    expect(model.calls.map((c) => c.operation)).toEqual(['GetGuardrail']);
  });

  it('a guardrail deleted from Bedrock, or only in DRAFT, fails exists', async () => {
    model.guardrails.set(EAST, { versions: {}, resourcePolicy: shared(EAST) });
    expect(await failedChecks()).toContain('exists');
    model.guardrails.delete(EAST);
    expect(await failedChecks()).toContain('exists');
  });

  it('DRAFT in the answer, a status other than READY, and an automated-reasoning policy each fail their check', async () => {
    model.guardrails.set(EAST, {
      versions: { '3': { answeredVersion: 'DRAFT' } },
      resourcePolicy: shared(EAST),
    });
    expect(await failedChecks()).toEqual(['numbered-version']);
    model.guardrails.set(EAST, { versions: { '3': { status: 'FAILED' } }, resourcePolicy: shared(EAST) });
    expect(await failedChecks()).toEqual(['ready']);
    const reasoning = `arn:aws:bedrock:us-east-1:${MANAGEMENT}:automated-reasoning-policy/x1`;
    model.guardrails.set(EAST, {
      versions: { '3': { automatedReasoningPolicies: [reasoning] } },
      resourcePolicy: shared(EAST),
    });
    expect(await failedChecks()).toEqual(['no-automated-reasoning']);
  });

  it('no resource policy, or one that does not share the guardrail with the organization, fails resource-policy', async () => {
    model.guardrails.set(EAST, { versions: { '3': {} } });
    const [none] = await preflightGuardrails(reader, [east], CONTEXT);
    expect(none?.checks.find((c) => c.check === 'resource-policy')?.detail).toBe(
      `the guardrail has no resource policy (No resource policy is attached to ${EAST}.); the organization's accounts cannot call bedrock:ApplyGuardrail on it, so every Bedrock call below the policy would be denied`,
    );
    model.guardrails.set(EAST, {
      versions: { '3': {} },
      resourcePolicy: shared(EAST).replace(ORG, 'o-zz999yy888'),
    });
    expect(await failedChecks()).toEqual(['resource-policy']);
  });

  it("a guardrail ARN of another account or Region: the owner or region check fails, and Bedrock is asked in the ARN's Region", async () => {
    const foreign = EAST.replace(MANAGEMENT, '444455556666');
    model.guardrails.set(foreign, { versions: { '3': {} }, resourcePolicy: shared(foreign) });
    expect(await failedChecks({ ...east, guardrail: foreign })).toEqual(['owner']);

    model.calls.length = 0;
    expect(await failedChecks({ ...east, guardrail: WEST, version: 1 })).toEqual([
      'region',
      'exists',
      'numbered-version',
      'ready',
      'no-automated-reasoning',
      'resource-policy',
    ]);
    expect(model.calls).toEqual([
      { operation: 'GetGuardrail', guardrail: WEST, version: '1', signedRegion: 'us-east-1' },
    ]);
  });

  it('Bedrock answering for another guardrail fails exists, its ARN shown escaped', async () => {
    model.guardrails.set(EAST, {
      versions: { '3': { answeredArn: `${WEST}\u001b[31m` } },
      resourcePolicy: shared(EAST),
    });
    const [result] = await preflightGuardrails(reader, [east], CONTEXT);
    const exists = result?.checks.find((c) => c.check === 'exists');
    expect(exists?.ok).toBe(false);
    expect(exists?.detail).toBe(`Bedrock answered for \`${WEST}\\u001b[31m\`, not \`${EAST}\``);
  });
});

describe("Bedrock's errors", () => {
  it('access denied names the operation and the IAM permission it needs', async () => {
    model.faults.set('GetResourcePolicy', { status: 403, type: 'AccessDeniedException' });
    const error = await preflightGuardrails(reader, [east], CONTEXT).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermissionError);
    expect((error as PermissionError).permission).toBe('bedrock:GetResourcePolicy');
    expect((error as Error).message).toMatch(
      /^AWS denied GetResourcePolicy on arn:aws:bedrock:us-east-1:111122223333:guardrail\/east1guard in us-east-1: the credentials in use need bedrock:GetResourcePolicy there/,
    );
    // Where the stack's roles get it, for whoever runs with their own credentials.
    expect((error as Error).message).toMatch(
      / \(The stack's roles hold the permissions of Amazon Bedrock policies only when deployed with bedrockPolicies: -c bedrockPolicies=true, docs\/permissions\.md\.\)$/,
    );
  });

  it('throttling and service faults are retried, then unavailable; an endpoint that does not answer too', async () => {
    // Two attempts: the SDK's backoff on throttling would take seconds over the default budget.
    const retrying = new GuardrailReader({
      credentials: TEST_CREDENTIALS,
      endpoint: standIn.endpoint,
      maxAttempts: 2,
    });
    model.faults.set('GetGuardrail', { status: 429, type: 'ThrottlingException' });
    await expect(preflightGuardrails(retrying, [east], CONTEXT)).rejects.toThrow(
      /^AWS bedrock could not answer GetGuardrail for arn:aws:bedrock:us-east-1:111122223333:guardrail\/east1guard in us-east-1 after 2 attempts \(ThrottlingException: /,
    );
    model.faults.set('GetGuardrail', { status: 500, type: 'InternalServerException' });
    await expect(preflightGuardrails(retrying, [east], CONTEXT)).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
    expect(model.calls.map((c) => c.operation)).toEqual(Array(4).fill('GetGuardrail'));

    const closed = new GuardrailReader({ credentials: TEST_CREDENTIALS, endpoint: 'http://127.0.0.1:1' });
    await expect(preflightGuardrails(closed, [east], CONTEXT)).rejects.toThrow(
      /^cannot reach AWS bedrock for GetGuardrail in us-east-1 \(http:\/\/127\.0\.0\.1:1\)/,
    );
  });
});

describe('through the fault proxy', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    // Nothing here reaches moto: the proxy answers every request signed for bedrock itself.
    proxy = await startFaultProxy('http://127.0.0.1:1');
  });
  afterAll(() => proxy.stop());

  it('answers the requests signed for bedrock from its guardrail model', async () => {
    proxy.guardrails.guardrails.set(EAST, { versions: { '3': {} }, resourcePolicy: shared(EAST) });
    const viaProxy = new GuardrailReader({ credentials: TEST_CREDENTIALS, endpoint: proxy.endpoint });

    const [result] = await preflightGuardrails(viaProxy, [east], CONTEXT);

    expect(result?.passed).toBe(true);
    expect(proxy.signed.map((s) => [s.region, s.service])).toEqual([
      ['us-east-1', 'bedrock'],
      ['us-east-1', 'bedrock'],
    ]);
  });
});

describe('the signature', () => {
  it('is one AWS accepts: the stand-in computes it again from what it received; other keys are refused', async () => {
    const wrongKey = new GuardrailReader({
      credentials: { accessKeyId: 'testing', secretAccessKey: 'not-the-secret' },
      endpoint: standIn.endpoint,
    });

    await expect(preflightGuardrails(wrongKey, [east], CONTEXT)).rejects.toThrow(
      /^Bedrock refused GetGuardrail for arn:aws:bedrock:us-east-1:111122223333:guardrail\/east1guard in us-east-1 \(InvalidSignatureException: /,
    );
    expect(model.calls).toEqual([]);
  });
});
