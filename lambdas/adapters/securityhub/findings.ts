/**
 * Security Hub: the run's findings imported (BatchImportFindings, at most 100 per call), and this tool's
 * active findings that the run no longer finds imported again resolved and archived. The active ones
 * are read with GetFindings filtered on our product ARN, generator and record state; the filter is
 * applied again here, so a service (or emulator) that ignores a filter cannot archive anyone else's.
 * A finding Security Hub refuses is reported in FailedFindings while the call itself succeeds
 * [SECHUB-ASFF]: that fails the step.
 */
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  GetFindingsCommand,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { ConfigurationError } from '../../domain/errors.ts';
import { FINDING_GENERATOR, type Finding, resolvedFinding } from '../../domain/findings.ts';
import { errorName, translateAwsError } from '../aws/errors.ts';

/** BatchImportFindings takes "a maximum of 100 findings per request". */
const BATCH = 100;

interface SyncResult {
  imported: number;
  archived: number;
}

const NOT_ENABLED_HINT = 'enable Security Hub in this account and region, or deploy with securityHub false';

/** Sends one call; AWS errors become the domain's (InvalidAccess: Security Hub is not enabled here). */
async function call<T>(operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (errorName(error) === 'InvalidAccessException')
      throw new ConfigurationError(`Security Hub refused ${operation}: ${NOT_ENABLED_HINT}`, [], {
        cause: error,
      });
    throw translateAwsError(error, operation, 'securityhub');
  }
}

/** The ASFF fields this tool sends (the rest, such as Workflow and top-level Severity, are Security Hub's). */
const SENT_FIELDS = [
  'SchemaVersion',
  'Id',
  'ProductArn',
  'GeneratorId',
  'AwsAccountId',
  'CreatedAt',
  'UpdatedAt',
  'Title',
  'Description',
  'Resources',
  'FindingProviderFields',
  'Compliance',
  'RecordState',
  'ProductFields',
] as const satisfies readonly (keyof Finding)[];

/** Our fields of a finding Security Hub returned. */
function ours(f: AwsSecurityFinding): Finding {
  return Object.fromEntries(SENT_FIELDS.map((key) => [key, f[key]])) as unknown as Finding;
}

/** This tool's ACTIVE findings under `productArn`, every page. */
async function activeFindings(
  client: SecurityHubClient,
  productArn: string,
  abortSignal?: AbortSignal,
): Promise<AwsSecurityFinding[]> {
  const found: AwsSecurityFinding[] = [];
  let NextToken: string | undefined;
  do {
    const page = await call('GetFindings', () =>
      client.send(
        new GetFindingsCommand({
          Filters: {
            ProductArn: [{ Value: productArn, Comparison: 'EQUALS' }],
            GeneratorId: [{ Value: FINDING_GENERATOR, Comparison: 'EQUALS' }],
            RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }],
          },
          MaxResults: 100,
          ...(NextToken ? { NextToken } : {}),
        }),
        abortSignal ? { abortSignal } : {},
      ),
    );
    found.push(...(page.Findings ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return found.filter(
    (f) => f.ProductArn === productArn && f.GeneratorId === FINDING_GENERATOR && f.RecordState === 'ACTIVE',
  );
}

async function importAll(
  client: SecurityHubClient,
  findings: Finding[],
  abortSignal?: AbortSignal,
): Promise<void> {
  for (let i = 0; i < findings.length; i += BATCH) {
    const result = await call('BatchImportFindings', () =>
      client.send(
        // The domain types Partition as a string; the SDK's enum holds the same partition names.
        new BatchImportFindingsCommand({ Findings: findings.slice(i, i + BATCH) as AwsSecurityFinding[] }),
        abortSignal ? { abortSignal } : {},
      ),
    );
    const failed = result.FailedFindings ?? [];
    if ((result.FailedCount ?? failed.length) > 0) {
      const first = failed[0];
      throw new ConfigurationError(
        `Security Hub refused ${result.FailedCount} of ${Math.min(BATCH, findings.length - i)} findings (first: ${first?.Id}: ${first?.ErrorCode} ${first?.ErrorMessage}): ${NOT_ENABLED_HINT}`,
      );
    }
  }
}

/** Imports `findings` (keeping the first-seen time of those already there) and archives the rest of ours. */
export async function syncFindings(
  client: SecurityHubClient,
  request: { productArn: string; findings: Finding[]; now: Date; abortSignal?: AbortSignal },
): Promise<SyncResult> {
  const active = await activeFindings(client, request.productArn, request.abortSignal);
  const byId = new Map(active.map((f) => [f.Id, f]));
  const current = request.findings.map((f) => {
    const createdAt = byId.get(f.Id)?.CreatedAt;
    return createdAt ? { ...f, CreatedAt: createdAt } : f;
  });
  const ids = new Set(current.map((f) => f.Id));
  const resolved = active
    .filter((f) => !ids.has(f.Id as string))
    .map((f) => resolvedFinding(ours(f), request.now));
  await importAll(client, [...current, ...resolved], request.abortSignal);
  return { imported: current.length, archived: resolved.length };
}
