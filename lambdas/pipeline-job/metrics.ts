/**
 * The run's metrics: one embedded-metric-format line (lambdas/domain/metrics.ts) written straight to
 * standard output, which Lambda sends to the function's log group, where CloudWatch Logs extracts the
 * metrics. Written with process.stdout, not console: under Lambda's JSON log format console output is
 * wrapped in a JSON envelope that escapes the document (awslabs/aws-embedded-metrics-node,
 * src/sinks/ConsoleSink.ts, works around the same wrapping with a Console on process.stdout).
 */
import { metricsDocument, rejectionDocument, typeMetricsDocuments } from '../domain/metrics.ts';
import { policyTypesFor } from '../organization-session.ts';
import type { JobRun } from './job-run.ts';
import type { FinishedRun } from './outputs.ts';

/** Where the metrics line goes, and the function name that is its dimension. */
export interface MetricsSink {
  functionName: string;
  write(line: string): void;
}

export function stdoutMetrics(functionName: string): MetricsSink {
  return { functionName, write: (line) => process.stdout.write(line) };
}

/** Counts one refused invocation (RejectedInvocations), when there is a sink. */
export function emitRejection(deps: Pick<JobRun['deps'], 'metrics' | 'now'>, refusal: string): void {
  const sink = deps.metrics;
  if (!sink) return;
  sink.write(`${JSON.stringify(rejectionDocument(sink.functionName, deps.now(), refusal))}\n`);
}

/**
 * Writes the metrics of a finished run to `sink` (the handler wires one in Lambda): the run's line, then
 * one line per policy type when the file plans more than one.
 */
export function emitMetrics(sink: MetricsSink, { result, trigger, input }: FinishedRun, run: JobRun): void {
  const now = run.deps.now();
  const document = metricsDocument(result, {
    functionName: sink.functionName,
    timestamp: now,
    durationMs: now.getTime() - run.startedAt.getTime(),
    apiCalls: run.watch.started - run.callsAtStart,
    trigger,
  });
  sink.write(`${JSON.stringify(document)}\n`);
  const figures = { functionName: sink.functionName, timestamp: now };
  for (const line of typeMetricsDocuments(result, policyTypesFor(input.state), figures))
    sink.write(`${JSON.stringify(line)}\n`);
}
