/**
 * The fake CodePipeline job API rejects every limit violation the way AWS does, so the handler tests
 * that pass against it show the handler stays within the API's limits.
 */
import {
  GetPipelineExecutionCommand,
  InvalidJobStateException,
  InvalidNextTokenException,
  JobNotFoundException,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  OutputVariablesSizeExceededException,
  PipelineExecutionNotFoundException,
  PipelineNotFoundException,
  PutJobFailureResultCommand,
  type PutJobFailureResultCommandInput,
  PutJobSuccessResultCommand,
  type PutJobSuccessResultCommandInput,
  type SourceRevisionType,
  StartPipelineExecutionCommand,
  ValidationException,
} from '@aws-sdk/client-codepipeline';
import { beforeEach, describe, expect, it } from 'vitest';
import { scriptJobExecution } from './codepipeline-endpoint.ts';
import { useCodePipelineEndpoint } from './use-codepipeline.ts';

const JOB = '11111111-abcd-1111-abcd-111111abcdef';
const codePipeline = useCodePipelineEndpoint();

const success = (input: Partial<PutJobSuccessResultCommandInput>) =>
  codePipeline.client.send(new PutJobSuccessResultCommand({ jobId: JOB, ...input })).catch((e: unknown) => e);
const failure = (input: Partial<PutJobFailureResultCommandInput>) =>
  codePipeline.client
    .send(
      new PutJobFailureResultCommand({
        jobId: JOB,
        failureDetails: { type: 'JobFailed', message: 'drift' },
        ...input,
      } as PutJobFailureResultCommandInput),
    )
    .catch((e: unknown) => e);

describe('fake CodePipeline endpoint: accepted calls', () => {
  it('records a success result with its details and variables', async () => {
    // Act
    const response = await success({
      executionDetails: { summary: 'in sync', percentComplete: 100, externalExecutionId: 'req-1' },
      outputVariables: { VERDICT: 'in-sync', 'A@b-c_9': 'x' },
    });

    // Assess
    expect(response).not.toBeInstanceOf(Error);
    expect(codePipeline.fake.calls).toHaveLength(1);
    expect(codePipeline.fake.calls[0]).toMatchObject({ operation: 'PutJobSuccessResult', status: 200 });
    expect(codePipeline.fake.calls[0]?.error).toBeUndefined();
    expect(codePipeline.fake.results()).toEqual([
      {
        kind: 'success',
        jobId: JOB,
        executionDetails: { summary: 'in sync', percentComplete: 100, externalExecutionId: 'req-1' },
        outputVariables: { VERDICT: 'in-sync', 'A@b-c_9': 'x' },
      },
    ]);
  });

  it('records a failure result, and accepts the limits exactly (summary 2,048, message 5,000)', async () => {
    // Act
    const atLimit = await failure({
      failureDetails: { type: 'ConfigurationError', message: 'm'.repeat(5000) },
    });
    const other = await codePipeline.client
      .send(
        new PutJobSuccessResultCommand({
          jobId: '22222222-abcd-1111-abcd-111111abcdef',
          executionDetails: { summary: 's'.repeat(2048), externalExecutionId: 'e'.repeat(1500) },
        }),
      )
      .catch((e: unknown) => e);

    // Assess
    expect(atLimit).not.toBeInstanceOf(Error);
    expect(other).not.toBeInstanceOf(Error);
    expect(codePipeline.fake.results().map((r) => r.kind)).toEqual(['failure', 'success']);
    expect(codePipeline.fake.results()[0]).toEqual({
      kind: 'failure',
      jobId: JOB,
      failureDetails: { type: 'ConfigurationError', message: 'm'.repeat(5000) },
    });
  });
});

