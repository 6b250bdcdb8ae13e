/**
 * Reporting the one result (lambdas/pipeline-job/send-result.ts) against the fake CodePipeline job API:
 * each kind of result as the API receives it, a job that already has a result, and a result that cannot
 * be sent (one fatal line that says why, never a throw).
 */
import { describe, expect, it } from 'vitest';
import { createCodePipelineClient } from '../../../lambdas/adapters/codepipeline/client.ts';
import type { JobDependencies } from '../../../lambdas/pipeline-job/job-run.ts';
import type { JobResult } from '../../../lambdas/pipeline-job/result.ts';
import { reportResult } from '../../../lambdas/pipeline-job/send-result.ts';
import { TEST_CREDENTIALS } from '../../support/moto-org.ts';
import { useCodePipelineEndpoint } from '../../support/use-codepipeline.ts';
import { REGION } from './pipeline-fixtures.ts';
import { stepRun } from './step-run.ts';

const codePipeline = useCodePipelineEndpoint();

/** A run reporting through the production CodePipeline client (its three attempts) at the fake. */
function reporting() {
  const client = createCodePipelineClient({
    region: REGION,
    endpoint: codePipeline.fake.endpoint,
    credentials: TEST_CREDENTIALS,
  });
  return stepRun({ deps: { codePipeline: client } });
}

describe('reporting the result', () => {
  it.each([
    [
      'a success: percent complete 100 and the output variables',
      { kind: 'success', summary: 'in-sync', variables: { VERDICT: 'in-sync' } },
      {
        executionDetails: { summary: 'in-sync', percentComplete: 100, externalExecutionId: 'request-1' },
        outputVariables: { VERDICT: 'in-sync' },
      },
    ],
    [
      'a continuation: its percent and its token, no variables',
      { kind: 'continue', summary: 'reading', token: '{"v":1}', percentComplete: 36 },
      {
        executionDetails: { summary: 'reading', percentComplete: 36, externalExecutionId: 'request-1' },
        continuationToken: '{"v":1}',
      },
    ],
    [
      'a failure: its type and message',
      { kind: 'failure', type: 'JobFailed', message: 'drift' },
      { failureDetails: { type: 'JobFailed', message: 'drift', externalExecutionId: 'request-1' } },
    ],
  ] as const)('%s', async (_name, result, sent) => {
    const { run, logs } = reporting();

    const reported = await reportResult(result as JobResult, run);

    expect(reported).toBe('reported');
    const [call] = codePipeline.fake.calls;
    expect(call?.input).toEqual({ jobId: run.jobId, ...sent });
    expect(logs.lines()).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'job result reported',
        result: result.kind,
        attempts: 1,
        ...(result.kind === 'failure' ? { type: 'JobFailed' } : {}),
      }),
    ]);
  });

  it('a job that already has a result is not reported again: one warning', async () => {
    const { run, logs } = reporting();
    await reportResult({ kind: 'success', summary: 'first', variables: {} }, run);

    const again = await reportResult({ kind: 'failure', type: 'JobFailed', message: 'second' }, run);

    expect(again).toBe('already-reported');
    expect(logs.lines().at(-1)).toMatchObject({
      level: 'warn',
      msg: 'the job already has a result; not reporting again',
      err: expect.stringMatching(/already has a result/),
    });
  });

  it.each([
    [
      'CodePipeline keeps failing',
      { status: 500, type: 'InternalServiceError' },
      3,
      'COULD NOT REPORT THE JOB RESULT (InternalServiceError): the pipeline stage will time out. See the error above.',
    ],
    [
      'the role may not report',
      { status: 400, type: 'AccessDeniedException' },
      1,
      'COULD NOT REPORT THE JOB RESULT (AccessDeniedException): the pipeline stage will time out. The function role needs codepipeline:PutJobSuccessResult and codepipeline:PutJobFailureResult.',
    ],
  ])(
    '%s: one error and one fatal line carrying the result, and no throw',
    async (_name, fault, attempts, fatal) => {
      codePipeline.fake.failNext(10, { ...fault, message: 'no' });
      const { run, logs } = reporting();

      const reported = await reportResult(
        { kind: 'failure', type: 'ConfigurationError', message: 'bad file' },
        run,
      );

      expect(reported).toBe('failed');
      expect(codePipeline.fake.calls).toHaveLength(attempts);
      expect(logs.lines()).toEqual([
        expect.objectContaining({
          level: 'error',
          msg: 'reporting the job result failed',
          attempts,
          err: 'no',
        }),
        expect.objectContaining({
          level: 'fatal',
          msg: fatal,
          outcome: 'failure',
          type: 'ConfigurationError',
          message: 'bad file',
        }),
      ]);
    },
  );

  it('an error that is no AWS answer (no $metadata) is logged with no attempts, and no throw', async () => {
    const { run, logs } = stepRun({
      deps: {
        codePipeline: {
          send: async () => {
            throw new Error('socket hang up');
          },
        } as unknown as JobDependencies['codePipeline'],
      },
    });

    const reported = await reportResult({ kind: 'success', summary: 's', variables: {} }, run);

    expect(reported).toBe('failed');
    expect(logs.lines()[0]).toEqual(
      expect.objectContaining({
        level: 'error',
        msg: 'reporting the job result failed',
        err: 'socket hang up',
      }),
    );
    expect(logs.lines()[0]?.attempts).toBeUndefined();
  });

  it('past the report signal, the error says why the attempts stopped', async () => {
    const { run, logs } = reporting();
    codePipeline.fake.failNext(10, { status: 500, type: 'InternalServiceError', message: 'no' });
    const aborted = AbortSignal.abort(new Error('the Lambda deadline is 1 s away'));
    Object.defineProperty(run.deadline, 'reportSignal', { get: () => aborted });

    const reported = await reportResult({ kind: 'success', summary: 's', variables: {} }, run);

    expect(reported).toBe('failed');
    expect(logs.lines()[1]).toMatchObject({
      level: 'fatal',
      outcome: 'success',
      message: 's',
      err: expect.stringMatching(/: the Lambda deadline is 1 s away$/),
    });
  });
});
