/**
 * The job's input (lambdas/pipeline-job/input.ts), read from moto's S3 with the job's artifact
 * credentials: the desired state loaded from the first input artifact, and each way an artifact can
 * fail to give one, with the sentence the pipeline shows.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { ArtifactCredentials } from '../../../lambdas/adapters/s3/artifacts.ts';
import type { CodePipelineJob } from '../../../lambdas/pipeline-job/event.ts';
import { readInput } from '../../../lambdas/pipeline-job/input.ts';
import { parseUserParameters } from '../../../lambdas/pipeline-job/parameters.ts';
import { EXAMPLE_YAML } from '../../support/example-desired-state.ts';
import { useJobEmulators } from './job-harness.ts';
import {
  ARTIFACT_BUCKET,
  ARTIFACT_CREDENTIALS,
  pipelineEvent,
  putInputArtifact,
  REGION,
} from './pipeline-fixtures.ts';
import { stepRun } from './step-run.ts';

const env = useJobEmulators();

/** A run whose artifact S3 client is built from the credentials given, at moto; the credentials recorded. */
function reading() {
  const credentials: ArtifactCredentials[] = [];
  const step = stepRun({
    deps: {
      artifactS3: (given) => {
        credentials.push({ ...given });
        return new S3Client({
          region: REGION,
          endpoint: env.moto.endpoint,
          forcePathStyle: true,
          credentials: given,
        });
      },
    },
  });
  return { ...step, credentials };
}

function jobFor(inputKey: string, revision?: string | null): CodePipelineJob {
  return pipelineEvent({ inputKey, ...(revision !== undefined ? { revision } : {}) })[
    'CodePipeline.job'
  ] as CodePipelineJob;
}

const parameters = (configPath?: string) =>
  parseUserParameters(configPath ? JSON.stringify({ configPath }) : undefined);

describe('the input: a desired state', () => {
  it('is read with the artifact credentials, with its source bytes and the artifact revision', async () => {
    const key = await putInputArtifact(env.adminS3, { 'ai-optout.yaml': EXAMPLE_YAML });
    const { run, credentials, logs } = reading();

    const input = await readInput(jobFor(key, 'v-123'), parameters(), run);

    expect(input.state.policies.map((p) => p.name)).toEqual([
      'ai-optout-baseline',
      'ai-optout-production',
      'ai-optout-sandbox-exception',
    ]);
    expect(new TextDecoder().decode(input.source)).toBe(EXAMPLE_YAML);
    expect(input.revision).toBe('v-123');
    expect(credentials).toEqual([ARTIFACT_CREDENTIALS]);
    expect(logs.lines()).toEqual([]);
  });

  it.each([
    ['null', null],
    ['empty', ''],
  ])('an artifact revision that is %s is no revision', async (_name, revision) => {
    const key = await putInputArtifact(env.adminS3, { 'ai-optout.yaml': EXAMPLE_YAML });

    const input = await readInput(jobFor(key, revision), parameters(), reading().run);

    expect(input.revision).toBeUndefined();
  });

  it('at the configured path inside the artifact', async () => {
    const key = await putInputArtifact(env.adminS3, {
      'config/ai-optout.yaml': EXAMPLE_YAML,
      'other.yaml': 'x: 1',
    });

    const input = await readInput(jobFor(key), parameters('config/ai-optout.yaml'), reading().run);

    expect(input.state.file).toBe('config/ai-optout.yaml');
  });

  it('exactly 20 warnings are all logged, with no line of more', async () => {
    const key = await putInputArtifact(env.adminS3, { 'ai-optout.yaml': servicesYaml(20) });
    const { run, logs } = reading();

    await readInput(jobFor(key), parameters(), run);

    expect(logs.lines().map((l) => l.msg)).toEqual(Array(20).fill('desired-state warning'));
  });

  it('its warnings are logged one a line, the first 20, then how many more', async () => {
    const key = await putInputArtifact(env.adminS3, { 'ai-optout.yaml': servicesYaml(23) });
    const { run, logs } = reading();

    await readInput(jobFor(key), parameters(), run);

    const lines = logs.lines();
    expect(lines).toHaveLength(21);
    expect(lines.slice(0, 20).every((l) => l.level === 'warn' && l.msg === 'desired-state warning')).toBe(
      true,
    );
    expect(lines[0]?.diagnostic).toMatch(/^ai-optout\.yaml:6:7: warning: .*`x00` is not in the known list/);
    expect(lines[20]).toMatchObject({
      level: 'warn',
      more: 3,
      msg: 'more desired-state warnings (run ai-optout validate to see them)',
    });
  });
});

