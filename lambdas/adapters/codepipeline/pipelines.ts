/**
 * The two pipeline calls of the pipeline starter: the action executions of one pipeline execution
 * (ListActionExecutions filtered on its id, every page) and starting a pipeline on a source revision
 * (StartPipelineExecution with `sourceRevisions`; botocore codepipeline/2015-07-09/service-2.json,
 * `SourceRevisionOverride`), with pipeline variables (`PipelineVariable`: a name of `[A-Za-z0-9@\-_]+`,
 * 1–128 characters, and a value of 1–1000 characters).
 */
import {
  type ActionExecutionDetail,
  type CodePipelineClient,
  ListActionExecutionsCommand,
  type SourceRevisionOverride,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';

/** The execution of `stageName`/`actionName` in pipeline execution `executionId`, or undefined. */
export async function findActionExecution(
  client: CodePipelineClient,
  where: { pipelineName: string; executionId: string; stageName: string; actionName: string },
): Promise<ActionExecutionDetail | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListActionExecutionsCommand({
        pipelineName: where.pipelineName,
        filter: { pipelineExecutionId: where.executionId },
        ...(nextToken ? { nextToken } : {}),
      }),
    );
    const action = page.actionExecutionDetails?.find(
      (d) => d.stageName === where.stageName && d.actionName === where.actionName,
    );
    if (action) return action;
    nextToken = page.nextToken;
  } while (nextToken);
  return undefined;
}

/** Starts `pipelineName`, on `revision` when given (else on the latest); returns the execution id. */
export async function startExecution(
  client: CodePipelineClient,
  request: {
    pipelineName: string;
    revision: SourceRevisionOverride | undefined;
    /** The idempotency token: the same token is the same request. */
    clientRequestToken: string | undefined;
    /** Pipeline-level variables of this execution (V2 pipelines), e.g. `trigger`. */
    variables?: Record<string, string>;
  },
): Promise<string | undefined> {
  const started = await client.send(
    new StartPipelineExecutionCommand({
      name: request.pipelineName,
      ...(request.revision ? { sourceRevisions: [request.revision] } : {}),
      ...(request.clientRequestToken ? { clientRequestToken: request.clientRequestToken } : {}),
      ...(request.variables
        ? { variables: Object.entries(request.variables).map(([name, value]) => ({ name, value })) }
        : {}),
    }),
  );
  return started.pipelineExecutionId;
}
