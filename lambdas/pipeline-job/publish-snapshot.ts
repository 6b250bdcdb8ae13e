/**
 * After every run, the organization as this run last read it, published to the state bucket for
 * pull-request plans (`plan --snapshot s3://…`, docs/pull-requests.md) in its published form: no e-mail
 * addresses. A snapshot that cannot be written is logged as an error and does not change the job's
 * result (the plan and the report stand; reviewers see the older snapshot's age in their report).
 */

import type { OrgSnapshot } from '../domain/model.ts';
import { publishedSnapshot } from '../domain/snapshot.ts';
import { RAISE_TIMEOUT } from './deadline.ts';
import type { JobRun } from './job-run.ts';

export async function publishSnapshot(snapshot: OrgSnapshot, run: JobRun): Promise<void> {
  const publisher = run.deps.snapshots;
  if (!publisher) return;
  run.deadline.begin({
    doing: 'publishing the organization snapshot to the state bucket',
    hint: RAISE_TIMEOUT,
  });
  try {
    const keys = await publisher.publish(publishedSnapshot(snapshot), run.deadline.signal);
    run.log.info({ keys, capturedAt: snapshot.capturedAt }, 'organization snapshot published');
  } catch (error) {
    if (run.deadline.signal.aborted) throw error;
    run.log.error(
      { error: { name: (error as Error).name, message: (error as Error).message } },
      'the organization snapshot could not be published (s3:PutObject on the snapshots prefix and kms:GenerateDataKey on the key are needed)',
    );
  }
}
