/**
 * Whether a deployment manages Amazon Bedrock policies: the constructs' prop `bedrockPolicies` gives the
 * roles the Bedrock grants and sets this variable on the pipeline job and the Config rule, so that a
 * `bedrock:` section meets a deployment without the grants with one sentence before any call, rather
 * than an AccessDenied from the first Bedrock read.
 */
import type { DesiredState } from '../domain/desired-state/types.ts';
import { formatLocation } from '../domain/diagnostics.ts';
import { ConfigurationError } from '../domain/errors.ts';
import { flag } from './environment.ts';

/** Set (`true`) by ReconcilerFunction and ConfigRuleFunction exactly when their prop `bedrockPolicies` is. */
export const BEDROCK_POLICIES = flag('AI_OPTOUT_BEDROCK_POLICIES');

/** Throws a ConfigurationError at the `bedrock:` section of `desired` when the deployment does not manage Bedrock policies. */
export function requireBedrockDeployment(desired: DesiredState, managed: boolean): void {
  if (managed || !desired.bedrock) return;
  throw new ConfigurationError(
    `${formatLocation(desired.bedrock.location)}: the bedrock: section needs a deployment that manages Amazon Bedrock policies, and this one was deployed without them (${BEDROCK_POLICIES.name} is not true); redeploy with the prop bedrockPolicies: true (cdk deploy -c bedrockPolicies=true, docs/deploying.md#amazon-bedrock-policies), or remove the section.`,
  );
}
