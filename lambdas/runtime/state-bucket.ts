/**
 * The state bucket (the pipeline's artifact bucket) as the functions use it, in one table: every area
 * under `ai-optout/`, what it holds and how long the bucket keeps it. The adapters take their keys from
 * here; the stack's lifecycle rules and the constructs' grants are made from the same table
 * (lib/state-bucket.ts). Who may use an area:
 * - the reconciler reads and writes every area (one grant on STATE_PREFIX);
 * - the Config rule reads the desired state of the latest run;
 * - the snapshot readers, the GitHub pull-request role and the CodeCommit pull-request check read the snapshots.
 */
export const STATE_PREFIX = 'ai-optout/';

export interface StateArea {
  /** The key prefix, below STATE_PREFIX. */
  readonly prefix: string;
  /** What the area holds, for whoever reads the table. */
  readonly holds: string;
  /** The id of the lifecycle rule that expires the area's objects; none for areas whose objects are kept. */
  readonly lifecycleRuleId?: string;
  /** Days after which the lifecycle rule deletes an object (the default, where a setting changes it). */
  readonly expiresAfterDays?: number;
}

export const STATE_BUCKET_LAYOUT = {
  continuations: {
    prefix: `${STATE_PREFIX}continuations/`,
    holds: 'the progress of a run that continues in another invocation',
    lifecycleRuleId: 'ContinuationState',
    expiresAfterDays: 7,
  },
  jobClaims: {
    prefix: `${STATE_PREFIX}jobs/`,
    holds: 'one claim per CodePipeline job id: duplicate-delivery protection',
    lifecycleRuleId: 'JobClaims',
    expiresAfterDays: 90,
  },
  snapshots: {
    prefix: `${STATE_PREFIX}snapshots/`,
    holds:
      'the organization snapshot published after every run (latest.json), for plans without management-account credentials; its readers are granted this prefix only',
  },
  snapshotHistory: {
    prefix: `${STATE_PREFIX}snapshots/history/`,
    holds: 'dated copies of the snapshot, one per run (<capturedAt>.json)',
    lifecycleRuleId: 'SnapshotHistory',
    expiresAfterDays: 90,
  },
  latestRun: {
    prefix: `${STATE_PREFIX}latest/`,
    holds: 'the latest finished run at stable keys: its reports, and the desired state it checked',
  },
} as const satisfies Record<string, StateArea>;

export type StateAreaName = keyof typeof STATE_BUCKET_LAYOUT;

export const JOB_CLAIMS_PREFIX = STATE_BUCKET_LAYOUT.jobClaims.prefix;
export const CONTINUATIONS_PREFIX = STATE_BUCKET_LAYOUT.continuations.prefix;
export const SNAPSHOTS_PREFIX = STATE_BUCKET_LAYOUT.snapshots.prefix;
/** `plan --snapshot s3://<bucket>/<LATEST_SNAPSHOT_KEY>`. */
export const LATEST_SNAPSHOT_KEY = `${SNAPSHOTS_PREFIX}latest.json`;
export const SNAPSHOT_HISTORY_PREFIX = STATE_BUCKET_LAYOUT.snapshotHistory.prefix;
export const LATEST_RUN_PREFIX = STATE_BUCKET_LAYOUT.latestRun.prefix;
/**
 * The latest run's desired state, below LATEST_RUN_PREFIX (the Config rule reads it); the reports beside
 * it are those the report registry keeps as the latest (lambdas/domain/report/registry.ts).
 */
export const LATEST_RUN_FILES = {
  desiredState: 'ai-optout.yaml',
} as const;
