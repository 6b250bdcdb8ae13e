/**
 * A live command against an endpoint that accepts the connection and never answers fails, naming the
 * endpoint, within the bound docs/cli.md states. The real `main` and the production Organizations
 * client run in process against a silent local server; the clock is vitest's fake one (the SDK's
 * timeouts and back-off are timers), advanced a second at a time with real I/O in between, so the test
 * measures time on that clock and takes a second or two of real time.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CliIo } from '../../../bin/cli/io.ts';
import { main } from '../../../bin/cli/main.ts';
import { CALL_TIMEOUTS } from '../../../lambdas/adapters/aws/bounded-calls.ts';
import { MAX_ATTEMPTS } from '../../../lambdas/adapters/aws/clients.ts';
import { withEnvironment } from '../../support/process-env.ts';
import { type SilentServer, startSilentServer } from '../../support/silent-server.ts';

const CONFIG = fileURLToPath(new URL('../../../config/ai-optout.yaml', import.meta.url));
/** docs/cli.md, "When AWS does not answer": every attempt may wait this long, plus the SDK's back-off. */
const DOCUMENTED_BOUND_S = 60;

let silent: SilentServer;

beforeAll(async () => {
  silent = await startSilentServer();
});

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  await silent?.stop();
});

function io(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    color: false,
    now: () => new Date(),
    interactive: false,
    ask: async () => '',
  };
}

describe('a live command against an endpoint that never answers', () => {
  it('plan exits 1 naming the endpoint, within the documented bound on the fake clock', async () => {
    // Prepare
    const environment = {
      AWS_ENDPOINT_URL: silent.endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const started = Date.now();
    const cli = io();
    let code: number | undefined;

    // Act: the clock moves once the first call has reached the endpoint (the command has read its file
    // and imported its AWS code in real time by then), so it measures the calls' time bounds alone
    await withEnvironment(environment, async () => {
      const reached = new Promise<void>((resolve) => silent.onConnection(resolve));
      const running = main(['node', 'ai-optout', 'plan', '--config', CONFIG, '--pace', 'none'], cli).then(
        (c) => {
          code = c;
        },
      );
      await Promise.race([reached, running]);
      for (let second = 0; code === undefined && second < 10 * DOCUMENTED_BOUND_S; second++) {
        await new Promise((resolve) => setImmediate(resolve));
        await vi.advanceTimersByTimeAsync(1_000);
      }
      await running;
    });
    const elapsedS = (Date.now() - started) / 1000;

    // Assess
    expect(code).toBe(1);
    const stderr = cli.err.join('');
    expect(stderr).toMatch(
      new RegExp(
        `^error: no answer from Organizations at ${silent.endpoint} for [A-Za-z]+: ${MAX_ATTEMPTS} attempts timed out\\n$`,
      ),
    );
    expect(elapsedS).toBeGreaterThanOrEqual((MAX_ATTEMPTS * CALL_TIMEOUTS.answerMs) / 1000);
    expect(elapsedS).toBeLessThanOrEqual(DOCUMENTED_BOUND_S);
  });
});
