/**
 * One JobRun for the tests of a single step of the job (no moto): a real JobDeadline whose work timer
 * fires when the test says and whose clock the test moves, the job's logs kept, sleeps recorded, and
 * clients that must not be called (a CodePipeline client is passed by the tests that confirm or report).
 */
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { onTestFinished } from 'vitest';
import { CallWatch } from '../../../lambdas/adapters/aws/bounded-calls.ts';
import { JobDeadline } from '../../../lambdas/pipeline-job/deadline.ts';
import { type JobDependencies, type JobRun, RESERVE_MS } from '../../../lambdas/pipeline-job/job-run.ts';
import { createLogger } from '../../../lambdas/runtime/logger.ts';
import { TEST_CREDENTIALS } from '../../support/moto-org.ts';
import { logSink, OWN_PIPELINE, REGION } from './pipeline-fixtures.ts';

export interface StepRun {
  run: JobRun;
  logs: ReturnType<typeof logSink>;
  sleeps: number[];
  /** Fires the work deadline, as its timer would. */
  fire(): void;
  /** Sets what the Lambda context says is left (the deadline's clock). */
  setRemaining(ms: number): void;
}

/** Fails the test that reaches it: a dependency the step under test must not use. */
function unused(what: string): never {
  throw new Error(`${what} is not used by this step`);
}

export function stepRun(
  options: { deps?: Partial<JobDependencies>; remainingMs?: number; jobId?: string } = {},
): StepRun {
  let remaining = options.remainingMs ?? 600_000;
  let fire: (() => void) | undefined;
  const logs = logSink();
  const sleeps: number[] = [];
  const deps: JobDependencies = {
    // Nothing listens on port 9 (discard): a step that calls CodePipeline unasked fails at once.
    codePipeline: new CodePipelineClient({
      region: REGION,
      endpoint: 'http://127.0.0.1:9',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    }),
    pipeline: { ...OWN_PIPELINE },
    organizations: () => unused('Organizations'),
    artifactS3: () => unused('the artifact bucket'),
    logger: createLogger(logs, 'trace'),
    modeCeiling: 'audit',
    bedrockPolicies: false,
    pace: 'none',
    now: () => new Date('2026-12-01T06:00:00Z'),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options.deps,
    timing: {
      schedule: (callback) => {
        fire = callback;
        return () => {
          fire = undefined;
        };
      },
      ...options.deps?.timing,
    },
  };
  const watch = new CallWatch(() => 0);
  const deadline = new JobDeadline({
    remainingMs: () => remaining,
    reserveMs: deps.timing?.reserveMs ?? RESERVE_MS,
    schedule: deps.timing?.schedule as NonNullable<NonNullable<JobDependencies['timing']>['schedule']>,
    watch,
  });
  onTestFinished(() => deadline.cancel());
  const context = { getRemainingTimeInMillis: () => remaining, awsRequestId: 'request-1' };
  const jobId = options.jobId ?? '11111111-2222-4333-8444-555555555555';
  const log = deps.logger.child({ jobId });
  const run: JobRun = { jobId, startedAt: deps.now(), context, deps, deadline, watch, callsAtStart: 0, log };
  return {
    run,
    logs,
    sleeps,
    fire: () => fire?.(),
    setRemaining: (ms) => {
      remaining = ms;
    },
  };
}
