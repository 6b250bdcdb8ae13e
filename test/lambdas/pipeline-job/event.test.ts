/**
 * Reading the CodePipeline job event, as a table (lambdas/pipeline-job/event.ts): an event with no job id
 * is no job (only its first keys are kept, escaped and cut); a job whose fields are missing or of the
 * wrong type is malformed, with a sentence naming the field; anything else is a job, unknown fields kept.
 */
import { describe, expect, it } from 'vitest';
import { readJobEvent } from '../../../lambdas/pipeline-job/event.ts';
import { type PipelineEvent, pipelineEvent } from './pipeline-fixtures.ts';

const JOB_ID = '11111111-2222-4333-8444-555555555555';

type Job = PipelineEvent['CodePipeline.job'];

/** A genuine event's job with `change` made to a copy. */
function jobWith(change: (job: Job) => void): unknown {
  const event = structuredClone(pipelineEvent({ inputKey: 'in', jobId: JOB_ID }));
  change(event['CodePipeline.job']);
  return event;
}

describe('the job event: no job', () => {
  it.each([
    ['null', null, []],
    ['a string', 'CodePipeline.job', []],
    ['an empty object', {}, []],
    ['an S3 event', { Records: [{ eventSource: 'aws:s3' }] }, ['Records']],
    ['a job with no id', { 'CodePipeline.job': { data: {} } }, ['CodePipeline.job']],
    ['a job with an empty id', { 'CodePipeline.job': { id: '' } }, ['CodePipeline.job']],
    ['a job with a numeric id', { 'CodePipeline.job': { id: 7 } }, ['CodePipeline.job']],
  ])('%s', (_name, event, keys) => {
    expect(readJobEvent(event)).toEqual({ kind: 'not-a-job', keys });
  });

  it('keeps the first 20 keys, each escaped and cut to 100 characters', () => {
    const event = Object.fromEntries(
      Array.from({ length: 25 }, (_, i) => [i === 0 ? `\u001b[31m${'k'.repeat(200)}` : `key${i}`, i]),
    );

    const read = readJobEvent(event);

    expect(read.kind).toBe('not-a-job');
    const keys = read.kind === 'not-a-job' ? read.keys : [];
    expect(keys).toHaveLength(20);
    expect(keys[0]).not.toContain('\u001b');
    expect(keys[0]).toMatch(/… \(205 characters\)$/);
    expect(keys[19]).toBe('key19');
  });
});

describe('the job event: malformed', () => {
  const advice = "CodePipeline's Lambda invoke action always sends it, so check what invokes this function";
  it.each([
    ['no data', (j: Job) => Reflect.deleteProperty(j, 'data'), 'CodePipeline.job.data is missing'],
    [
      'no artifact credentials',
      (j: Job) => Reflect.deleteProperty(j.data, 'artifactCredentials'),
      'CodePipeline.job.data.artifactCredentials is missing',
    ],
    [
      'an empty secret key',
      (j: Job) => {
        j.data.artifactCredentials.secretAccessKey = '';
      },
      'CodePipeline.job.data.artifactCredentials.secretAccessKey is empty',
    ],
    [
      'an input artifact without a location',
      (j: Job) => Reflect.deleteProperty(j.data.inputArtifacts[0] as object, 'location'),
      'CodePipeline.job.data.inputArtifacts.0.location is missing',
    ],
    [
      'an input artifact location with no S3 location',
      (j: Job) => Reflect.deleteProperty(j.data.inputArtifacts[0]?.location as object, 's3Location'),
      'CodePipeline.job.data.inputArtifacts.0.location.s3Location is missing',
    ],
    [
      'an input artifact location with no type',
      (j: Job) => Reflect.deleteProperty(j.data.inputArtifacts[0]?.location as object, 'type'),
      'CodePipeline.job.data.inputArtifacts.0.location.type is missing',
    ],
    [
      'an input artifact with an empty bucket name',
      (j: Job) => {
        const location = j.data.inputArtifacts[0]?.location;
        if (location) location.s3Location.bucketName = '';
      },
      'CodePipeline.job.data.inputArtifacts.0.location.s3Location.bucketName is empty',
    ],
    [
      'an encryption key with no id',
      (j: Job) => Object.assign(j.data, { encryptionKey: { type: 'KMS' } }),
      'CodePipeline.job.data.encryptionKey.id is missing',
    ],
    [
      'a list where an object is expected',
      (j: Job) => Object.assign(j, { data: [] }),
      'CodePipeline.job.data must be an object, not a list',
    ],
    [
      'UserParameters that are not a string',
      (j: Job) =>
        Object.assign(j.data.actionConfiguration.configuration, { UserParameters: { mode: 'enforce' } }),
      'CodePipeline.job.data.actionConfiguration.configuration.UserParameters must be a string, not an object',
    ],
    [
      'input artifacts that are not a list',
      (j: Job) => Object.assign(j.data, { inputArtifacts: 'Config' }),
      'CodePipeline.job.data.inputArtifacts must be a list, not a string',
    ],
    [
      'a number where a string is expected',
      (j: Job) => Object.assign(j, { accountId: 111111111111 }),
      'CodePipeline.job.accountId must be a string, not a number',
    ],
    [
      'null where an object is expected',
      (j: Job) => Object.assign(j, { data: null }),
      'CodePipeline.job.data must be an object, not null',
    ],
    [
      'a boolean where a string is expected',
      (j: Job) => Object.assign(j.data, { continuationToken: true }),
      'CodePipeline.job.data.continuationToken must be a string, not a boolean',
    ],
  ])('%s', (_name, change, problem) => {
    const read = readJobEvent(jobWith(change));

    expect(read).toMatchObject({ kind: 'malformed', jobId: JOB_ID });
    expect(read.kind === 'malformed' ? read.error.message : '').toBe(
      `the job event is malformed: ${problem}; ${advice}`,
    );
    expect(read.kind === 'malformed' ? read.error.name : '').toBe('ConfigurationError');
  });

  it('several problems: the first is named, the rest counted', () => {
    const read = readJobEvent(
      jobWith((j) => {
        Reflect.deleteProperty(j.data, 'artifactCredentials');
        Object.assign(j, { accountId: 1 });
      }),
    );

    expect(read.kind === 'malformed' ? read.error.message : '').toBe(
      `the job event is malformed: CodePipeline.job.accountId must be a string, not a number (and 1 more problems); ${advice}`,
    );
  });
});

describe('the job event: a job', () => {
  it('is read with the fields the action uses, unknown fields kept', () => {
    const read = readJobEvent(jobWith((j) => Object.assign(j, { futureField: 'x' })));

    expect(read.kind).toBe('job');
    const job = read.kind === 'job' ? read.job : undefined;
    expect(job?.id).toBe(JOB_ID);
    expect(job?.data.inputArtifacts?.[0]?.location.s3Location.objectKey).toBe('in');
    expect((job as Record<string, unknown> | undefined)?.futureField).toBe('x');
  });
});
