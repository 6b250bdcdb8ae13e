/**
 * A local stand-in for the CodePipeline job API, for the pipeline-job tests: an HTTP server speaking
 * the JSON protocol (awsJson1_1, `X-Amz-Target: CodePipeline_20150709.<Operation>`) that answers
 * PutJobSuccessResult and PutJobFailureResult, records every call, and rejects what AWS rejects: the
 * constraints of the botocore model (github.com/boto/botocore,
 * `botocore/data/codepipeline/2015-07-09/service-2.json`), a second result for the same job
 * (InvalidJobStateException), and output variables beyond the documented 122,880-byte quota
 * (OutputVariablesSizeExceededException). Errors use the JSON protocol's body
 * `{"__type": "<Code>", "message": "..."}`, so the SDK parses them into its modeled exceptions.
 *
 * `failNext(n)` makes the next n calls fail (by default with a 500 InternalServiceError) to exercise
 * the retries of the job's result (the CodePipeline client's attempts).
 *
 * It also plays the pipelines: `addPipeline` registers a pipeline (other names answer
 * PipelineNotFoundException), `addExecution` scripts one of its runs (its status, its pipeline variables,
 * when it started, and the action executions it recorded), and it answers ListActionExecutions (paged by
 * `maxResults`, default 100, or a smaller `pageSize` to exercise paging; each action execution with
 * `input.resolvedConfiguration` and `input.inputArtifacts[].s3location` as scripted),
 * GetPipelineExecution (`status` and `variables` as `{name, resolvedValue}`), ListPipelineExecutions
 * (newest first, paged the same way) and StartPipelineExecution (recorded in `started()`; the same
 * `clientRequestToken` gives back the same execution, as an idempotency token does). Requests are
 * checked against the same model's shapes: `PipelineName` 1-100 `[A-Za-z0-9.@\-_]+`,
 * `PipelineExecutionId` a UUID, `MaxResults` 1-100, `NextToken` 1-2048, `SourceRevisionOverride`
 * (`actionName` like a pipeline name, `revisionType` COMMIT_ID | IMAGE_DIGEST | S3_OBJECT_VERSION_ID |
 * S3_OBJECT_KEY, `revisionValue` 1-1500), at most 50 overrides, `ClientRequestToken` 1-128
 * `^[a-zA-Z0-9-]+$`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';

export const JOB_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const FAILURE_TYPES = [
  'JobFailed',
  'ConfigurationError',
  'PermissionError',
  'RevisionOutOfSync',
  'RevisionUnavailable',
  'SystemUnavailable',
] as const;
export const OUTPUT_VARIABLE_KEY_PATTERN = /^[A-Za-z0-9@\-_]+$/;
export const OUTPUT_VARIABLES_MAX_BYTES = 122_880;
export const TARGET_PREFIX = 'CodePipeline_20150709.';
export const PIPELINE_NAME_PATTERN = /^[A-Za-z0-9.@\-_]+$/;
export const REVISION_TYPES = ['COMMIT_ID', 'IMAGE_DIGEST', 'S3_OBJECT_VERSION_ID', 'S3_OBJECT_KEY'] as const;
export const CLIENT_REQUEST_TOKEN_PATTERN = /^[a-zA-Z0-9-]+$/;

/** One action execution, as ListActionExecutions returns it (botocore `ActionExecutionDetail`); status default Succeeded. */
export interface ScriptedActionExecution {
  stageName: string;
  actionName: string;
  status?: 'InProgress' | 'Abandoned' | 'Succeeded' | 'Failed';
  input?: {
    configuration?: Record<string, string>;
    resolvedConfiguration?: Record<string, string>;
    /** botocore `ArtifactDetail`: the artifact's name and where it is (`S3Location`: bucket 3-63, key 1-100). */
    inputArtifacts?: { name: string; s3location: { bucket: string; key: string } }[];
  };
  output?: { outputVariables?: Record<string, string> };
  /**
   * The jobs CodePipeline issued for this action execution (not part of the answer): a result for one
   * of them without a continuation token ends it, Succeeded or Failed, as CodePipeline does.
   */
  jobIds?: string[];
  /** A result does not end it yet (a second delivery that overtakes CodePipeline's record of it). */
  keepsRunning?: boolean;
}

