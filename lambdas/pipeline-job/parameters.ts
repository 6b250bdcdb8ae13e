/**
 * The action's `UserParameters` (docs/pipeline-job.md, Parameters): an optional JSON object string. Unknown keys are
 * a configuration error, as a typo would otherwise be ignored silently.
 */

import * as z from 'zod';
import { DEFAULT_VERIFY, ROLE_ARN_EXAMPLE, ROLE_ARN_PATTERN } from '../domain/contract.ts';
import { FailOnSchema, ModeSchema, VerifySchema } from '../domain/contract-schemas.ts';
import { echo } from '../domain/echo.ts';
import { ConfigurationError } from '../domain/errors.ts';
import { closest } from '../domain/suggest.ts';

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
  /** `#{codepipeline.PipelineExecutionId}`, for log correlation. */
  pipelineExecutionId: z.string().max(200).optional(),
  /**
   * What started the run (`#{variables.trigger}`: the schedule, the Organizations events of a burst, or
   * the default for an LZA run or a manual start), named in the report. A pipeline variable's value
   * is at most 1000 characters (botocore codepipeline `PipelineVariableValue`).
   */
  trigger: z.string().min(1).max(1000).optional(),
});

export type UserParameters = z.output<typeof UserParametersSchema>;
const KEYS = Object.keys(UserParametersSchema.shape);

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
  const parsed = UserParametersSchema.safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys
        .map((key) => {
          const suggestion = closest(key, KEYS);
          return `unknown key "${echo(key)}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; allowed: ${KEYS.join(', ')}`;
        })
        .join('; ');
    }
    const got = typeof issue.input === 'string' ? ` (got \`${echo(issue.input)}\`)` : '';
    return `${issue.path.join('.')}: ${issue.message}${got}`;
  });
  throw new ConfigurationError(`UserParameters: ${problems.join('; ')}`);
}
