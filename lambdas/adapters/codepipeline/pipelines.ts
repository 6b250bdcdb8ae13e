/**
 * The pipeline calls of the pipeline job and the starter ([CP-ACTION-EXECUTIONS], [CP-SOURCE-REVISION-OVERRIDE]):
 * the action executions of one pipeline execution (ListActionExecutions filtered on its id, every
 * page), one execution's status and variables (GetPipelineExecution), the newest executions
 * (ListPipelineExecutions: "the most recent executions", newest first), and starting a pipeline on a source
 * revision (StartPipelineExecution with `sourceRevisions`, `SourceRevisionOverride`), with pipeline
 * variables (a name of `[A-Za-z0-9@\-_]+`, 1–128 characters, and a value of 1–1000 characters:
 * [CP-VARIABLES]).
 */
import {
  type ActionExecutionDetail,
  type CodePipelineClient,
  GetPipelineExecutionCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  type PipelineExecution,
  PipelineExecutionNotFoundException,
  type PipelineExecutionSummary,
  PipelineNotFoundException,
  type SourceRevisionOverride,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';

/** Whether CodePipeline answered that the pipeline has no such execution. */
export function isExecutionNotFound(error: unknown): boolean {
  return error instanceof PipelineExecutionNotFoundException;
}

/** Whether CodePipeline answered that there is no such pipeline (in this account and region). */
export function isPipelineNotFound(error: unknown): boolean {
  return error instanceof PipelineNotFoundException;
}

/** Cuts a call (the pipeline job's deadline); none for the starter. */
type SendOptions = { abortSignal?: AbortSignal };

/** Every action execution pipeline execution `executionId` of `pipelineName` recorded, every page. */
export async function actionExecutionsOf(
  client: CodePipelineClient,
  where: { pipelineName: string; executionId: string },
  options: SendOptions = {},
): Promise<ActionExecutionDetail[]> {
  const all: ActionExecutionDetail[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListActionExecutionsCommand({
        pipelineName: where.pipelineName,
        filter: { pipelineExecutionId: where.executionId },
        ...(nextToken ? { nextToken } : {}),
      }),
      options,
    );
    all.push(...(page.actionExecutionDetails ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return all;
}

/** The execution of `stageName`/`actionName` in pipeline execution `executionId`, or undefined. */
export async function findActionExecution(
  client: CodePipelineClient,
  where: { pipelineName: string; executionId: string; stageName: string; actionName: string },
): Promise<ActionExecutionDetail | undefined> {
  const actions = await actionExecutionsOf(client, where);
  return actions.find((d) => d.stageName === where.stageName && d.actionName === where.actionName);
}

/** One execution of a pipeline: its status and its resolved pipeline variables. */
export async function pipelineExecution(
  client: CodePipelineClient,
  where: { pipelineName: string; executionId: string },
  options: SendOptions = {},
): Promise<PipelineExecution> {
  const answer = await client.send(
    new GetPipelineExecutionCommand({
      pipelineName: where.pipelineName,
      pipelineExecutionId: where.executionId,
    }),
    options,
  );
  return answer.pipelineExecution ?? {};
}

/**
 * The newest executions of a pipeline, newest first, up to `count` (at most 100: one page; the API
 * lists "the most recent executions" first, and the start times are compared too, to not rely on it).
 */
export async function newestExecutions(
  client: CodePipelineClient,
  pipelineName: string,
  count: number,
): Promise<PipelineExecutionSummary[]> {
  const page = await client.send(new ListPipelineExecutionsCommand({ pipelineName, maxResults: count }));
  const started = (s: PipelineExecutionSummary) => s.startTime?.getTime() ?? 0;
  return [...(page.pipelineExecutionSummaries ?? [])].sort((a, b) => started(b) - started(a));
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
