/** The Config rule function's environment (lambdas/config-rule/handler.ts), set by ConfigRuleFunction (lib/config-rule-function.ts). */

import { BEDROCK_POLICIES } from './bedrock-policies.ts';
import {
  type LambdaEnvironment,
  readLambdaEnvironment,
  readVariables,
  requiredText,
  STATE_BUCKET_VARIABLE,
} from './environment.ts';

export const CONFIG_RULE_VARIABLES = {
  /** The pipeline's state bucket, where the last run keeps the desired state it checked. */
  stateBucket: requiredText(STATE_BUCKET_VARIABLE),
  /** The role reads Bedrock policies and guardrails: without it a `bedrock:` section fails before any call. */
  bedrockPolicies: BEDROCK_POLICIES,
} as const;

export interface ConfigRuleEnvironment extends LambdaEnvironment {
  stateBucket: string;
  bedrockPolicies: boolean;
}

/** Throws a ConfigurationError naming a variable the stack should have set. */
export function readConfigRuleEnvironment(env: NodeJS.ProcessEnv = process.env): ConfigRuleEnvironment {
  return { ...readLambdaEnvironment(env), ...readVariables(CONFIG_RULE_VARIABLES, env) };
}