/** botocore `PipelineExecutionStatus`. */
export type PipelineExecutionStatus =
  | 'Cancelled'
  | 'InProgress'
  | 'Stopped'
  | 'Stopping'
  | 'Succeeded'
  | 'Superseded'
  | 'Failed';

/** What a run of a pipeline is, beyond its action executions. */
export interface ScriptedExecutionOptions {
  /** Default: InProgress while an action is InProgress, else Succeeded. */
  status?: PipelineExecutionStatus;
  /** Its pipeline variables, as GetPipelineExecution resolves them. */
  variables?: Record<string, string>;
  /** Default: one second after the pipeline's previous execution (ListPipelineExecutions lists newest first). */
  startTime?: Date;
}

/** An accepted StartPipelineExecution. */
export interface StartedExecution {
  name: string;
  pipelineExecutionId: string;
  sourceRevisions?: { actionName: string; revisionType: string; revisionValue: string }[];
  clientRequestToken?: string;
  /** Pipeline variables of the execution (botocore `PipelineVariableList`: 1–50 of name 1–128 `[A-Za-z0-9@\-_]+`, value 1–1000). */
  variables?: { name: string; value: string }[];
}

export interface RecordedCall {
  /** `PutJobSuccessResult`, `PutJobFailureResult`, or whatever else the target named. */
  operation: string;
  /** The parsed JSON body (or `undefined` when it was not JSON). */
  input: Record<string, unknown> | undefined;
  /** HTTP status answered. */
  status: number;
  /** The error code answered, when the call was rejected or an injected fault answered it. */
  error?: string;
  errorMessage?: string;
  headers: IncomingMessage['headers'];
}

/** An accepted result: what CodePipeline would show for the job. */
export type JobResult =
  | {
      kind: 'success';
      jobId: string;
      executionDetails?: { summary?: string; externalExecutionId?: string; percentComplete?: number };
      outputVariables?: Record<string, string>;
      continuationToken?: string;
    }
  | {
      kind: 'failure';
      jobId: string;
      failureDetails: { type: string; message: string; externalExecutionId?: string };
    };

export interface InjectedFault {
  status?: number;
  type?: string;
  message?: string;
  /** Only calls of this operation take the fault (others pass); default any call. */
  operation?: string;
}

export interface CodePipelineEndpoint {
  /** Base URL for the SDK client's `endpoint` or `AWS_ENDPOINT_URL_CODEPIPELINE`. */
  readonly endpoint: string;
  /** Every call, in order, accepted or not. */
  readonly calls: RecordedCall[];
  /** Accepted results, in order. */
  results(): JobResult[];
  /** The next `n` calls (of `fault.operation`, if given) fail with `fault` (default HTTP 500 InternalServiceError) before validation. */
  failNext(n: number, fault?: InjectedFault): void;
  /** Registers a pipeline the pipeline API answers for. */
  addPipeline(name: string): void;
  /** Scripts one execution of a registered pipeline and the action executions it recorded. */
  addExecution(
    pipelineName: string,
    executionId: string,
    actions: ScriptedActionExecution[],
    options?: ScriptedExecutionOptions,
  ): void;
  /** Action executions per ListActionExecutions page when the request sets no maxResults (default 100). */
  pageSize: number;
  /**
   * Answer a result for a job no scripted action execution issued with JobNotFoundException, as
   * CodePipeline answers a job id it never issued (default false: any well-formed job id is accepted).
   */
  issuedJobsOnly: boolean;
  /** CodePipeline issues another job (a continuation) for the action execution of job `jobId`. */
  continueJob(jobId: string, nextJobId: string): void;
  /** Accepted StartPipelineExecution calls, in order (a repeated token is not listed twice). */
  started(): StartedExecution[];
  /** Forgets calls, results, pending faults, pipelines and executions. */
  reset(): void;
  stop(): Promise<void>;
}