describe('fake CodePipeline endpoint: limit violations are ValidationException (HTTP 400)', () => {
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    ['jobId not a UUID', () => success({ jobId: 'not-a-job' }), /jobId/],
    ['jobId in upper case', () => success({ jobId: JOB.toUpperCase() }), /jobId/],
    ['empty summary', () => success({ executionDetails: { summary: '' } }), /executionDetails\.summary/],
    [
      'summary of 2,049 characters',
      () => success({ executionDetails: { summary: 's'.repeat(2049) } }),
      /executionDetails\.summary.*less than or equal to 2048/,
    ],
    [
      'summary of 2,049 code points, the last an emoji',
      () => success({ executionDetails: { summary: `${'s'.repeat(2048)}😀` } }),
      /executionDetails\.summary/,
    ],
    [
      'externalExecutionId of 1,501 characters',
      () => success({ executionDetails: { externalExecutionId: 'e'.repeat(1501) } }),
      /externalExecutionId/,
    ],
    [
      'empty externalExecutionId',
      () => success({ executionDetails: { externalExecutionId: '' } }),
      /externalExecutionId/,
    ],
    ['percentComplete 101', () => success({ executionDetails: { percentComplete: 101 } }), /percentComplete/],
    ['percentComplete -1', () => success({ executionDetails: { percentComplete: -1 } }), /percentComplete/],
    [
      'failure type outside the enum',
      () => failure({ failureDetails: { type: 'Drift' as never, message: 'x' } }),
      /failureDetails\.type.*JobFailed, ConfigurationError/,
    ],
    [
      'empty failure message',
      () => failure({ failureDetails: { type: 'JobFailed', message: '' } }),
      /failureDetails\.message/,
    ],
    [
      'failure message of 5,001 characters',
      () => failure({ failureDetails: { type: 'JobFailed', message: 'm'.repeat(5001) } }),
      /failureDetails\.message.*less than or equal to 5000/,
    ],
    [
      'failure without failureDetails',
      () => failure({ failureDetails: undefined as never }),
      /failureDetails is required/,
    ],
    [
      'failure externalExecutionId of 1,501 characters',
      () =>
        failure({
          failureDetails: { type: 'JobFailed', message: 'x', externalExecutionId: 'e'.repeat(1501) },
        }),
      /failureDetails\.externalExecutionId/,
    ],
    [
      'output variable key with a dot',
      () => success({ outputVariables: { 'ai.optout': 'x' } }),
      /outputVariables/,
    ],
    [
      'output variable key with a space',
      () => success({ outputVariables: { 'A B': 'x' } }),
      /outputVariables/,
    ],
    ['empty output variable key', () => success({ outputVariables: { '': 'x' } }), /outputVariables/],
    [
      'outputVariables with a continuation token',
      () => success({ continuationToken: 'token', outputVariables: { VERDICT: 'drift' } }),
      /continuation token/,
    ],
    [
      'continuation token of 2,049 characters',
      () => success({ continuationToken: 't'.repeat(2049) }),
      /continuationToken/,
    ],
  ];

  it.each(cases)('rejects %s', async (_name, send, message) => {
    // Act
    const error = await send();

    // Assess
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as ValidationException).$metadata.httpStatusCode).toBe(400);
    expect((error as Error).message).toMatch(message);
    expect(codePipeline.fake.calls).toHaveLength(1);
    expect(codePipeline.fake.calls[0]).toMatchObject({ status: 400, error: 'ValidationException' });
    expect(codePipeline.fake.results()).toEqual([]);
  });

  it('answers with the JSON protocol error body', async () => {
    // Act
    const response = await fetch(codePipeline.fake.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'CodePipeline_20150709.PutJobFailureResult',
      },
      body: JSON.stringify({ jobId: JOB, failureDetails: { type: 'Nope', message: 'x' } }),
    });

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['__type', 'message']);
    expect(body.__type).toBe('ValidationException');
    expect(body.message).toMatch(/failureDetails\.type/);
  });
});

