/**
 * The live-test substrate for one test file: a moto server behind a fault proxy, an admin client that
 * talks to moto directly (for seeding and out-of-band changes), everything reset before each test.
 * Call at the top level of a test file; read the fields inside tests and hooks.
 */
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type FaultProxy, startFaultProxy } from './fault-proxy.ts';
import { type MotoServer, startMoto } from './moto.ts';
import { TEST_CREDENTIALS } from './moto-org.ts';

export interface LiveEnvironment {
  moto: MotoServer;
  proxy: FaultProxy;
  admin: OrganizationsClient;
}

export function useLiveEnvironment(): LiveEnvironment {
  const env = {} as LiveEnvironment;
  beforeAll(async () => {
    env.moto = await startMoto();
    env.proxy = await startFaultProxy(env.moto.endpoint);
    env.admin = new OrganizationsClient({
      region: 'us-east-1',
      endpoint: env.moto.endpoint,
      credentials: TEST_CREDENTIALS,
    });
  });
  afterAll(async () => {
    env.admin?.destroy();
    await env.proxy?.stop();
    await env.moto?.stop();
  });
  beforeEach(async () => {
    await env.moto.reset();
    env.proxy.clearFaults();
    env.proxy.effectivePolicies.clear();
    env.proxy.guardrails.clear();
    env.proxy.seen.length = 0;
    env.proxy.signed.length = 0;
  });
  return env;
}