class Rejection extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** String length as Smithy counts it (Unicode code points). */
function length(value: string): number {
  return [...value].length;
}

function checkString(
  value: unknown,
  field: string,
  min: number,
  max: number,
  options: { required?: boolean } = {},
): void {
  if (value === undefined || value === null) {
    if (options.required) throw new Rejection('ValidationException', `${field} is required`);
    return;
  }
  if (typeof value !== 'string') throw new Rejection('ValidationException', `${field} must be a string`);
  const n = length(value);
  if (n < min || n > max) {
    throw new Rejection(
      'ValidationException',
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have length ${n < min ? 'greater than or equal to' : 'less than or equal to'} ${n < min ? min : max} (was ${n})`,
    );
  }
}

function checkJobId(input: Record<string, unknown>): string {
  const jobId = input.jobId;
  checkString(jobId, 'jobId', 1, 100, { required: true });
  if (!JOB_ID_PATTERN.test(jobId as string)) {
    throw new Rejection(
      'ValidationException',
      `1 validation error detected: Value '${String(jobId)}' at 'jobId' failed to satisfy constraint: Member must satisfy regular expression pattern: ${JOB_ID_PATTERN.source}`,
    );
  }
  return jobId as string;
}

function checkObject(value: unknown, field: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw new Rejection('ValidationException', `${field} must be a structure`);
  return value as Record<string, unknown>;
}

function validateSuccess(input: Record<string, unknown>): JobResult {
  const jobId = checkJobId(input);
  checkString(input.continuationToken, 'continuationToken', 1, 2048);
  const details = checkObject(input.executionDetails, 'executionDetails');
  if (details) {
    checkString(details.summary, 'executionDetails.summary', 1, 2048);
    checkString(details.externalExecutionId, 'executionDetails.externalExecutionId', 1, 1500);
    const percent = details.percentComplete;
    if (percent !== undefined && percent !== null) {
      if (typeof percent !== 'number' || !Number.isInteger(percent) || percent < 0 || percent > 100) {
        throw new Rejection(
          'ValidationException',
          `1 validation error detected: Value '${String(percent)}' at 'executionDetails.percentComplete' failed to satisfy constraint: Member must be an integer between 0 and 100`,
        );
      }
    }
  }
  const current = checkObject(input.currentRevision, 'currentRevision');
  if (current) {
    checkString(current.revision, 'currentRevision.revision', 1, 1500, { required: true });
    checkString(current.changeIdentifier, 'currentRevision.changeIdentifier', 1, 100, { required: true });
    checkString(current.revisionSummary, 'currentRevision.revisionSummary', 1, 2048);
  }
  const variables = checkObject(input.outputVariables, 'outputVariables');
  if (variables) {
    if (input.continuationToken !== undefined && input.continuationToken !== null) {
      throw new Rejection(
        'ValidationException',
        'outputVariables can only be included when there is no continuation token on the request',
      );
    }
    let bytes = 0;
    for (const [key, value] of Object.entries(variables)) {
      if (!OUTPUT_VARIABLE_KEY_PATTERN.test(key)) {
        throw new Rejection(
          'ValidationException',
          `1 validation error detected: Value at 'outputVariables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: ${OUTPUT_VARIABLE_KEY_PATTERN.source}] (key ${JSON.stringify(key)})`,
        );
      }
      if (typeof value !== 'string')
        throw new Rejection('ValidationException', `outputVariables.${key} must be a string`);
      bytes += Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8');
    }
    if (bytes > OUTPUT_VARIABLES_MAX_BYTES) {
      throw new Rejection(
        'OutputVariablesSizeExceededException',
        `Exceeded the total size limit for all variables in the pipeline: ${bytes} bytes, at most ${OUTPUT_VARIABLES_MAX_BYTES}`,
      );
    }
  }
  return {
    kind: 'success',
    jobId,
    ...(details ? { executionDetails: details as never } : {}),
    ...(variables ? { outputVariables: variables as Record<string, string> } : {}),
    ...(typeof input.continuationToken === 'string' ? { continuationToken: input.continuationToken } : {}),
  };
}

