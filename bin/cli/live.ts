/**
 * The organization session of the commands that call AWS (plan without --snapshot, apply, snapshot). The
 * only CLI module that builds AWS clients: commands import it when their action runs, so a command
 * that never calls AWS never loads the SDK.
 */
import { withAbortSignal } from '../../lambdas/adapters/aws/bounded-calls.ts';
import { createOrganizationsClient, sessionNameFor } from '../../lambdas/adapters/aws/clients.ts';
import type { AppliedStep } from '../../lambdas/adapters/organizations/applier.ts';
import { Throttle } from '../../lambdas/adapters/organizations/throttle.ts';
import { readSnapshotObject } from '../../lambdas/adapters/s3/snapshots.ts';
import { stateS3Client } from '../../lambdas/adapters/s3/state-client.ts';
import type { OrgSnapshot } from '../../lambdas/domain/model.ts';
import { parseS3Url } from '../../lambdas/domain/s3-url.ts';
import { OrganizationSession } from '../../lambdas/organization-session.ts';
import type { CliIo, LiveFlags } from './io.ts';

/**
 * A published snapshot read from S3 with the standard credential chain (the SDK's environment, endpoint
 * overrides included: path-style addressing then, as emulators need).
 */
export async function readSnapshotUrl(url: string, stop: AbortSignal): Promise<OrgSnapshot> {
  const env = process.env;
  const client = stateS3Client({
    forcePathStyle: Boolean(env.AWS_ENDPOINT_URL || env.AWS_ENDPOINT_URL_S3),
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
  });
  try {
    return await readSnapshotObject(client, parseS3Url(url), stop);
  } finally {
    client.destroy();
  }
}

/**
 * The live organization session; every call of its client ends when the command does (`stop`). `onStep`
 * hears of each step apply makes.
 */
export function liveSession(
  io: CliIo,
  flags: LiveFlags,
  stop: AbortSignal,
  { onStep }: { onStep?: (step: AppliedStep) => void } = {},
): OrganizationSession {
  const options = io.live
    ? io.live(flags)
    : {
        client: createOrganizationsClient({
          region: flags.region,
          ...(flags.roleArn ? { roleArn: flags.roleArn, sessionName: sessionNameFor('cli') } : {}),
          abortSignal: stop,
        }),
        throttle: new Throttle({ rates: flags.pace }),
      };
  return new OrganizationSession({
    ...options,
    ...(flags.verify ? { verify: flags.verify } : {}),
    ...(onStep ? { apply: { ...options.apply, onStep } } : {}),
    client: withAbortSignal(options.client, stop),
  });
}
