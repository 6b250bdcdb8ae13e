/**
 * The deployable artifact: the esbuild bundle (scripts/build-lambda.ts), imported by plain `node` in
 * a fresh process outside the repository (no node_modules to fall back on, no tsx), configured only
 * through the environment as Lambda would configure it, runs one enforce job end to end against moto
 * and the fake CodePipeline endpoint.
 */

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  ListPoliciesCommand,
  ListTargetsForPolicyCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AI_POLICY_TYPE } from '../../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { ReportSchema } from '../../../lambdas/domain/report/schema.ts';
import { buildLambda } from '../../../scripts/build-lambda.ts';
import {
  type CodePipelineEndpoint,
  scriptJobExecution,
  startCodePipelineEndpoint,
} from '../../support/codepipeline-endpoint.ts';
import { EXAMPLE_YAML } from '../../support/example-desired-state.ts';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.ts';
import { type MotoServer, startMoto } from '../../support/moto.ts';
import { createLzaOrg, TEST_CREDENTIALS } from '../../support/moto-org.ts';
import {
  ARTIFACT_BUCKET,
  ARTIFACT_CREDENTIALS,
  createBuckets,
  createKmsKey,
  jobIdOf,
  OWN_PIPELINE_ENVIRONMENT,
  PIPELINE_NAME,
  pipelineEvent,
  putInputArtifact,
  REGION,
  readOutputArtifact,
  STATE_BUCKET,
} from './pipeline-fixtures.ts';

const run = promisify(execFile);
const EXECUTION_ID = '0b7e4f2a-6c1d-4e8f-9a3b-5d2c1e0f9a8b';

const RUNNER = `
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [bundle, eventFile] = process.argv.slice(2);
const { handler } = await import(pathToFileURL(bundle).href);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const context = { getRemainingTimeInMillis: () => 600000, awsRequestId: 'bundle-request' };
const returned = await handler(event, context);
await handler(event, context); // a duplicate delivery
process.stderr.write('HANDLER RETURNED ' + JSON.stringify(returned ?? null) + '\\n');
`;

let moto: MotoServer;
let proxy: FaultProxy;
let codePipeline: CodePipelineEndpoint;
let dir: string;
let bundle: string;
let bundleBytes: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ai-optout-bundle-'));
  [moto, codePipeline, { outfile: bundle, bytes: bundleBytes }] = await Promise.all([
    startMoto(),
    startCodePipelineEndpoint(),
    buildLambda(join(dir, 'index.mjs')),
  ]);
  proxy = await startFaultProxy(moto.endpoint);
});

