/**
 * A job's result through the CodePipeline job API: PutJobSuccessResult (with output variables, or a
 * continuation token) or PutJobFailureResult. Sent once: the client's attempts (client.ts) are the only
 * retries, and they start no attempt once `abortSignal` aborts.
 */
import {
  type CodePipelineClient,
  type FailureType,
  InvalidJobStateException,
  JobNotFoundException,
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
} from '@aws-sdk/client-codepipeline';

/**
 * A job's one result: success with the output variables, a continuation (CodePipeline invokes the
 * function again with `token`), or a failure of one of the API's failure types.
 */
export type JobResult =
  | { kind: 'success'; summary: string; variables: Record<string, string> }
  | { kind: 'continue'; summary: string; percentComplete: number; token: string }
  | { kind: 'failure'; type: FailureType; message: string };

interface SentResult {
  /** `already-decided`: the job already has a result (InvalidJobStateException), so none was recorded. */
  status: 'sent' | 'already-decided';
  /** Attempts the client made (retries included). */
  attempts: number | undefined;
  /** CodePipeline's words when the job already had a result. */
  detail?: string;
}

/** Whether CodePipeline answered that it never issued (or no longer knows) the job. */
export function isJobNotFound(error: unknown): boolean {
  return error instanceof JobNotFoundException;
}

/**
 * Sends `result` for `jobId`; `externalExecutionId` names this run (the Lambda request id). Throws what
 * the last attempt failed with, unless the job already had a result.
 */
export async function sendJobResult(
  client: CodePipelineClient,
  jobId: string,
  result: JobResult,
  options: { externalExecutionId?: string | undefined; abortSignal: AbortSignal },
): Promise<SentResult> {
  const external = options.externalExecutionId
    ? { externalExecutionId: options.externalExecutionId.slice(0, 1500) }
    : {};
  const send = { abortSignal: options.abortSignal };
  try {
    const response =
      result.kind === 'failure'
        ? await client.send(
            new PutJobFailureResultCommand({
              jobId,
              failureDetails: { type: result.type, message: result.message, ...external },
            }),
            send,
          )
        : await client.send(
            new PutJobSuccessResultCommand({
              jobId,
              executionDetails: {
                summary: result.summary,
                percentComplete: result.kind === 'continue' ? result.percentComplete : 100,
                ...external,
              },
              ...(result.kind === 'continue'
                ? { continuationToken: result.token }
                : { outputVariables: result.variables }),
            }),
            send,
          );
    return { status: 'sent', attempts: response.$metadata.attempts };
  } catch (error) {
    if (error instanceof InvalidJobStateException)
      return { status: 'already-decided', attempts: error.$metadata.attempts, detail: error.message };
    throw error;
  }
}