function validateFailure(input: Record<string, unknown>): JobResult {
  const jobId = checkJobId(input);
  const details = checkObject(input.failureDetails, 'failureDetails');
  if (!details) throw new Rejection('ValidationException', 'failureDetails is required');
  const type = details.type;
  if (typeof type !== 'string' || !(FAILURE_TYPES as readonly string[]).includes(type)) {
    throw new Rejection(
      'ValidationException',
      `1 validation error detected: Value '${String(type)}' at 'failureDetails.type' failed to satisfy constraint: Member must satisfy enum value set: [${FAILURE_TYPES.join(', ')}]`,
    );
  }
  checkString(details.message, 'failureDetails.message', 1, 5000, { required: true });
  checkString(details.externalExecutionId, 'failureDetails.externalExecutionId', 1, 1500);
  return { kind: 'failure', jobId, failureDetails: details as never };
}

function checkPattern(
  value: unknown,
  field: string,
  pattern: RegExp,
  min: number,
  max: number,
  required = true,
): void {
  checkString(value, field, min, max, { required });
  if (value !== undefined && value !== null && !pattern.test(value as string)) {
    throw new Rejection(
      'ValidationException',
      `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern.source}`,
    );
  }
}

const EXECUTION_ID_PATTERN = JOB_ID_PATTERN;

interface ScriptedExecution {
  actions: ScriptedActionExecution[];
  status: PipelineExecutionStatus;
  variables: Record<string, string>;
  startTime: Date;
}

interface PipelineState {
  executions: Map<string, ScriptedExecution>;
}

/** The pipeline a request names (`field`), checked against the model; PipelineNotFoundException if unknown. */
function pipelineNamed(
  input: Record<string, unknown>,
  field: string,
  pipelines: Map<string, PipelineState>,
): PipelineState {
  checkPattern(input[field], field, PIPELINE_NAME_PATTERN, 1, 100);
  const pipeline = pipelines.get(input[field] as string);
  if (!pipeline)
    throw new Rejection('PipelineNotFoundException', `Pipeline ${String(input[field])} not found`);
  return pipeline;
}

function executionOf(pipeline: PipelineState, executionId: string, pipelineName: unknown): ScriptedExecution {
  const execution = pipeline.executions.get(executionId);
  if (!execution)
    throw new Rejection(
      'PipelineExecutionNotFoundException',
      `Execution ${executionId} not found in ${String(pipelineName)}`,
    );
  return execution;
}

function checkMaxResults(max: unknown): number | undefined {
  if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 100))
    throw new Rejection(
      'ValidationException',
      `maxResults must be an integer from 1 to 100 (was ${String(max)})`,
    );
  return max as number | undefined;
}

/** One page of `all`: `nextToken` is the index of the next item, as a string. */
function page<T>(all: T[], nextToken: unknown, size: number): { items: T[]; nextToken?: string } {
  checkString(nextToken, 'nextToken', 1, 2048);
  const start = nextToken === undefined ? 0 : Number(nextToken);
  if (!Number.isInteger(start) || start < 0 || start > all.length)
    throw new Rejection('InvalidNextTokenException', 'The next token is not valid');
  const end = start + size;
  return { items: all.slice(start, end), ...(end < all.length ? { nextToken: String(end) } : {}) };
}

/** Timestamps in the JSON protocol: epoch seconds. */
const epochSeconds = (date: Date) => date.getTime() / 1000;

