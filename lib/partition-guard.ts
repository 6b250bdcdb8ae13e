/**
 * Synth refuses a stack whose region is known (a stack `env`) to be one where AWS says AI services
 * opt-out policies do not apply (the AWS GovCloud (US) Regions): every run there could only fail. An
 * environment-agnostic stack (the app's default) learns its region at deploy time; there the function
 * fails each job with the same sentence, as a ConfigurationError.
 */
import { Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { aiOptOutUnavailableIn } from '../lambdas/domain/partitions.ts';

export function assertAiOptOutApplies(scope: IConstruct, who: string): void {
  const region = Stack.of(scope).region;
  const unavailable = Token.isUnresolved(region) ? undefined : aiOptOutUnavailableIn(region);
  if (unavailable) throw new Error(`${who}: ${unavailable}`);
}
