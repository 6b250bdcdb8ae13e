/**
 * The pipeline job's ConfigurationErrors, end to end: bad YAML, bad UserParameters, a missing or
 * unreadable desired-state file, an unknown target; each says what and where, and reads nothing it need
 * not; and events that are no job at all.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { runJob } from '../../../lambdas/pipeline-job/job.ts';
import { totalCalls } from '../../support/call-counts.ts';
import { EXAMPLE_YAML } from '../../support/example-desired-state.ts';
import { createLzaOrg } from '../../support/moto-org.ts';
import { failureOf, harness, job, useJobEmulators, writes } from './job-harness.ts';

const env = useJobEmulators();

describe('pipeline job: ConfigurationError', () => {
  it('bad YAML names ai-optout.yaml:line:col, and reads nothing from Organizations', async () => {
    // Prepare
    await createLzaOrg(env.admin);
    const h = harness();
    const { event } = await job({
      files: {
        'ai-optout.yaml':
          'version: 1\npolicies:\n  - name: a\n    default: optOut\n    default: optIn\n    targets: [root]\n',
      },
    });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('ConfigurationError');
    expect(failure.lines[0]).toBe('ai-optout.yaml in Config is not valid (1 error)');
    expect(failure.lines[1]).toBe(
      'ai-optout.yaml:5:5: error: duplicate key `default` (first at line 4, column 5); keys of a mapping are unique; remove one, or merge the two',
    );
    expect(totalCalls(h.orgCalls)).toBe(0);
  });

  it('an unknown UserParameters key is refused with a suggestion', async () => {
    // Prepare
    const h = harness();
    const { event } = await job({ userParameters: { configpath: 'ai-optout.yaml' } });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('ConfigurationError');
    expect(failure.message).toBe(
      'UserParameters: unknown key "configpath" (did you mean "configPath"?); allowed: configPath, mode, failOn, verify, roleArn, pipelineExecutionId',
    );
    expect(totalCalls(h.orgCalls)).toBe(0);
    expect(h.artifactCredentials).toEqual([]);
  });

  it('UserParameters that are not JSON are refused', async () => {
    // Prepare
    const h = harness();
    const { event } = await job({ userParameters: '{configPath: ai-optout.yaml' });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('ConfigurationError');
    expect(failure.message).toMatch(/^UserParameters is not valid JSON: /);
    expect(failure.lines).toHaveLength(1);
  });

  it('a bad failOn value names the field', async () => {
    // Prepare
    const h = harness();
    const { event } = await job({ userParameters: { failOn: 'warnings' } });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('ConfigurationError');
    expect(failure.message).toMatch(/^UserParameters: failOn: /);
    expect(failure.message).toMatch(/drift.*violations.*never/);
  });

  it('a missing config file names the path it looked for and lists what the zip holds', async () => {
    // Prepare
    await createLzaOrg(env.admin);
    const h = harness();
    const { event } = await job({
      files: {
        'accounts-config.yaml': 'x: 1\n',
        'organization-config.yaml': 'y: 2\n',
        'ai-optout.yaml': EXAMPLE_YAML,
      },
      userParameters: { configPath: 'config/ai-optout.yaml' },
    });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('ConfigurationError');
    expect(failure.message).toBe(
      'the input artifact Config has no config/ai-optout.yaml (set "configPath" in UserParameters if the file is elsewhere); it contains accounts-config.yaml, organization-config.yaml, ai-optout.yaml',
    );
    expect(totalCalls(h.orgCalls)).toBe(0);
  });

  it('the listing of a zip without the config file skips directory entries and marks what it leaves out', async () => {
    // Prepare: a source zip with directory entries; one with 25 files
    const h = harness();
    const small = await job({
      files: { 'config/': '', 'config/global-config.yaml': 'a: 1\n', 'README.md': '#\n' },
    });
    const many = await job({
      files: Object.fromEntries(
        Array.from({ length: 25 }, (_, i) => [`file-${String(i).padStart(2, '0')}.yaml`, 'x']),
      ),
    });

    // Act
    await runJob(small.event, h.context, h.deps);
    await runJob(many.event, h.context, h.deps);

    // Assess
    const [first, second] = env.codePipeline.results();
    expect(first).toMatchObject({
      kind: 'failure',
      failureDetails: {
        type: 'ConfigurationError',
        message:
          'the input artifact Config has no ai-optout.yaml (set "configPath" in UserParameters if the file is elsewhere); it contains config/global-config.yaml, README.md',
      },
    });
    const listed = Array.from({ length: 20 }, (_, i) => `file-${String(i).padStart(2, '0')}.yaml`).join(', ');
    expect(second).toMatchObject({
      kind: 'failure',
      failureDetails: {
        type: 'ConfigurationError',
        message: expect.stringMatching(new RegExp(`; it contains ${listed}, …$`)),
      },
    });
  });

  it('a configPath with ".." is refused', async () => {
    // Prepare
    const h = harness();
    const { event } = await job({
      files: { 'ai-optout.yaml': EXAMPLE_YAML },
      userParameters: { configPath: 'config/../../ai-optout.yaml' },
    });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure).toMatchObject({
      type: 'ConfigurationError',
      message: 'configPath config/../../ai-optout.yaml must not contain ".."',
    });
    expect(totalCalls(h.orgCalls)).toBe(0);
  });

  it('an input artifact that is not a zip is a configuration error', async () => {
    // Prepare
    const h = harness();
    const { event } = await job();
    const location = event['CodePipeline.job'].data.inputArtifacts[0]?.location.s3Location;
    await env.adminS3.send(
      new PutObjectCommand({
        Bucket: location?.bucketName,
        Key: location?.objectKey,
        Body: 'version: 1\n',
      }),
    );

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('ConfigurationError');
    expect(failure.message).toMatch(/^the input artifact Config is not a readable zip file: /);
  });

  it('an unknown target OU names the target', async () => {
    // Prepare
    await createLzaOrg(env.admin);
    const h = harness();
    const { event } = await job({
      files: {
        'ai-optout.yaml': EXAMPLE_YAML.replace('ou: Workloads/Prod', 'ou: Workloads/Production'),
      },
    });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('ConfigurationError');
    expect(failure.lines[0]).toMatch(
      /^ai-optout\.yaml: the desired state does not fit organization o-[a-z0-9]+ \(1 problem\)$/,
    );
    expect(failure.lines[1]).toMatch(/^ai-optout\.yaml:\d+:\d+: error: .*Workloads\/Production/);
    expect(writes(h.orgCalls)).toBe(0);
  });
});

describe('pipeline job: not a job', () => {
  it.each([
    ['an S3 event', { Records: [{ eventSource: 'aws:s3' }] }],
    ['an empty object', {}],
    ['null', null],
    ['a job without an id', { 'CodePipeline.job': { data: {} } }],
  ])('%s: no call, no throw', async (_name, event) => {
    // Prepare
    const h = harness();

    // Act
    const outcome = runJob(event, h.context, h.deps);

    // Assess
    await expect(outcome).resolves.toBeUndefined();
    expect(env.codePipeline.calls).toEqual([]);
    expect(h.logs.lines()).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: 'not a CodePipeline job event; there is no job to report to',
      }),
    );
  });
});
