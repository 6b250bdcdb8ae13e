/**
 * The run's CloudWatch metrics as one embedded metric format (EMF) document: CloudWatch Logs extracts
 * the metrics from the log line, so the function needs no cloudwatch:PutMetricData and makes no call
 * ([CW-EMF]: a root `_aws` with `Timestamp` in epoch milliseconds and `CloudWatchMetrics`, an array of
 * MetricDirectives of `Namespace`, `Dimensions` (arrays of root member names) and `Metrics`
 * (`Name`, optional `Unit`); every dimension and metric named there is a member of the root).
 * The stack's alarm and dashboard (lib/compliance-monitoring.ts) read these names: one definition here.
 */
import type { Plan } from './planner/schema.ts';
import { countsByType } from './type-counts.ts';

export const METRICS_NAMESPACE = 'AiOptOut';
/** The one dimension: the function's name, so two deployments in one account keep their own series. */
export const METRICS_DIMENSION = 'FunctionName';

/** Metric names (PascalCase) and their CloudWatch units (StandardUnit, [CW-EMF]). */
export const METRICS = {
  NonCompliantAccounts: 'Count',
  Violations: 'Count',
  Changes: 'Count',
  EffectiveChanges: 'Count',
  Accounts: 'Count',
  /** 0 in-sync, 1 drift: a number, so the dashboard can show the last one and graph it. */
  Verdict: 'None',
  DurationMs: 'Milliseconds',
  ApiCalls: 'Count',
} as const;
/**
 * Invocations the function refused before reading anything (not a job, a malformed one, bad
 * UserParameters, or a job CodePipeline did not confirm): one per refusal, in a document of its own.
 */
export const REJECTED_INVOCATIONS = 'RejectedInvocations';
export type MetricName = keyof typeof METRICS | typeof REJECTED_INVOCATIONS;

/**
 * A run that plans more than one policy type (a file with a `bedrock:` section) writes, besides the
 * document above, one per type with these figures of that type alone, under the dimensions
 * FunctionName and PolicyType: a series of their own, so the alarm on the totals is unchanged.
 */
export const METRICS_TYPE_DIMENSION = 'PolicyType';
export const TYPE_METRICS = {
  NonCompliantAccounts: 'Count',
  Violations: 'Count',
  Changes: 'Count',
  EffectiveChanges: 'Count',
} as const satisfies Partial<Record<keyof typeof METRICS, string>>;

/** The value of `Verdict` for each verdict. */
export const VERDICT_VALUE = { 'in-sync': 0, drift: 1 } as const;

export interface RunFigures {
  /** The function's name (AWS_LAMBDA_FUNCTION_NAME). */
  functionName: string;
  timestamp: Date;
  durationMs: number;
  apiCalls: number;
  /** What started the run, kept as a plain member (searchable in Logs Insights, not a metric). */
  trigger?: string | undefined;
}

/** The EMF document of one finished run. */
export function metricsDocument(plan: Plan, run: RunFigures): Record<string, unknown> {
  const values: Record<keyof typeof METRICS, number> = {
    NonCompliantAccounts: plan.accounts.nonCompliant,
    Violations: plan.violations.length,
    Changes: plan.changes.length,
    EffectiveChanges: plan.effectiveChanges.length,
    Accounts: plan.accounts.total,
    Verdict: VERDICT_VALUE[plan.verdict],
    DurationMs: Math.max(0, Math.round(run.durationMs)),
    ApiCalls: run.apiCalls,
  };
  return {
    _aws: {
      Timestamp: run.timestamp.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [[METRICS_DIMENSION]],
          Metrics: Object.entries(METRICS).map(([Name, Unit]) => ({ Name, Unit })),
        },
      ],
    },
    [METRICS_DIMENSION]: run.functionName,
    ...values,
    verdict: plan.verdict,
    mode: plan.mode,
    ...(run.trigger ? { trigger: run.trigger } : {}),
  };
}

/** The per-type EMF documents of a run that planned `types` (none for a run of one type). */
export function typeMetricsDocuments(
  plan: Plan,
  types: readonly string[],
  run: Pick<RunFigures, 'functionName' | 'timestamp'>,
): Record<string, unknown>[] {
  if (types.length < 2) return [];
  return countsByType(plan, types).map((counts) => {
    const values: Record<keyof typeof TYPE_METRICS, number> = {
      NonCompliantAccounts: counts.nonCompliantAccounts,
      Violations: counts.violations,
      Changes: counts.changes,
      EffectiveChanges: counts.effectiveChanges,
    };
    return {
      _aws: {
        Timestamp: run.timestamp.getTime(),
        CloudWatchMetrics: [
          {
            Namespace: METRICS_NAMESPACE,
            Dimensions: [[METRICS_DIMENSION, METRICS_TYPE_DIMENSION]],
            Metrics: Object.entries(TYPE_METRICS).map(([Name, Unit]) => ({ Name, Unit })),
          },
        ],
      },
      [METRICS_DIMENSION]: run.functionName,
      [METRICS_TYPE_DIMENSION]: counts.policyType,
      ...values,
    };
  });
}

/** The EMF document of one refused invocation; `refusal` (the failure type, or `not-a-job`) is a plain member. */
export function rejectionDocument(
  functionName: string,
  timestamp: Date,
  refusal: string,
): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: timestamp.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [[METRICS_DIMENSION]],
          Metrics: [{ Name: REJECTED_INVOCATIONS, Unit: 'Count' }],
        },
      ],
    },
    [METRICS_DIMENSION]: functionName,
    [REJECTED_INVOCATIONS]: 1,
    refusal,
  };
}
