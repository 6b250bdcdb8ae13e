/**
 * The Security Hub step (opt-in, `AI_OPTOUT_SECURITY_HUB=true`): the run's findings imported into the
 * function's own account and region, those it no longer finds archived
 * (lambdas/domain/findings.ts, lambdas/adapters/securityhub/findings.ts). A row of the job's outputs
 * (job.ts), whose failure policy applies.
 */
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { syncFindings } from '../adapters/securityhub/findings.ts';
import { ACCOUNT_ID_PATTERN } from '../domain/contract.ts';
import { ConfigurationError } from '../domain/errors.ts';
import { complianceFindings, productArn } from '../domain/findings.ts';
import { partitionOf } from '../domain/partitions.ts';
import { RAISE_TIMEOUT } from './deadline.ts';
import type { JobRun } from './job-run.ts';
import type { FinishedRun } from './outputs.ts';

/** The Security Hub client and the region it imports into (the function's own). */
export interface SecurityHubTarget {
  client: SecurityHubClient;
  region: string;
}

export async function publishFindings(
  target: SecurityHubTarget,
  { result, job }: FinishedRun,
  run: JobRun,
): Promise<void> {
  const accountId = job.accountId;
  if (!accountId || !ACCOUNT_ID_PATTERN.test(accountId))
    throw new ConfigurationError(
      `the job event names no account id (${String(accountId)}) to import Security Hub findings into`,
    );
  const scope = { accountId, region: target.region, partition: partitionOf(target.region).name };
  run.deadline.begin({
    doing: `importing findings into Security Hub in ${target.region}`,
    hint: RAISE_TIMEOUT,
  });
  const now = run.deps.now();
  const { imported, archived } = await syncFindings(target.client, {
    productArn: productArn(scope),
    findings: complianceFindings(result, scope, now),
    now,
    abortSignal: run.deadline.signal,
  });
  run.log.info({ imported, archived }, 'Security Hub findings updated');
}