describe('the input: refused', () => {
  it.each([
    [
      'no input artifact',
      async () => {
        const job = jobFor('unused');
        job.data.inputArtifacts = [];
        return job;
      },
      'ConfigurationError',
      'the action has no input artifact: give it the artifact that holds the desired-state file',
    ],
    [
      'no input artifacts field at all',
      async () => {
        const job = jobFor('unused');
        Reflect.deleteProperty(job.data, 'inputArtifacts');
        return job;
      },
      'ConfigurationError',
      'the action has no input artifact: give it the artifact that holds the desired-state file',
    ],
    [
      'an artifact that is not a zip',
      async () => {
        await env.adminS3.send(
          new PutObjectCommand({ Bucket: ARTIFACT_BUCKET, Key: 'plain', Body: 'version: 1\n' }),
        );
        return jobFor('plain');
      },
      'ConfigurationError',
      /^the input artifact Config is not a readable zip file: /,
    ],
    [
      'an artifact without the file',
      async () => jobFor(await putInputArtifact(env.adminS3, { 'other.yaml': 'x: 1\n' })),
      'ConfigurationError',
      'the input artifact Config has no ai-optout.yaml (set "configPath" in UserParameters if the file is elsewhere); it contains other.yaml',
    ],
    [
      'a file with two errors',
      async () =>
        jobFor(await putInputArtifact(env.adminS3, { 'ai-optout.yaml': 'version: 2\npolicies: []\n' })),
      'ConfigurationError',
      'ai-optout.yaml in Config is not valid (2 errors)',
    ],
    [
      'a file with one error and a warning (only errors are counted)',
      async () =>
        jobFor(
          await putInputArtifact(env.adminS3, {
            'ai-optout.yaml':
              'version: 1\npolicies:\n  - name: p\n    lock: none\n    services:\n      x00: optOut\n    targets: [{ account: "12345" }]\n',
          }),
        ),
      'ConfigurationError',
      'ai-optout.yaml in Config is not valid (1 error)',
    ],
    [
      'a file with one error',
      async () => jobFor(await putInputArtifact(env.adminS3, { 'ai-optout.yaml': 'version: [' })),
      'ConfigurationError',
      'ai-optout.yaml in Config is not valid (1 error)',
    ],
    [
      'an artifact object that is not there',
      async () => jobFor('Config/missing'),
      'Error',
      `cannot read the input artifact s3://${ARTIFACT_BUCKET}/Config/missing: NoSuchKey: The specified key does not exist.`,
    ],
  ] as const)('%s', async (_name, make, type, message) => {
    const error = await readInput(await make(), parameters(), reading().run).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Error);
    if (type === 'ConfigurationError') expect((error as Error).name).toBe(type);
    expect((error as Error).message).toMatch(message);
  });

  it('past the deadline, the read stops with the step it was on', async () => {
    const key = await putInputArtifact(env.adminS3, { 'ai-optout.yaml': EXAMPLE_YAML });
    const { run, fire } = reading();
    fire();

    const error = await readInput(jobFor(key), parameters(), run).catch((e: unknown) => e);

    expect((error as Error).name).toBe('DeadlineError');
    expect((error as Error).message).toMatch(
      /^stopped 45 s before the Lambda deadline: starting the job did not finish/,
    );
  });
});

/** A valid desired state whose one policy names `count` unknown services: one warning each. */
function servicesYaml(count: number): string {
  const services = Array.from({ length: count }, (_, i) => `      x${String(i).padStart(2, '0')}: optOut`);
  return `version: 1\npolicies:\n  - name: p\n    lock: none\n    services:\n${services.join('\n')}\n    targets: [root]\n`;
}
