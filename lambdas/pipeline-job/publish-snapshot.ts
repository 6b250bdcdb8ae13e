/**
 * After every run, the organization as this run last read it, published to the state bucket for
 * pull-request plans (`plan --snapshot s3://…`, docs/pull-requests.md) in its published form: no e-mail
 * addresses. A row of the job's outputs (job.ts says what a failure does).
 */
import type { SnapshotPublisher } from '../adapters/s3/snapshots.ts';
import { publishedSnapshot } from '../domain/snapshot.ts';
import { RAISE_TIMEOUT } from './deadline.ts';
import type { JobRun } from './job-run.ts';
import type { FinishedRun } from './outputs.ts';

export async function publishSnapshot(
  publisher: SnapshotPublisher,
  { snapshot }: FinishedRun,
  run: JobRun,
): Promise<void> {
  run.deadline.begin({
    doing: 'publishing the organization snapshot to the state bucket',
    hint: RAISE_TIMEOUT,
  });
  const keys = await publisher.publish(publishedSnapshot(snapshot), run.deadline.signal);
  run.log.info({ keys, capturedAt: snapshot.capturedAt }, 'organization snapshot published');
}
