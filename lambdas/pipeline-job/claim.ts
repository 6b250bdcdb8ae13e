/**
 * Duplicate-delivery protection around a job (adapters/s3/job-ledger.ts): the claim taken before any
 * work, and the result recorded after reporting. A state bucket that cannot be written stops neither.
 */
import { describeError } from '../domain/errors.ts';
import type { JobRun } from './job-run.ts';
import type { JobResult } from './result.ts';
import type { Reported } from './send-result.ts';

/** What the claim found: the ledger's answer, or why there is none. */
export type ClaimAnswer = 'claimed' | 'already-reported' | 'in-progress' | 'no-state-bucket' | 'unwritable';

const DUPLICATE = {
  level: 'warn',
  msg: 'duplicate delivery of this job: another invocation handles it; not applying and not reporting',
} as const;

/** What the job does on each answer: go on or stand down, and the line it logs. */
export const CLAIM_RULES: Readonly<
  Record<ClaimAnswer, { proceed: boolean; log?: { level: 'warn' | 'error'; msg: string } }>
> = {
  claimed: { proceed: true },
  'already-reported': {
    proceed: false,
    log: DUPLICATE,
  },
  'in-progress': {
    proceed: false,
    log: DUPLICATE,
  },
  'no-state-bucket': {
    proceed: true,
    log: {
      level: 'warn',
      msg: 'no state bucket configured (AI_OPTOUT_STATE_BUCKET): a duplicate delivery would run twice',
    },
  },
  unwritable: {
    proceed: true,
    log: {
      level: 'error',
      msg: 'cannot claim the job in the state bucket; continuing without duplicate-delivery protection',
    },
  },
};

/** Claims the job: 'claimed', or 'stand-down' when another invocation has it (or has reported it). */
export async function claimJob(run: JobRun): Promise<'claimed' | 'stand-down'> {
  const { answer, error } = await askLedger(run);
  const rule = CLAIM_RULES[answer];
  if (rule.log) {
    const fields = error === undefined ? { claim: answer } : { err: describeError(error) };
    run.log[rule.log.level](fields, rule.log.msg);
  }
  return rule.proceed ? 'claimed' : 'stand-down';
}

async function askLedger({ deps, context, startedAt, jobId, deadline }: JobRun) {
  const ledger = deps.stateBucket?.ledger;
  if (!ledger) return { answer: 'no-state-bucket' as const };
  try {
    const answer = await ledger.claim(jobId, startedAt, {
      requestId: context.awsRequestId,
      expiresAt: new Date(startedAt.getTime() + context.getRemainingTimeInMillis() + 5_000),
      abortSignal: deadline.signal,
    });
    return { answer };
  } catch (error) {
    return { answer: 'unwritable' as const, error };
  }
}

/** Records whether the result was sent: a claim left unreported may be run again by a later delivery. */
export async function recordResult(result: JobResult, reported: Reported, run: JobRun): Promise<void> {
  const ledger = run.deps.stateBucket?.ledger;
  if (!ledger) return;
  const signal = run.deadline.reportSignal;
  const mark =
    reported === 'failed'
      ? ledger.markUnreported(run.jobId, run.startedAt, result.kind, signal)
      : ledger.markReported(run.jobId, run.startedAt, result.kind, signal);
  await mark.catch((error: unknown) => {
    run.log.warn({ err: describeError(error) }, 'cannot record the job outcome in the state bucket');
  });
}