/** ListActionExecutions (botocore `ListActionExecutionsOutput`), optionally filtered on one execution. */
function listActionExecutions(
  input: Record<string, unknown>,
  pipelines: Map<string, PipelineState>,
  pageSize: number,
): unknown {
  checkPattern(input.pipelineName, 'pipelineName', PIPELINE_NAME_PATTERN, 1, 100);
  const filter = checkObject(input.filter, 'filter');
  if (filter)
    checkPattern(
      filter.pipelineExecutionId,
      'filter.pipelineExecutionId',
      EXECUTION_ID_PATTERN,
      1,
      36,
      false,
    );
  const max = checkMaxResults(input.maxResults);
  checkString(input.nextToken, 'nextToken', 1, 2048);
  const pipeline = pipelineNamed(input, 'pipelineName', pipelines);
  const executionId = filter?.pipelineExecutionId as string | undefined;
  if (executionId) executionOf(pipeline, executionId, input.pipelineName);
  const all = [...pipeline.executions.entries()]
    .filter(([id]) => !executionId || id === executionId)
    .flatMap(([id, execution]) =>
      execution.actions.map(({ jobIds: _jobs, keepsRunning: _running, ...a }) => ({
        pipelineExecutionId: id,
        actionExecutionId: `${id}-${a.actionName}`,
        status: 'Succeeded',
        ...a,
      })),
    );
  const { items, nextToken } = page(all, input.nextToken, max ?? pageSize);
  return { actionExecutionDetails: items, ...(nextToken ? { nextToken } : {}) };
}

/** GetPipelineExecution (botocore `PipelineExecution`: status, and variables as `{name, resolvedValue}`). */
function getPipelineExecution(
  input: Record<string, unknown>,
  pipelines: Map<string, PipelineState>,
): unknown {
  checkPattern(input.pipelineName, 'pipelineName', PIPELINE_NAME_PATTERN, 1, 100);
  checkPattern(input.pipelineExecutionId, 'pipelineExecutionId', EXECUTION_ID_PATTERN, 1, 36);
  const pipeline = pipelineNamed(input, 'pipelineName', pipelines);
  const id = input.pipelineExecutionId as string;
  const execution = executionOf(pipeline, id, input.pipelineName);
  return {
    pipelineExecution: {
      pipelineName: input.pipelineName,
      pipelineVersion: 1,
      pipelineExecutionId: id,
      status: execution.status,
      variables: Object.entries(execution.variables).map(([name, resolvedValue]) => ({
        name,
        resolvedValue,
      })),
    },
  };
}

/** ListPipelineExecutions (botocore `PipelineExecutionSummary`), newest first, as AWS lists "the most recent". */
function listPipelineExecutions(
  input: Record<string, unknown>,
  pipelines: Map<string, PipelineState>,
  pageSize: number,
): unknown {
  const max = checkMaxResults(input.maxResults);
  const pipeline = pipelineNamed(input, 'pipelineName', pipelines);
  const all = [...pipeline.executions.entries()]
    .sort(([, a], [, b]) => b.startTime.getTime() - a.startTime.getTime())
    .map(([id, execution]) => ({
      pipelineExecutionId: id,
      status: execution.status,
      startTime: epochSeconds(execution.startTime),
      lastUpdateTime: epochSeconds(execution.startTime),
    }));
  const { items, nextToken } = page(all, input.nextToken, max ?? pageSize);
  return { pipelineExecutionSummaries: items, ...(nextToken ? { nextToken } : {}) };
}

