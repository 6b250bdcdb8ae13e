/**
 * The CloudWatch embedded metric format's document structure, as its specification states it
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html),
 * for tests that check a line the function prints:
 * - the root is a JSON object with `_aws`, a metadata object holding `Timestamp` (a number, epoch
 *   milliseconds) and `CloudWatchMetrics` (MetricDirective objects);
 * - a MetricDirective holds `Namespace` (1–1024 characters), `Dimensions` (DimensionSets: arrays of at
 *   most 30 root member names, whose values are strings of at most 1024 characters) and `Metrics` (at
 *   most 100 MetricDefinitions); objects the specification defines hold no other members;
 * - a MetricDefinition holds `Name` (1–1024), optionally `Unit` (the CloudWatch standard units, botocore
 *   cloudwatch `StandardUnit`) and `StorageResolution` (1 or 60); each `Name` is a root member whose
 *   value is a number or an array of at most 100 numbers.
 */
import * as z from 'zod';

const STANDARD_UNITS = [
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
] as const;

const MetricDefinition = z.strictObject({
  Name: z.string().min(1).max(1024),
  Unit: z.enum(STANDARD_UNITS).optional(),
  StorageResolution: z.union([z.literal(1), z.literal(60)]).optional(),
});

const MetricDirective = z.strictObject({
  Namespace: z.string().min(1).max(1024),
  Dimensions: z.array(z.array(z.string().min(1).max(250)).max(30)).min(1),
  Metrics: z.array(MetricDefinition).max(100),
});

const Metadata = z.looseObject({
  Timestamp: z.number().int().nonnegative(),
  CloudWatchMetrics: z.array(MetricDirective),
});

const EmfDocument = z.looseObject({ _aws: Metadata }).superRefine((doc, ctx) => {
  for (const directive of doc._aws.CloudWatchMetrics) {
    for (const name of directive.Dimensions.flat()) {
      const value = (doc as Record<string, unknown>)[name];
      if (typeof value !== 'string' || value.length > 1024)
        ctx.addIssue({ code: 'custom', message: `dimension ${name} is not a root string member` });
    }
    for (const { Name } of directive.Metrics) {
      const value = (doc as Record<string, unknown>)[Name];
      const numeric =
        typeof value === 'number' ||
        (Array.isArray(value) && value.length <= 100 && value.every((v) => typeof v === 'number'));
      if (!numeric) ctx.addIssue({ code: 'custom', message: `metric ${Name} has no numeric root member` });
    }
  }
});

export type EmfDocument = z.output<typeof EmfDocument>;

/** Parses one log line as an EMF document; throws with the specification's broken rules. */
export function parseEmfLine(line: string): EmfDocument & Record<string, unknown> {
  const body = line.endsWith('\n') ? line.slice(0, -1) : line;
  if (body.includes('\n')) throw new Error('an EMF document is one log line: it holds a line break');
  return EmfDocument.parse(JSON.parse(line)) as EmfDocument & Record<string, unknown>;
}