describe('fake CodePipeline endpoint: job state, quotas and faults', () => {
  it('rejects output variables over 122,880 bytes in total, and accepts exactly 122,880', async () => {
    // Prepare: 4 keys of 4 bytes; values make up the rest
    const value = 'v'.repeat((122_880 - 16) / 4);
    const fits = { AAAA: value, BBBB: value, CCCC: value, DDDD: value };
    const over = { ...fits, DDDD: `${value}é` };

    // Act
    const rejected = await success({ outputVariables: over });
    const accepted = await success({ outputVariables: fits });

    // Assess
    expect(rejected).toBeInstanceOf(OutputVariablesSizeExceededException);
    expect((rejected as Error).message).toMatch(/122882 bytes, at most 122880/);
    expect(accepted).not.toBeInstanceOf(Error);
    expect(codePipeline.fake.results()).toHaveLength(1);
  });

  it('rejects a second result for the same job with InvalidJobStateException', async () => {
    // Prepare
    await success({ executionDetails: { summary: 'first' } });

    // Act
    const again = await failure({});
    const againSuccess = await success({ executionDetails: { summary: 'second' } });

    // Assess
    expect(again).toBeInstanceOf(InvalidJobStateException);
    expect(againSuccess).toBeInstanceOf(InvalidJobStateException);
    expect((again as Error).message).toMatch(/already has a result/);
    expect(codePipeline.fake.results()).toHaveLength(1);
    expect(codePipeline.fake.results()[0]).toMatchObject({
      kind: 'success',
      executionDetails: { summary: 'first' },
    });
    expect(codePipeline.fake.calls.map((c) => c.error ?? 'ok')).toEqual([
      'ok',
      'InvalidJobStateException',
      'InvalidJobStateException',
    ]);
  });

  it('fails the next n calls as told, then serves again', async () => {
    // Prepare
    codePipeline.fake.failNext(2);
    codePipeline.fake.failNext(1, { status: 400, type: 'JobNotFoundException', message: 'gone' });

    // Act
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await success({ executionDetails: { summary: `try ${i}` } }));

    // Assess
    expect(outcomes.slice(0, 3).map((e) => (e as Error).name)).toEqual([
      'InternalServiceError',
      'InternalServiceError',
      'JobNotFoundException',
    ]);
    expect((outcomes[0] as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(500);
    expect(outcomes[3]).not.toBeInstanceOf(Error);
    expect(codePipeline.fake.calls.map((c) => c.status)).toEqual([500, 500, 400, 200]);
    expect(codePipeline.fake.results()).toEqual([
      { kind: 'success', jobId: JOB, executionDetails: { summary: 'try 3' } },
    ]);
  });

  it('rejects an unknown operation', async () => {
    // Act
    const response = await fetch(codePipeline.fake.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'CodePipeline_20150709.AcknowledgeJob',
      },
      body: JSON.stringify({ jobId: JOB, nonce: '1' }),
    });

    // Assess
    expect(response.status).toBe(400);
    expect(((await response.json()) as { __type: string }).__type).toBe('UnknownOperationException');
    expect(codePipeline.fake.calls[0]?.operation).toBe('AcknowledgeJob');
  });
});

