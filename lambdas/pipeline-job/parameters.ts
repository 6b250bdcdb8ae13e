/**
 * The action's `UserParameters` (docs/pipeline-job.md, Parameters): a JSON object string. Unknown keys are
 * a configuration error, as a typo would otherwise be ignored silently, and so are repeated keys:
 * JSON.parse keeps the last one, so text appended after a real key would override it. No value here
 * comes from whoever starts the pipeline: what started a run is read from the pipeline execution
 * (confirm.ts), never from these parameters.
 */

import * as z from 'zod';
import { DEFAULT_VERIFY, type Mode, ROLE_ARN_EXAMPLE, ROLE_ARN_PATTERN } from '../domain/contract.ts';
import { FailOnSchema, ModeSchema, VerifySchema } from '../domain/contract-schemas.ts';
import { echo } from '../domain/echo.ts';
import { ConfigurationError } from '../domain/errors.ts';
import { repeatedKeys } from '../domain/json-keys.ts';
import { closest } from '../domain/suggest.ts';

/** A pipeline execution id [CP-EXECUTION-ID]. */
export const PIPELINE_EXECUTION_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const UserParametersSchema = z.strictObject({
  configPath: z.string().min(1).max(512).default('ai-optout.yaml'),
  mode: ModeSchema.optional(),
  failOn: FailOnSchema.default('drift'),
  /** How much of the local effective-policy computation AWS confirms (DescribeEffectivePolicy). */
  verify: VerifySchema.default(DEFAULT_VERIFY),
  roleArn: z
    .string()
    .regex(ROLE_ARN_PATTERN, `expected an IAM role ARN such as ${ROLE_ARN_EXAMPLE}`)
    .optional(),
  /**
   * `#{codepipeline.PipelineExecutionId}`: the execution the job is confirmed in (confirm.ts), and the
   * logs' correlation id. Required by the confirmation, which says how to set it.
   */
  pipelineExecutionId: z
    .string()
    .regex(
      PIPELINE_EXECUTION_ID_PATTERN,
      'expected a pipeline execution id, #{codepipeline.PipelineExecutionId}',
    )
    .optional(),
});

export type UserParameters = z.output<typeof UserParametersSchema>;
const KEYS = Object.keys(UserParametersSchema.shape);

/** Keys earlier versions accepted, and what replaced them. */
const RETIRED_KEYS: Record<string, string> = {
  trigger:
    "what started the run is now read from the pipeline execution's variables; remove it (ReconcileStage no longer writes it)",
};

function unknownKey(key: string): string {
  const retired = RETIRED_KEYS[key];
  if (retired) return `the key "${key}" is no longer accepted: ${retired}`;
  const suggestion = closest(key, KEYS);
  return `unknown key "${echo(key)}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; allowed: ${KEYS.join(', ')}`;
}

export function parseUserParameters(raw: string | undefined): UserParameters {
  const text = raw?.trim() ?? '';
  let value: unknown = {};
  if (text !== '') {
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ConfigurationError(`UserParameters is not valid JSON: ${echo((error as Error).message)}`);
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigurationError(
      `UserParameters must be a JSON object such as {"configPath":"ai-optout.yaml"}`,
    );
  }
  const repeated = repeatedKeys(text);
  if (repeated.length > 0) {
    throw new ConfigurationError(
      `UserParameters repeat the key${repeated.length > 1 ? 's' : ''} ${repeated.map((key) => `"${echo(key)}"`).join(', ')}: each key may appear once, as a repeated one would silently replace the first; check how the action's UserParameters are built`,
    );
  }
  const parsed = UserParametersSchema.safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map(unknownKey).join('; ');
    const got = typeof issue.input === 'string' ? ` (got \`${echo(issue.input)}\`)` : '';
    return `${issue.path.join('.')}: ${issue.message}${got}`;
  });
  throw new ConfigurationError(`UserParameters: ${problems.join('; ')}`);
}

/**
 * The run's mode: the parameters' mode, else the file's; enforce only where the deployment granted the
 * write role (`AI_OPTOUT_MODE_CEILING`).
 */
export function chooseMode(parameter: Mode | undefined, file: Mode, ceiling: Mode): Mode {
  const mode = parameter ?? file;
  if (mode === 'enforce' && ceiling !== 'enforce') {
    throw new ConfigurationError(
      'mode is enforce, but this deployment is read-only (AI_OPTOUT_MODE_CEILING=audit): its role cannot write to Organizations. Run in audit mode, or redeploy the stack with mode enforce.',
    );
  }
  return mode;
}
