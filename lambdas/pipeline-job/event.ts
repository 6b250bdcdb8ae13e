/**
 * The CodePipeline job event, parsed rather than cast: a field the action reads that is missing or of
 * the wrong type is a ConfigurationError naming it, instead of "Cannot read properties of undefined"
 * later. The shape is CodePipelineEvent of @types/aws-lambda and AWS's documented sample event
 * [CP-JOB-EVENT]; unknown fields are kept, as AWS adds some.
 */
import * as z from 'zod';
import { echo } from '../domain/echo.ts';
import { ConfigurationError } from '../domain/errors.ts';

const S3ArtifactSchema = z.looseObject({
  name: z.string(),
  revision: z.string().nullable().optional(),
  location: z.looseObject({
    type: z.string(),
    s3Location: z.looseObject({ bucketName: z.string().min(1), objectKey: z.string().min(1) }),
  }),
});

const JobSchema = z.looseObject({
  id: z.string().min(1),
  accountId: z.string().optional(),
  data: z.looseObject({
    actionConfiguration: z
      .looseObject({
        configuration: z
          .looseObject({ FunctionName: z.string().optional(), UserParameters: z.string().optional() })
          .optional(),
      })
      .optional(),
    inputArtifacts: z.array(S3ArtifactSchema).optional(),
    outputArtifacts: z.array(S3ArtifactSchema).optional(),
    artifactCredentials: z.looseObject({
      accessKeyId: z.string().min(1),
      secretAccessKey: z.string().min(1),
      sessionToken: z.string().optional(),
    }),
    encryptionKey: z.looseObject({ id: z.string(), type: z.string() }).optional(),
    continuationToken: z.string().optional(),
  }),
});

/** The parts of the CodePipeline job event this action reads. */
export type CodePipelineJob = z.output<typeof JobSchema>;

export type JobEvent =
  | { kind: 'job'; job: CodePipelineJob }
  /** A job id, but the rest is malformed: reported as a ConfigurationError. */
  | { kind: 'malformed'; jobId: string; error: ConfigurationError }
  /** No job id: nothing can be reported. */
  | { kind: 'not-a-job'; keys: string[] };

const KINDS: Record<string, string> = {
  object: 'an object',
  array: 'a list',
  string: 'a string',
  number: 'a number',
};

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return KINDS[typeof value] ?? `a ${typeof value}`;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = ['CodePipeline.job', ...issue.path.map(String)].join('.');
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return `${field} is missing`;
    return `${field} must be ${KINDS[issue.expected] ?? issue.expected}, not ${kindOf(issue.input)}`;
  }
  if (issue.code === 'too_small') return `${field} is empty`;
  return `${field} is not valid (${echo(issue.message)})`;
}

/** Reads the event; never throws. */
export function readJobEvent(event: unknown): JobEvent {
  const raw = (event as { 'CodePipeline.job'?: { id?: unknown } } | null | undefined)?.['CodePipeline.job'];
  const jobId = typeof raw?.id === 'string' && raw.id !== '' ? raw.id : undefined;
  if (!jobId) {
    const keys =
      event !== null && typeof event === 'object'
        ? Object.keys(event)
            .slice(0, 20)
            .map((k) => echo(k, 100))
        : [];
    return { kind: 'not-a-job', keys };
  }
  const parsed = JobSchema.safeParse(raw, { reportInput: true });
  if (parsed.success) return { kind: 'job', job: parsed.data };
  const issue = parsed.error.issues[0] as z.core.$ZodIssue;
  const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problems)` : '';
  return {
    kind: 'malformed',
    jobId,
    error: new ConfigurationError(
      `the job event is malformed: ${describeIssue(issue)}${more}; CodePipeline's Lambda invoke action always sends it, so check what invokes this function`,
    ),
  };
}