afterAll(async () => {
  await proxy?.stop();
  await codePipeline?.stop();
  await moto?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the Lambda bundle', () => {
  it('is one ESM file with a source map that imports nothing but node builtins', () => {
    // Assess
    const code = readFileSync(bundle, 'utf8');
    expect(bundleBytes).toBe(Buffer.byteLength(code));
    expect(existsSync(`${bundle}.map`)).toBe(true);
    // Static imports (`import{a as b}from"x"`, `import*as c from"x"`) and dynamic `import("x")`.
    const specifiers = [
      ...code.matchAll(/\bimport\s*[\w*{}\s,$]*?\bfrom\s*"([^"]+)"|\bimport\s*\(\s*"([^"]+)"\s*\)/g),
    ].map((m) => m[1] ?? m[2]);
    expect(specifiers.length).toBeGreaterThan(0);
    const external = specifiers.filter((s) => !builtinModules.includes(String(s).replace(/^node:/, '')));
    expect(external).toEqual([]);
  });

  it('runs an enforce job end to end in a fresh node process, configured by the environment', async () => {
    // Prepare
    const admin = new OrganizationsClient({
      region: REGION,
      endpoint: moto.endpoint,
      credentials: TEST_CREDENTIALS,
    });
    const s3 = new S3Client({
      region: REGION,
      endpoint: moto.endpoint,
      credentials: TEST_CREDENTIALS,
      forcePathStyle: true,
    });
    const org = await createLzaOrg(admin);
    await createBuckets(s3, ARTIFACT_BUCKET, STATE_BUCKET);
    const keyArn = await createKmsKey(moto.endpoint);
    const inputKey = await putInputArtifact(s3, { 'ai-optout.yaml': EXAMPLE_YAML }, { kmsKeyArn: keyArn });
    const outputKey = 'lza-pipeline/Report/bundle1';
    const event = pipelineEvent({
      inputKey,
      outputKey,
      encryptionKeyArn: keyArn,
      userParameters: {
        mode: 'enforce',
        roleArn: 'arn:aws:iam::123456789012:role/ai-optout-enforce',
        pipelineExecutionId: EXECUTION_ID,
      },
    });
    scriptJobExecution(codePipeline, PIPELINE_NAME, event);
    const eventFile = join(dir, 'event.json');
    const runner = join(dir, 'runner.mjs');
    writeFileSync(eventFile, JSON.stringify(event));
    writeFileSync(runner, RUNNER);

    // Act
    const child = await run(process.execPath, [runner, bundle, eventFile], {
      cwd: dir,
      timeout: 30_000,
      env: {
        PATH: process.env.PATH ?? '',
        AWS_ENDPOINT_URL: moto.endpoint,
        // Organizations through the proxy, which answers DescribeEffectivePolicy (moto has none).
        AWS_ENDPOINT_URL_ORGANIZATIONS: proxy.endpoint,
        AWS_ENDPOINT_URL_CODEPIPELINE: codePipeline.endpoint,
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        AWS_EC2_METADATA_DISABLED: 'true',
        AI_OPTOUT_PACE: 'none',
        AI_OPTOUT_MODE_CEILING: 'enforce',
        AI_OPTOUT_STATE_BUCKET: STATE_BUCKET,
        ...OWN_PIPELINE_ENVIRONMENT,
      },
    });

    // Assess: one result, as the contract says; the duplicate came after the job finished, so the
    // confirmation refused it (and CodePipeline refused its answer: the job has a result)
    expect(child.stderr).toMatch(/HANDLER RETURNED null\n/);
    expect(codePipeline.calls.map((c) => [c.operation, c.error ?? c.status])).toEqual([
      ['ListActionExecutions', 200],
      ['PutJobSuccessResult', 200],
      ['ListActionExecutions', 200],
      ['PutJobFailureResult', 'InvalidJobStateException'],
    ]);
    const [result] = codePipeline.results();
    expect(result).toEqual({
      kind: 'success',
      jobId: jobIdOf(event),
      executionDetails: {
        summary:
          'applied 7 of 7 steps; now in-sync: 7 accounts match the desired state and expect (mode enforce)',
        percentComplete: 100,
        externalExecutionId: 'bundle-request',
      },
      outputVariables: {
        VERDICT: 'in-sync',
        CHANGES: '0',
        VIOLATIONS: '0',
        EFFECTIVE_CHANGES: '0',
        ACCOUNTS: '7',
        MODE: 'enforce',
      },
    });
    // the organization really changed (through the assumed role)
    const policies = await admin.send(new ListPoliciesCommand({ Filter: AI_POLICY_TYPE }));
    expect((policies.Policies ?? []).map((p) => p.Name).sort()).toEqual([
      'ai-optout-baseline',
      'ai-optout-production',
      'ai-optout-sandbox-exception',
    ]);
    const baseline = policies.Policies?.find((p) => p.Name === 'ai-optout-baseline');
    const targets = await admin.send(new ListTargetsForPolicyCommand({ PolicyId: baseline?.Id }));
    expect(targets.Targets?.map((t) => t.TargetId)).toEqual([org.rootId]);
    // the report artifact, encrypted with the pipeline's key
    const { files, head } = await readOutputArtifact(s3, outputKey);
    expect(ReportSchema.parse(JSON.parse(files['report.json'] as string)).verdict).toBe('in-sync');
    expect(files['report.md']).toContain('```mermaid');
    expect(head.ServerSideEncryption).toBe('aws:kms');
    expect(head.SSEKMSKeyId).toBe(keyArn);
    // the ledger in the state bucket
    const marker = await s3.send(
      new GetObjectCommand({ Bucket: STATE_BUCKET, Key: `ai-optout/jobs/${jobIdOf(event)}.json` }),
    );
    expect(JSON.parse((await marker.Body?.transformToString()) as string)).toMatchObject({
      state: 'reported',
      outcome: 'success',
    });
    // JSON logs on stdout: the job id and the execution id, never the artifact secrets
    const logs = child.stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs).toContainEqual(
      expect.objectContaining({
        jobId: jobIdOf(event),
        pipelineExecutionId: EXECUTION_ID,
        msg: 'job result reported',
      }),
    );
    expect(logs).toContainEqual(
      expect.objectContaining({
        jobId: jobIdOf(event),
        msg: 'job refused before reading anything',
        result: 'the job already has a result',
      }),
    );
    // and the metrics: the run's, then the refused delivery's RejectedInvocations
    expect(logs.filter((l) => '_aws' in l).map((l) => l.RejectedInvocations ?? l.Verdict)).toEqual([0, 1]);
    expect(child.stdout).not.toContain(ARTIFACT_CREDENTIALS.secretAccessKey);
    expect(child.stdout).not.toContain(ARTIFACT_CREDENTIALS.sessionToken);
    admin.destroy();
    s3.destroy();
  });
});
