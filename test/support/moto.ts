/**
 * Starts a private moto server (the AWS emulator from the Python package `moto[server]`) on a free
 * loopback port for a test file: call `startMoto()` in `beforeAll` and `stop()` in `afterAll`.
 *
 * Executable resolution: `MOTO_SERVER` env var, then `<project>/.venv/bin/moto_server`, then
 * `moto_server` on PATH. The server runs in its own process group, which is killed on `stop()`, and
 * also when this process exits, receives SIGINT/SIGTERM/SIGHUP, or loses its IPC channel to the parent
 * (the vitest main process died). A tiny `sh` watchdog holding a pipe from this process kills the group
 * when the pipe closes, which also covers this process being SIGKILLed. No stray server survives.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface MotoServer {
  /** Base URL to pass as the SDK client `endpoint`, e.g. `http://127.0.0.1:40123`. */
  readonly endpoint: string;
  readonly port: number;
  /** Drops all state in every emulated service (`POST /moto-api/reset`). */
  reset(): Promise<void>;
  /** Seeds moto's id generator (`POST /moto-api/seed?a=<seed>`): after `reset()` + `seed(n)` ids repeat. */
  seed(value: number): Promise<void>;
  /** Kills the server (and its process group) and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
}

export const INSTALL_HINT =
  'moto_server was not found: install it with `python3 -m venv .venv && .venv/bin/pip install "moto[server]"` in the project root, or set MOTO_SERVER to the path of a moto_server executable.';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
const START_ATTEMPTS = 3;

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Resolves the moto_server executable, or throws an Error saying how to install it. */
export function resolveMotoServer(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.MOTO_SERVER?.trim();
  if (fromEnv) {
    const path = isAbsolute(fromEnv) || fromEnv.includes('/') ? resolve(fromEnv) : findOnPath(fromEnv, env);
    if (path && isExecutable(path)) return path;
    throw new Error(`MOTO_SERVER is set to "${fromEnv}", which is not an executable file. ${INSTALL_HINT}`);
  }
  const local = join(PROJECT_ROOT, '.venv', 'bin', 'moto_server');
  if (isExecutable(local)) return local;
  const onPath = findOnPath('moto_server', env);
  if (onPath) return onPath;
  throw new Error(INSTALL_HINT);
}

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolvePort(port) : reject(new Error('could not allocate a port'))));
    });
  });
}

// ---- cleanup of every live server when this process goes away -------------------------------

/** Live servers, each with its watchdog. */
const live = new Map<ChildProcess, ChildProcess | undefined>();
let hooksInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the whole process group (spawned with detached: true)
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function killAllSync(): void {
  for (const [child, watchdog] of live) {
    watchdog?.kill('SIGKILL');
    killGroup(child, 'SIGKILL');
  }
  live.clear();
}

/**
 * Starts `sh` reading a pipe whose only writer is this process: when this process dies in any way
 * (even SIGKILL) the read ends and the watchdog kills the server's process group.
 */
function startWatchdog(pid: number): ChildProcess | undefined {
  try {
    const watchdog = spawn('/bin/sh', ['-c', 'read _; kill -9 -"$0" 2>/dev/null', String(pid)], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    watchdog.on('error', () => {}); // no /bin/sh: the in-process hooks still apply
    watchdog.unref();
    (watchdog.stdin as Socket | null)?.unref();
    return watchdog;
  } catch {
    return undefined;
  }
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllSync);
  // In a forked worker (vitest pool 'forks') the IPC channel closes when the main process dies.
  if (typeof process.send === 'function') process.on('disconnect', killAllSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAllSync();
      process.removeListener(signal, onSignal);
      // Keep the default behaviour (terminate) unless someone else handles this signal.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

// ---- start / stop ---------------------------------------------------------------------------

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      done(true);
    });
  });
}

async function waitUntilReady(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `moto_server exited (code ${child.exitCode}, signal ${child.signalCode}) before answering: ${output()}`,
      );
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${READY_TIMEOUT_MS} ms: ${output()}`);
}

async function startOnce(executable: string): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(executable, ['-H', '127.0.0.1', '-p', String(port)], {
    detached: true, // own process group, so stop() can kill children too
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  installExitHooks();
  const watchdog = child.pid === undefined ? undefined : startWatchdog(child.pid);
  live.set(child, watchdog);
  child.once('exit', () => {
    watchdog?.kill('SIGKILL');
    live.delete(child);
  });
  // A forgotten stop() must not keep this process alive; the exit hook still kills the server.
  child.unref();
  (child.stdout as Socket | null)?.unref();
  (child.stderr as Socket | null)?.unref();

  // Keep only the tail of the output, for error messages; draining the pipes keeps moto from blocking.
  let tail = '';
  const collect = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-4_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  spawnError.catch(() => {});

  const stop = async (): Promise<void> => {
    child.ref(); // keep the event loop alive until the exit is observed
    killGroup(child, 'SIGTERM');
    if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
      killGroup(child, 'SIGKILL');
      await waitForExit(child, STOP_TIMEOUT_MS);
    }
    watchdog?.kill('SIGKILL');
    live.delete(child);
    child.unref();
    child.stdout?.destroy();
    child.stderr?.destroy();
  };

  try {
    await Promise.race([waitUntilReady(endpoint, child, () => tail.trim()), spawnError]);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    endpoint,
    port,
    reset: () => post(endpoint, '/moto-api/reset'),
    seed: (value: number) => post(endpoint, `/moto-api/seed?a=${encodeURIComponent(String(value))}`),
    stop,
  };
}

async function post(endpoint: string, path: string): Promise<void> {
  const response = await fetch(`${endpoint}${path}`, { method: 'POST' });
  const body = await response.text();
  if (!response.ok) throw new Error(`moto ${path} failed: HTTP ${response.status} ${body}`);
}

/** Starts moto_server on a free loopback port and resolves once it answers HTTP. */
export async function startMoto(): Promise<MotoServer> {
  const executable = resolveMotoServer();
  let lastError: unknown;
  // The port is free when picked but could be taken before moto binds it: retry on a new port.
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    try {
      return await startOnce(executable);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
