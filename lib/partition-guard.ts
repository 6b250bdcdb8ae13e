/**
 * Synth refuses a stack whose region is known (a stack `env`) to be one where AWS says AI services
 * opt-out policies do not apply (the AWS GovCloud (US) Regions): every run there could only fail. An
 * environment-agnostic stack (the app's default) learns its region at deploy time; there the function
 * fails each job with the same sentence, as a ConfigurationError.
 */
import { Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { policyTypeUnavailableIn } from '../lambdas/domain/partitions.ts';
import { AI_OPT_OUT_FACTS } from '../lambdas/domain/policy-types/ai-optout/facts.ts';

export function assertAiOptOutApplies(scope: IConstruct, who: string): void {
  const region = Stack.of(scope).region;
  const unavailable = Token.isUnresolved(region)
    ? undefined
    : policyTypeUnavailableIn(AI_OPT_OUT_FACTS, region);
  if (unavailable) throw new Error(`${who}: ${unavailable}`);
}
