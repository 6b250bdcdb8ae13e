/**
 * Reporting the outcome to CodePipeline: exactly one result, sent once (adapters/codepipeline/
 * job-results.ts). Its retries are the CodePipeline client's attempts, the SDK's standard retry of
 * what its classification calls transient (throttling, 5xx, timeouts, network errors) with jittered
 * backoff, and no attempt starts once the report signal (1 s before the Lambda deadline) aborts. A
 * retry loop here as well would multiply them: 3 × 3 attempts of up to 15 s each cannot fit the 45 s
 * reserve. A result that cannot be sent is logged as a fatal line, never thrown.
 */
import { errorName, isAccessDenied } from '../adapters/aws/errors.ts';
import { sendJobResult } from '../adapters/codepipeline/job-results.ts';
import { describeError } from '../domain/errors.ts';
import type { JobRun } from './job-run.ts';
import type { JobResult } from './result.ts';

export type Reported = 'reported' | 'already-reported' | 'failed';

export async function reportResult(result: JobResult, run: JobRun): Promise<Reported> {
  const { log } = run;
  const abortSignal = run.deadline.reportSignal;
  const type = result.kind === 'failure' ? result.type : undefined;
  try {
    const sent = await sendJobResult(run.deps.codePipeline, run.jobId, result, {
      externalExecutionId: run.context.awsRequestId,
      abortSignal,
    });
    if (sent.status === 'already-decided') {
      log.warn({ err: sent.detail }, 'the job already has a result; not reporting again');
      return 'already-reported';
    }
    log.info({ result: result.kind, type, attempts: sent.attempts }, 'job result reported');
    return 'reported';
  } catch (error) {
    const err = abortSignal.aborted
      ? `${describeError(error)}: ${describeError(abortSignal.reason)}`
      : describeError(error);
    const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts;
    log.error({ attempts, err }, 'reporting the job result failed');
    log.fatal(
      {
        outcome: result.kind,
        type,
        message: result.kind === 'failure' ? result.message : result.summary,
        err,
      },
      `COULD NOT REPORT THE JOB RESULT (${errorName(error)}): the pipeline stage will time out. ${
        isAccessDenied(error)
          ? 'The function role needs codepipeline:PutJobSuccessResult and codepipeline:PutJobFailureResult.'
          : 'See the error above.'
      }`,
    );
    return 'failed';
  }
}
