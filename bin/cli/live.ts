/**
 * The reconciler options of the commands that call AWS (plan without --snapshot, apply, snapshot). The
 * only CLI module that builds AWS clients: commands import it when their action runs, so a command
 * that never calls AWS never loads the SDK.
 */
import { withAbortSignal } from '../../lambdas/adapters/aws/bounded-calls.ts';
import { createOrganizationsClient, sessionNameFor } from '../../lambdas/adapters/aws/clients.ts';
import { Throttle } from '../../lambdas/adapters/organizations/throttle.ts';
import type { ReconcileOptions } from '../../lambdas/reconciler.ts';
import type { CliIo, LiveFlags } from './io.ts';

/** The live reconciler options; every call of their client ends when the command does (`stop`). */
export function liveOptions(io: CliIo, flags: LiveFlags, stop: AbortSignal): ReconcileOptions {
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
  return {
    ...options,
    ...(flags.verify ? { verify: flags.verify } : {}),
    client: withAbortSignal(options.client, stop),
  };
}