describe('fake CodePipeline endpoint: the pipeline API the starter uses', () => {
  const EXECUTION = '12345678-1234-5678-abcd-12345678abcd';
  const start = (input: Partial<ConstructorParameters<typeof StartPipelineExecutionCommand>[0]>) =>
    codePipeline.client
      .send(new StartPipelineExecutionCommand({ name: 'ai-optout', ...input }))
      .catch((e: unknown) => e);
  const list = (input: Partial<ConstructorParameters<typeof ListActionExecutionsCommand>[0]>) =>
    codePipeline.client
      .send(new ListActionExecutionsCommand({ pipelineName: 'AWSAccelerator-Pipeline', ...input }))
      .catch((e: unknown) => e);

  beforeEach(() => {
    codePipeline.fake.addPipeline('ai-optout');
    codePipeline.fake.addPipeline('AWSAccelerator-Pipeline');
    codePipeline.fake.addExecution('AWSAccelerator-Pipeline', EXECUTION, [
      { stageName: 'Source', actionName: 'Configuration', output: { outputVariables: { VersionId: 'v1' } } },
      { stageName: 'Source', actionName: 'Source' },
    ]);
  });

  it('lists the scripted action executions, paged by maxResults, and rejects a bad token', async () => {
    // Act
    const first = (await list({ filter: { pipelineExecutionId: EXECUTION }, maxResults: 1 })) as {
      actionExecutionDetails: { actionName: string; pipelineExecutionId: string }[];
      nextToken?: string;
    };
    const second = (await list({
      filter: { pipelineExecutionId: EXECUTION },
      nextToken: first.nextToken,
    })) as {
      actionExecutionDetails: { actionName: string }[];
      nextToken?: string;
    };
    const badToken = await list({ nextToken: '99' });

    // Assess
    expect(first.actionExecutionDetails.map((d) => d.actionName)).toEqual(['Configuration']);
    expect(first.actionExecutionDetails[0]?.pipelineExecutionId).toBe(EXECUTION);
    expect(first.nextToken).toBe('1');
    expect(second.actionExecutionDetails.map((d) => d.actionName)).toEqual(['Source']);
    expect(second.nextToken).toBeUndefined();
    expect(badToken).toBeInstanceOf(InvalidNextTokenException);
  });

  it('rejects what the model rejects: pipeline names, execution ids, maxResults, unknown pipelines and executions', async () => {
    expect(await list({ pipelineName: 'bad name' })).toBeInstanceOf(ValidationException);
    expect(await list({ filter: { pipelineExecutionId: 'not-a-uuid' } })).toBeInstanceOf(ValidationException);
    expect(await list({ maxResults: 101 })).toBeInstanceOf(ValidationException);
    expect(await list({ pipelineName: 'Unknown-Pipeline' })).toBeInstanceOf(PipelineNotFoundException);
    expect(
      await list({ filter: { pipelineExecutionId: '00000000-0000-0000-0000-000000000000' } }),
    ).toBeInstanceOf(PipelineExecutionNotFoundException);
  });

  it('starts a pipeline with source revision overrides, once per request token', async () => {
    // Act
    const override = {
      actionName: 'LzaConfig',
      revisionType: 'S3_OBJECT_VERSION_ID' as const,
      revisionValue: 'v1',
    };
    const first = (await start({ sourceRevisions: [override], clientRequestToken: EXECUTION })) as {
      pipelineExecutionId: string;
    };
    const again = (await start({ sourceRevisions: [override], clientRequestToken: EXECUTION })) as {
      pipelineExecutionId: string;
    };

    // Assess
    expect(first.pipelineExecutionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(again.pipelineExecutionId).toBe(first.pipelineExecutionId);
    expect(codePipeline.fake.started()).toEqual([
      {
        name: 'ai-optout',
        pipelineExecutionId: first.pipelineExecutionId,
        sourceRevisions: [override],
        clientRequestToken: EXECUTION,
      },
    ]);
  });

  it('rejects overrides the model rejects, a bad token and an unknown pipeline', async () => {
    const override = {
      actionName: 'LzaConfig',
      revisionType: 'COMMIT_ID' as SourceRevisionType,
      revisionValue: 'c',
    };
    const bad = [
      await start({ sourceRevisions: [{ ...override, revisionType: 'VERSION' as SourceRevisionType }] }),
      await start({ sourceRevisions: [{ ...override, revisionValue: 'x'.repeat(1501) }] }),
      await start({ sourceRevisions: [{ ...override, actionName: 'bad name' }] }),
      await start({ sourceRevisions: Array.from({ length: 51 }, () => override) }),
      await start({ clientRequestToken: 'token with spaces' }),
    ];
    for (const error of bad) expect(error).toBeInstanceOf(ValidationException);
    expect(await start({ name: 'missing' })).toBeInstanceOf(PipelineNotFoundException);
    expect(codePipeline.fake.started()).toEqual([]);
  });
});

describe('fake CodePipeline endpoint: the calls that confirm a job', () => {
  const EXECUTION = '12345678-1234-5678-abcd-12345678abcd';
  const OLDER = '87654321-1234-5678-abcd-12345678abcd';
  const JOB_EVENT = {
    'CodePipeline.job': {
      id: JOB,
      data: {
        actionConfiguration: {
          configuration: {
            FunctionName: 'ai-optout-reconciler',
            UserParameters: `{"pipelineExecutionId":"${EXECUTION}"}`,
          },
        },
        inputArtifacts: [
          {
            name: 'Config',
            location: { s3Location: { bucketName: 'artifacts', objectKey: 'ai-optout/Config/abc' } },
          },
        ],
      },
    },
  };
  /** Sends any command (the SDK's overloads type each one), answering with the output or the error. */
  const send = <T>(command: object) =>
    codePipeline.client.send(command as never).catch((e: unknown) => e) as Promise<T>;

  beforeEach(() => {
    codePipeline.fake.addPipeline('ai-optout');
    codePipeline.fake.addExecution('ai-optout', OLDER, [{ stageName: 'AiOptOut', actionName: 'Reconcile' }]);
    scriptJobExecution(codePipeline.fake, 'ai-optout', JOB_EVENT, {
      variables: { trigger: 'schedule rate(1 day)' },
    });
  });

  it("lists the job's action execution InProgress with its resolved configuration and input artifact locations", async () => {
    const listed = await send<{ actionExecutionDetails: Record<string, unknown>[] }>(
      new ListActionExecutionsCommand({
        pipelineName: 'ai-optout',
        filter: { pipelineExecutionId: EXECUTION },
      }),
    );
    expect(listed.actionExecutionDetails).toEqual([
      expect.objectContaining({
        pipelineExecutionId: EXECUTION,
        stageName: 'AiOptOut',
        actionName: 'Reconcile',
        status: 'InProgress',
        input: {
          configuration: JOB_EVENT['CodePipeline.job'].data.actionConfiguration.configuration,
          resolvedConfiguration: JOB_EVENT['CodePipeline.job'].data.actionConfiguration.configuration,
          inputArtifacts: [
            { name: 'Config', s3location: { bucket: 'artifacts', key: 'ai-optout/Config/abc' } },
          ],
        },
      }),
    ]);
    expect(listed.actionExecutionDetails[0]).not.toHaveProperty('jobIds');
  });

  it("answers GetPipelineExecution with the execution's status and resolved variables; unknown ones as the model says", async () => {
    const got = await send<{ pipelineExecution: Record<string, unknown> }>(
      new GetPipelineExecutionCommand({ pipelineName: 'ai-optout', pipelineExecutionId: EXECUTION }),
    );
    expect(got.pipelineExecution).toMatchObject({
      pipelineName: 'ai-optout',
      pipelineExecutionId: EXECUTION,
      status: 'InProgress',
      variables: [{ name: 'trigger', resolvedValue: 'schedule rate(1 day)' }],
    });
    const ask = (pipelineName: string, pipelineExecutionId: string) =>
      send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId }));
    expect(await ask('ai-optout', '00000000-0000-0000-0000-000000000000')).toBeInstanceOf(
      PipelineExecutionNotFoundException,
    );
    expect(await ask('other', EXECUTION)).toBeInstanceOf(PipelineNotFoundException);
    expect(await ask('ai-optout', 'exec-1')).toBeInstanceOf(ValidationException);
  });

  it('lists executions newest first, paged', async () => {
    const first = await send<{
      pipelineExecutionSummaries: { pipelineExecutionId: string; status: string; startTime: Date }[];
      nextToken?: string;
    }>(new ListPipelineExecutionsCommand({ pipelineName: 'ai-optout', maxResults: 1 }));
    expect(first.pipelineExecutionSummaries.map((e) => [e.pipelineExecutionId, e.status])).toEqual([
      [EXECUTION, 'InProgress'],
    ]);
    expect(first.pipelineExecutionSummaries[0]?.startTime).toBeInstanceOf(Date);
    const second = await send<{
      pipelineExecutionSummaries: { pipelineExecutionId: string; status: string }[];
      nextToken?: string;
    }>(new ListPipelineExecutionsCommand({ pipelineName: 'ai-optout', nextToken: first.nextToken }));
    expect(second.pipelineExecutionSummaries.map((e) => [e.pipelineExecutionId, e.status])).toEqual([
      [OLDER, 'Succeeded'],
    ]);
    expect(second.nextToken).toBeUndefined();
  });

  it("a job's final result ends its action and execution; a continuation keeps it running", async () => {
    const statusOf = async () => {
      const listed = await send<{ actionExecutionDetails: { status: string }[] }>(
        new ListActionExecutionsCommand({
          pipelineName: 'ai-optout',
          filter: { pipelineExecutionId: EXECUTION },
        }),
      );
      return listed.actionExecutionDetails[0]?.status;
    };
    await success({ continuationToken: 'more' });
    expect(await statusOf()).toBe('InProgress');
    const next = '33333333-abcd-1111-abcd-111111abcdef';
    codePipeline.fake.continueJob(JOB, next);
    await failure({ jobId: next });
    expect(await statusOf()).toBe('Failed');
  });

  it('with issuedJobsOnly, a result for a job no execution issued is JobNotFoundException', async () => {
    codePipeline.fake.issuedJobsOnly = true;
    expect(await failure({ jobId: '44444444-abcd-1111-abcd-111111abcdef' })).toBeInstanceOf(
      JobNotFoundException,
    );
    expect(await failure({})).not.toBeInstanceOf(Error);
    expect(codePipeline.fake.results().map((r) => r.jobId)).toEqual([JOB]);
  });

  it('a fault for one operation waits for that operation', async () => {
    codePipeline.fake.failNext(1, { operation: 'PutJobFailureResult' });
    expect(await success({})).not.toBeInstanceOf(Error);
    expect(await failure({ jobId: '55555555-abcd-1111-abcd-111111abcdef' })).toBeInstanceOf(Error);
    expect(codePipeline.fake.calls.map((c) => `${c.operation} ${c.status}`)).toEqual([
      'PutJobSuccessResult 200',
      'PutJobFailureResult 500',
    ]);
  });
});