function validateStart(
  input: Record<string, unknown>,
  pipelines: Map<string, PipelineState>,
): StartedExecution {
  checkPattern(input.name, 'name', PIPELINE_NAME_PATTERN, 1, 100);
  checkPattern(input.clientRequestToken, 'clientRequestToken', CLIENT_REQUEST_TOKEN_PATTERN, 1, 128, false);
  const overrides = input.sourceRevisions;
  if (overrides !== undefined) {
    if (!Array.isArray(overrides) || overrides.length > 50)
      throw new Rejection('ValidationException', 'sourceRevisions must be a list of at most 50 overrides');
    overrides.forEach((o: Record<string, unknown>, i) => {
      checkPattern(o.actionName, `sourceRevisions.${i + 1}.member.actionName`, PIPELINE_NAME_PATTERN, 1, 100);
      if (!(REVISION_TYPES as readonly unknown[]).includes(o.revisionType))
        throw new Rejection(
          'ValidationException',
          `1 validation error detected: Value '${String(o.revisionType)}' at 'sourceRevisions.${i + 1}.member.revisionType' failed to satisfy constraint: Member must satisfy enum value set: [${REVISION_TYPES.join(', ')}]`,
        );
      checkString(o.revisionValue, `sourceRevisions.${i + 1}.member.revisionValue`, 1, 1500, {
        required: true,
      });
    });
  }
  const variables = input.variables;
  if (variables !== undefined) {
    if (!Array.isArray(variables) || variables.length < 1 || variables.length > 50)
      throw new Rejection('ValidationException', 'variables must be a list of 1 to 50 variables');
    variables.forEach((v: Record<string, unknown>, i) => {
      checkPattern(v.name, `variables.${i + 1}.member.name`, /^[A-Za-z0-9@\-_]+$/, 1, 128);
      checkString(v.value, `variables.${i + 1}.member.value`, 1, 1000, { required: true });
    });
  }
  if (!pipelines.has(input.name as string))
    throw new Rejection('PipelineNotFoundException', `Pipeline ${String(input.name)} not found`);
  return {
    name: input.name as string,
    pipelineExecutionId: '',
    ...(overrides ? { sourceRevisions: overrides as StartedExecution['sourceRevisions'] } : {}),
    ...(variables ? { variables: variables as StartedExecution['variables'] } : {}),
    ...(typeof input.clientRequestToken === 'string' ? { clientRequestToken: input.clientRequestToken } : {}),
  };
}

