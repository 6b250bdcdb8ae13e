/**
 * Duplicate-delivery protection around a job (adapters/s3/job-ledger.ts): the claim taken before any
 * work, and the outcome recorded after reporting. A state bucket that cannot be written stops neither.
 */
import { describeError } from '../domain/errors.ts';
import type { JobRun } from './job-run.ts';
import type { Outcome } from './outcome.ts';
import type { Reported } from './send-result.ts';

/** Claims the job: 'claimed', or 'stand-down' when another invocation has it (or has reported it). */
export async function claimJob(run: JobRun): Promise<'claimed' | 'stand-down'> {
  const { deps, log, context, startedAt } = run;
  if (!deps.ledger) {
    log.warn('no state bucket configured (AI_OPTOUT_STATE_BUCKET): a duplicate delivery would run twice');
    return 'claimed';
  }
  try {
    const claim = await deps.ledger.claim(run.jobId, startedAt, {
      requestId: context.awsRequestId,
      expiresAt: new Date(startedAt.getTime() + context.getRemainingTimeInMillis() + 5_000),
      abortSignal: run.deadline.signal,
    });
    if (claim === 'claimed') return 'claimed';
    log.warn(
      { claim },
      'duplicate delivery of this job: another invocation handles it; not applying and not reporting',
    );
    return 'stand-down';
  } catch (error) {
    log.error(
      { err: describeError(error) },
      'cannot claim the job in the state bucket; continuing without duplicate-delivery protection',
    );
    return 'claimed';
  }
}

/** Records whether the result was sent: a claim left unreported may be run again by a later delivery. */
export async function recordOutcome(outcome: Outcome, reported: Reported, run: JobRun): Promise<void> {
  const { ledger } = run.deps;
  if (!ledger) return;
  const signal = run.deadline.reportSignal;
  const mark =
    reported === 'failed'
      ? ledger.markUnreported(run.jobId, run.startedAt, outcome.kind, signal)
      : ledger.markReported(run.jobId, run.startedAt, outcome.kind, signal);
  await mark.catch((error: unknown) => {
    run.log.warn({ err: describeError(error) }, 'cannot record the job outcome in the state bucket');
  });
}
