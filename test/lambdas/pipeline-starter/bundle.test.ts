/**
 * The starter as Lambda runs it: its esbuild bundle imported by plain `node` in a fresh process outside
 * the repository, configured only through the environment the stack sets, handling one SUCCEEDED event
 * against the fake CodePipeline endpoint.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STARTER_ENV } from '../../../lambdas/runtime/pipeline-starter-environment.ts';
import { lambdaEntry } from '../../../lib/lambda-bundles.ts';
import { buildLambda } from '../../../scripts/build-lambda.ts';
import { type CodePipelineEndpoint, startCodePipelineEndpoint } from '../../support/codepipeline-endpoint.ts';

const run = promisify(execFile);
const EXECUTION = '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const RUNNER = `
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [bundle, eventFile] = process.argv.slice(2);
const { handler } = await import(pathToFileURL(bundle).href);
await handler(JSON.parse(readFileSync(eventFile, 'utf8')));
`;

let fake: CodePipelineEndpoint;
let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ai-optout-starter-'));
  [fake, { outfile: bundle }] = await Promise.all([
    startCodePipelineEndpoint(),
    buildLambda(join(dir, 'index.mjs'), lambdaEntry('pipeline-starter')),
  ]);
});

afterAll(async () => {
  await fake?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the pipeline starter bundle', () => {
  it('starts the pipeline on the revision LZA deployed, configured by the environment', async () => {
    // Prepare
    fake.addPipeline('AWSAccelerator-Pipeline');
    fake.addPipeline('ai-optout');
    fake.addExecution('AWSAccelerator-Pipeline', EXECUTION, [
      {
        stageName: 'Source',
        actionName: 'Configuration',
        input: { configuration: { RepositoryName: 'aws-accelerator-config', BranchName: 'main' } },
        output: { outputVariables: { CommitId: 'c0ffee0000000000000000000000000000000001' } },
      },
    ]);
    const eventFile = join(dir, 'event.json');
    const runner = join(dir, 'runner.mjs');
    writeFileSync(
      eventFile,
      JSON.stringify({
        'detail-type': 'CodePipeline Pipeline Execution State Change',
        source: 'aws.codepipeline',
        detail: {
          pipeline: 'AWSAccelerator-Pipeline',
          'execution-id': EXECUTION,
          state: 'SUCCEEDED',
          version: 1,
        },
      }),
    );
    writeFileSync(runner, RUNNER);

    // Act
    const child = await run(process.execPath, [runner, bundle, eventFile], {
      cwd: dir,
      timeout: 30_000,
      env: {
        PATH: process.env.PATH ?? '',
        AWS_ENDPOINT_URL_CODEPIPELINE: fake.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_EC2_METADATA_DISABLED: 'true',
        [STARTER_ENV.lzaPipelineName]: 'AWSAccelerator-Pipeline',
        [STARTER_ENV.lzaStageName]: 'Source',
        [STARTER_ENV.lzaActionName]: 'Configuration',
        [STARTER_ENV.pipelineName]: 'ai-optout',
        [STARTER_ENV.sourceActionName]: 'LzaConfig',
        [STARTER_ENV.revisionType]: 'COMMIT_ID',
        [STARTER_ENV.expectedConfiguration]: JSON.stringify({
          RepositoryName: 'aws-accelerator-config',
          BranchName: 'main',
        }),
      },
    });

    // Assess
    expect(fake.started()).toEqual([
      {
        name: 'ai-optout',
        pipelineExecutionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        sourceRevisions: [
          {
            actionName: 'LzaConfig',
            revisionType: 'COMMIT_ID',
            revisionValue: 'c0ffee0000000000000000000000000000000001',
          },
        ],
        clientRequestToken: EXECUTION,
      },
    ]);
    const log = child.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(log.at(-1)).toMatchObject({ level: 'info', lzaExecutionId: EXECUTION, service: 'ai-optout' });
  });
});