export async function startCodePipelineEndpoint(): Promise<CodePipelineEndpoint> {
  const calls: RecordedCall[] = [];
  const results = new Map<string, JobResult>();
  const order: JobResult[] = [];
  const faults: (Required<Omit<InjectedFault, 'operation'>> & Pick<InjectedFault, 'operation'>)[] = [];
  const pipelines = new Map<string, PipelineState>();
  const startedExecutions: StartedExecution[] = [];
  let pageSize = 100;
  let issuedJobsOnly = false;

  /** The pipeline API: a body to answer, or undefined for an operation it does not serve. */
  const pipelineApi = (operation: string, input: Record<string, unknown>): unknown => {
    if (operation === 'ListActionExecutions') return listActionExecutions(input, pipelines, pageSize);
    if (operation === 'GetPipelineExecution') return getPipelineExecution(input, pipelines);
    if (operation === 'ListPipelineExecutions') return listPipelineExecutions(input, pipelines, pageSize);
    if (operation !== 'StartPipelineExecution') return undefined;
    const start = validateStart(input, pipelines);
    const repeated = startedExecutions.find(
      (e) => start.clientRequestToken && e.clientRequestToken === start.clientRequestToken,
    );
    if (repeated) return { pipelineExecutionId: repeated.pipelineExecutionId };
    start.pipelineExecutionId = randomUUID();
    startedExecutions.push(start);
    return { pipelineExecutionId: start.pipelineExecutionId };
  };

  const scriptedActions = () =>
    [...pipelines.values()].flatMap((p) => [...p.executions.values()].flatMap((e) => e.actions));
  const issued = (jobId: string) => scriptedActions().some((a) => a.jobIds?.includes(jobId));

  /** A final result ends the action execution that issued the job (a continuation keeps it running). */
  const endAction = (result: JobResult): void => {
    if (result.kind === 'success' && result.continuationToken) return;
    for (const pipeline of pipelines.values())
      for (const execution of pipeline.executions.values())
        for (const action of execution.actions)
          if (action.jobIds?.includes(result.jobId) && !action.keepsRunning) {
            action.status = result.kind === 'success' ? 'Succeeded' : 'Failed';
            if (execution.actions.every((a) => a.status !== 'InProgress')) execution.status = action.status;
          }
  };

  const answer = (res: ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': `fake-${calls.length}`,
    });
    res.end(text);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
      let input: Record<string, unknown> | undefined;
      const call: RecordedCall = { operation, input: undefined, status: 200, headers: req.headers };
      calls.push(call);
      try {
        if (req.method !== 'POST') throw new Rejection('UnknownOperationException', 'expected POST');
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          const parsed: unknown = JSON.parse(text || '{}');
          if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
            input = parsed as Record<string, unknown>;
        } catch {
          throw new Rejection('SerializationException', 'the body is not JSON');
        }
        call.input = input;
        const at = faults.findIndex((f) => f.operation === undefined || f.operation === operation);
        const fault = at < 0 ? undefined : faults.splice(at, 1)[0];
        if (fault) throw new Rejection(fault.type, fault.message, fault.status);
        if (!input) throw new Rejection('SerializationException', 'the body is not a JSON object');
        if (!target.startsWith(TARGET_PREFIX))
          throw new Rejection('UnknownOperationException', `unknown target ${target}`);
        const contentType = String(req.headers['content-type'] ?? '');
        if (contentType !== 'application/x-amz-json-1.1')
          throw new Rejection('SerializationException', `unexpected content-type ${contentType}`);
        const body = pipelineApi(operation, input);
        if (body !== undefined) {
          answer(res, 200, body);
          return;
        }
        let result: JobResult;
        if (operation === 'PutJobSuccessResult') result = validateSuccess(input);
        else if (operation === 'PutJobFailureResult') result = validateFailure(input);
        else throw new Rejection('UnknownOperationException', `${operation} is not served here`);
        if (issuedJobsOnly && !issued(result.jobId))
          throw new Rejection('JobNotFoundException', `The job ${result.jobId} was not found`);
        if (results.has(result.jobId)) {
          throw new Rejection(
            'InvalidJobStateException',
            `Job ${result.jobId} is in state ${results.get(result.jobId)?.kind === 'success' ? 'Succeeded' : 'Failed'}; it already has a result`,
          );
        }
        results.set(result.jobId, result);
        order.push(result);
        endAction(result);
        answer(res, 200, {});
      } catch (error) {
        const rejection =
          error instanceof Rejection ? error : new Rejection('InternalServiceError', String(error), 500);
        call.status = rejection.status;
        call.error = rejection.type;
        call.errorMessage = rejection.message;
        answer(res, rejection.status, { __type: rejection.type, message: rejection.message });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    results: () => [...order],
    failNext(n, fault = {}) {
      for (let i = 0; i < n; i++) {
        faults.push({
          status: fault.status ?? 500,
          type: fault.type ?? 'InternalServiceError',
          message: fault.message ?? 'injected fault',
          ...(fault.operation ? { operation: fault.operation } : {}),
        });
      }
    },
    addPipeline(name) {
      pipelines.set(name, pipelines.get(name) ?? { executions: new Map() });
    },
    addExecution(pipelineName, executionId, actions, options = {}) {
      const pipeline = pipelines.get(pipelineName);
      if (!pipeline) throw new Error(`addPipeline(${pipelineName}) first`);
      const latest = Math.max(0, ...[...pipeline.executions.values()].map((e) => e.startTime.getTime()));
      pipeline.executions.set(executionId, {
        actions,
        status:
          options.status ?? (actions.some((a) => a.status === 'InProgress') ? 'InProgress' : 'Succeeded'),
        variables: options.variables ?? {},
        startTime: options.startTime ?? new Date(Math.max(latest + 1000, Date.UTC(2026, 0, 1))),
      });
    },
    get pageSize() {
      return pageSize;
    },
    set pageSize(value: number) {
      pageSize = value;
    },
    get issuedJobsOnly() {
      return issuedJobsOnly;
    },
    set issuedJobsOnly(value: boolean) {
      issuedJobsOnly = value;
    },
    continueJob(jobId, nextJobId) {
      const action = scriptedActions().find((a) => a.jobIds?.includes(jobId));
      if (!action) throw new Error(`no action execution issued job ${jobId}`);
      action.jobIds?.push(nextJobId);
    },
    started: () => [...startedExecutions],
    reset() {
      calls.length = 0;
      results.clear();
      order.length = 0;
      faults.length = 0;
      pipelines.clear();
      startedExecutions.length = 0;
      pageSize = 100;
      issuedJobsOnly = false;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The real SDK client pointed at the fake, with test credentials and no retries. */
export function codePipelineClientFor(fake: CodePipelineEndpoint): CodePipelineClient {
  return new CodePipelineClient({
    region: 'us-east-1',
    endpoint: fake.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
  });
}

/** The parts of a `CodePipeline.job` event that CodePipeline also records for the action execution. */
interface JobEventLike {
  'CodePipeline.job': {
    id: string;
    data: {
      actionConfiguration: { configuration: Record<string, string> };
      inputArtifacts: { name: string; location: { s3Location: { bucketName: string; objectKey: string } } }[];
    };
  };
}

/**
 * The action execution CodePipeline records for the job of `event` (InProgress while the job runs):
 * its resolved configuration is the event's, and its input artifacts are the event's locations.
 */
export function actionExecutionFor(
  event: JobEventLike,
  options: { status?: ScriptedActionExecution['status']; stageName?: string; actionName?: string } = {},
): ScriptedActionExecution {
  const { actionConfiguration, inputArtifacts } = event['CodePipeline.job'].data;
  return {
    stageName: options.stageName ?? 'AiOptOut',
    actionName: options.actionName ?? 'Reconcile',
    status: options.status ?? 'InProgress',
    jobIds: [event['CodePipeline.job'].id],
    input: {
      configuration: { ...actionConfiguration.configuration },
      resolvedConfiguration: { ...actionConfiguration.configuration },
      inputArtifacts: inputArtifacts.map((a) => ({
        name: a.name,
        s3location: { bucket: a.location.s3Location.bucketName, key: a.location.s3Location.objectKey },
      })),
    },
  };
}

/**
 * Scripts the pipeline execution that issued `event`'s job: the execution named by the event's
 * `pipelineExecutionId` parameter (or `executionId`), with the job's action execution and `variables`.
 */
export function scriptJobExecution(
  fake: CodePipelineEndpoint,
  pipelineName: string,
  event: JobEventLike,
  options: {
    status?: ScriptedActionExecution['status'];
    executionId?: string;
    variables?: Record<string, string>;
    /** false: the job's result does not end the action (a second delivery that overtakes it). */
    endsOnResult?: boolean;
  } = {},
): string {
  const parameters = event['CodePipeline.job'].data.actionConfiguration.configuration.UserParameters;
  const executionId =
    options.executionId ??
    (JSON.parse(parameters ?? '{}') as { pipelineExecutionId?: string }).pipelineExecutionId;
  if (!executionId) throw new Error('the event names no pipelineExecutionId: pass executionId');
  fake.addPipeline(pipelineName);
  const action = actionExecutionFor(event, options.status ? { status: options.status } : {});
  if (options.endsOnResult === false) action.keepsRunning = true;
  fake.addExecution(
    pipelineName,
    executionId,
    [action],
    options.variables ? { variables: options.variables } : {},
  );
  return executionId;
}
