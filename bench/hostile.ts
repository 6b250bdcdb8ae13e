/**
 * `npm run bench:hostile [case...]`: runs each hostile or unlucky input (issue 9) against the real
 * pipeline job (runJob, with the production SDK client factories) and the real command line, each in a
 * fresh process with a hard cap (default 90 s, `HOSTILE_CAP_S`), and prints one row per case: what
 * came back (the job's one result, or nothing), after how many seconds, the exit code, the first line,
 * and notes (longest log line, what happened to the files). Local servers only: a fake S3 that serves
 * the artifact, the test suite's CodePipeline job endpoint, and a TCP server that accepts connections
 * and never answers.
 */
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { zipSync } from 'fflate';
import { createOrganizationsClient } from '../lambdas/adapters/aws/clients.ts';
import { artifactS3Client, zipFiles } from '../lambdas/adapters/s3/artifacts.ts';
import { runJob } from '../lambdas/pipeline-job/job.ts';
import { createLogger } from '../lambdas/runtime/logger.ts';
import { scriptJobExecution, startCodePipelineEndpoint } from '../test/support/codepipeline-endpoint.ts';
import { EXAMPLE_YAML } from '../test/support/example-desired-state.ts';
import {
  anchorUsedTimes,
  hostileZip,
  longDescription,
  mappingOfKeys,
  nestedMappings,
  oneLargeMapping,
} from '../test/support/hostile-inputs.ts';
import { startSilentServer } from '../test/support/silent-server.ts';

const PROJECT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(PROJECT, 'bin/ai-optout.mjs');
const CAP_S = Number(process.env.HOSTILE_CAP_S) || 90;
const CONFIG = EXAMPLE_YAML;
const SNAPSHOT = join(PROJECT, 'examples/lza-organization.snapshot.json');
const JOB_ID = '11111111-abcd-1111-abcd-111111abcdef';
/** The pipeline execution every job belongs to; CodePipeline (the fake) confirms each job in it. */
const EXECUTION_ID = '22222222-abcd-1111-abcd-111111abcdef';
const PIPELINE = { name: 'ai-optout', artifactBucket: 'artifacts', functionName: 'ai-optout' };
const MIB = 1024 * 1024;

interface Row {
  result: string;
  seconds: number;
  exit?: number | string;
  first: string;
  notes?: string;
}

/** Serves `body` as every S3 object (path-style GetObject). */
async function fakeS3(body: Uint8Array): Promise<{ endpoint: string; close(): void }> {
  const server = createHttpServer((req, res) => {
    req.resume();
    res.writeHead(200, {
      'content-type': 'application/zip',
      'content-length': body.length,
      etag: '"bench"',
      'last-modified': new Date().toUTCString(),
    });
    res.end(Buffer.from(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { endpoint: `http://127.0.0.1:${port}`, close: () => server.close() };
}

function jobEvent(
  data: Record<string, unknown> | undefined,
  userParameters: unknown = JSON.stringify({ pipelineExecutionId: EXECUTION_ID }),
): unknown {
  const base = {
    actionConfiguration: {
      configuration: { FunctionName: PIPELINE.functionName, UserParameters: userParameters },
    },
    inputArtifacts: [
      {
        name: 'Config',
        revision: 'abc',
        location: { type: 'S3', s3Location: { bucketName: 'artifacts', objectKey: 'Config/in.zip' } },
      },
    ],
    outputArtifacts: [],
    artifactCredentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'secret', sessionToken: 'token' },
  };
  return {
    'CodePipeline.job': {
      id: JOB_ID,
      accountId: '111111111111',
      ...(data ? { data: { ...base, ...data } } : {}),
    },
  };
}

interface JobCase {
  zip?: Uint8Array;
  event?: unknown;
  /** Point the artifact S3 client at the silent server. */
  s3Silent?: boolean;
  /** Milliseconds the Lambda has left when the job starts. */
  remainingMs?: number;
}

/** Runs one job in this process; the row says what CodePipeline received, if anything. */
async function runJobCase(spec: JobCase): Promise<Row> {
  const silent = await startSilentServer();
  const s3 = await fakeS3(spec.zip ?? zipFiles({ 'ai-optout.yaml': CONFIG }));
  const pipeline = await startCodePipelineEndpoint();
  const event = spec.event ?? jobEvent({});
  try {
    scriptJobExecution(pipeline, PIPELINE.name, event as never, { executionId: EXECUTION_ID });
  } catch {
    // A malformed event has no action execution to script: the job is refused before it would be asked.
  }
  process.env.AWS_ENDPOINT_URL_S3 = spec.s3Silent ? silent.endpoint : s3.endpoint;
  process.env.AWS_REGION = 'us-east-1';
  let longestLogLine = 0;
  const logger = createLogger(
    {
      write: (line: string) => {
        longestLogLine = Math.max(longestLogLine, line.length);
        // Printed as it happens, so the parent sees it even when it has to kill this process.
        if (line.includes('"msg":"reconciling"'))
          process.stdout.write(
            `${JSON.stringify({ progress: 'the desired state was accepted; reading the organization' })}\n`,
          );
      },
    },
    'info',
  );
  const started = performance.now();
  const deadline = Date.now() + (spec.remainingMs ?? 12_000);
  const done = runJob(
    event,
    { getRemainingTimeInMillis: () => deadline - Date.now(), awsRequestId: 'bench' },
    {
      codePipeline: new CodePipelineClient({
        region: 'us-east-1',
        endpoint: pipeline.endpoint,
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      }),
      pipeline: PIPELINE,
      organizations: (_roleArn, calls) =>
        createOrganizationsClient({
          endpoint: silent.endpoint,
          credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
          ...(calls ? { watch: calls.watch, abortSignal: calls.signal } : {}),
        }),
      artifactS3: (credentials) => artifactS3Client(credentials),
      logger,
      modeCeiling: 'audit',
      bedrockPolicies: false,
      now: () => new Date(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      pace: 'none',
      timing: { reserveMs: 2_000, minimumWorkMs: 0 },
    },
  );
  await done;
  const seconds = (performance.now() - started) / 1000;
  const results = pipeline.results();
  await silent.stop();
  s3.close();
  await pipeline.stop();
  const result = results[0];
  const first =
    result?.kind === 'failure'
      ? (result.failureDetails.message.split('\n')[0] ?? '')
      : (result?.executionDetails?.summary?.split('\n')[0] ?? '');
  return {
    result: result
      ? `${results.length} result${results.length === 1 ? '' : 's'}: ${result.kind === 'failure' ? result.failureDetails.type : 'success'}`
      : 'no result',
    seconds,
    first,
    notes: `longest log line ${longestLogLine} chars`,
  };
}

function runCli(args: string[], env: Record<string, string> = {}): Promise<Row> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: PROJECT,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    child.on('close', (code) => {
      const text = stderr.trim() ? stderr : stdout;
      const lines = text.split('\n');
      resolve({
        result: `exit ${code}`,
        seconds: (performance.now() - started) / 1000,
        exit: code ?? 'signal',
        first: (lines[0] ?? '').trim(),
        notes: `stderr ${stderr.length} chars, longest line ${Math.max(0, ...text.split('\n').map((l) => l.length))}`,
      });
    });
  });
}

const workDirs: string[] = [];

function workDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ai-optout-hostile-'));
  workDirs.push(dir);
  return dir;
}

function file(dir: string, name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const zipOf = (text: string) => zipFiles({ 'ai-optout.yaml': text });
let hostile: Uint8Array | undefined;
/** Built once: deflating 256 MiB takes a second, and is not what is measured. */
const HOSTILE_ZIP = () => {
  hostile ??= hostileZip({ entries: 20_000, inflatedBytes: 256 * MIB });
  return hostile;
};

/** Every case, by name. Each returns its row; the parent process caps its time. */
const CASES: Record<string, () => Promise<Row>> = {
  'job: 1 MiB YAML of one mapping': () => runJobCase({ zip: zipOf(oneLargeMapping(MIB - 16)) }),
  'job: zip of 20,000 entries naming ai-optout.yaml over one 256 MiB stream': () =>
    runJobCase({ zip: HOSTILE_ZIP() }),
  'job: Organizations accepts and never answers': () => runJobCase({}),
  'job: S3 (input artifact) accepts and never answers': () => runJobCase({ s3Silent: true }),
  'job: 1 MiB scalar in the YAML (echoed)': () =>
    runJobCase({ zip: zipOf(`version: 1\nmode: ${'x'.repeat(MIB - 64)}\n`) }),
  'job: 6 MB unknown key in UserParameters (echoed)': () =>
    runJobCase({ event: jobEvent({}, JSON.stringify({ ['k'.repeat(6_000_000)]: 1 })) }),
  'job: event without data': () => runJobCase({ event: jobEvent(undefined) }),
  'job: event without artifactCredentials': () =>
    runJobCase({ event: jobEvent({ artifactCredentials: undefined }) }),
  'job: input artifact without location': () =>
    runJobCase({ event: jobEvent({ inputArtifacts: [{ name: 'Config', revision: null }] }) }),
  'job: UserParameters not a string': () => runJobCase({ event: jobEvent({}, 42) }),
  'job: invalid UTF-8 in the YAML': () => runJobCase({ zip: zipSync({ 'ai-optout.yaml': invalidUtf8() }) }),
  'cli: validate 1 MiB YAML of one mapping': async () => {
    const dir = workDir();
    return runCli(['validate', '--config', file(dir, 'big.yaml', oneLargeMapping(MIB - 16))]);
  },
  'loader: 10k / 20k / 40k / 80k keys (timed in process)': async () => {
    const { loadDesiredState } = await import('../lambdas/domain/desired-state/loader.ts');
    const times: string[] = [];
    const started = performance.now();
    for (const keys of [10_000, 20_000, 40_000, 80_000]) {
      const text = mappingOfKeys(keys);
      const t0 = performance.now();
      loadDesiredState(text, { file: 'k.yaml' });
      times.push(`${keys / 1000}k ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    }
    return { result: 'timed', seconds: (performance.now() - started) / 1000, first: times.join(', ') };
  },
  'loader and zip: worst cases at the limits (median of 3, in process)': async () => {
    const { loadDesiredState } = await import('../lambdas/domain/desired-state/loader.ts');
    const { extractFile } = await import('../lambdas/adapters/s3/artifacts.ts');
    /** `text` padded with a comment to exactly 1 MiB (at most). */
    const pad = (text: string) => `${text}#${'p'.repeat(Math.max(0, MIB - text.length - 2))}\n`;
    const keys = (n: number) => Array.from({ length: n }, (_, i) => `k${i.toString(36)}`);
    const load = (text: string) => () => {
      const result = loadDesiredState(text, { file: 'f' });
      return `${text.length} chars, ${result.diagnostics[0]?.code ?? 'valid'}`;
    };
    const shapes: [string, () => string][] = [
      ['1 MiB flow mapping of 156k keys', load(oneLargeMapping(MIB - 16))],
      [
        '99,000-key block mapping',
        load(
          pad(
            keys(99_000)
              .map((k) => `${k}: 1`)
              .join('\n'),
          ),
        ),
      ],
      ['99,000-item flow list', load(pad(`[${keys(99_000).join(', ')}]\n`))],
      ['99,000 aliases of one anchor', load(pad(`a: &a 1\nb: [${Array(99_000).fill('*a').join(', ')}]\n`))],
      [
        'a plain scalar folded over 15,000 lines',
        load(`a: ${`${'word '.repeat(13)}\n  `.repeat(15_000)}x\n`),
      ],
      ['a double-quoted scalar of 174,000 escapes', load(`a: "${'\\u00e9'.repeat(174_000)}"\n`)],
      ['1 MiB of comment', load(pad(''))],
      ['3,000 lists 32 deep', load(pad(`${'- '.repeat(31)}x\n`.repeat(3_000)))],
      [
        'hostile zip: 20,000 entries, 256 MiB stream',
        () => {
          try {
            extractFile(HOSTILE_ZIP(), 'ai-optout.yaml', 'Config');
            return 'read';
          } catch (error) {
            return (error as Error).message.slice(0, 40);
          }
        },
      ],
      [
        '1 MiB entry of a real zip',
        () =>
          `${extractFile(zipFiles({ 'ai-optout.yaml': 'x'.repeat(MIB) }), 'ai-optout.yaml', 'Config').length} bytes`,
      ],
    ];
    const started = performance.now();
    const rows: string[] = [];
    for (const [name, run] of shapes) {
      const times: number[] = [];
      let outcome = '';
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        outcome = run();
        times.push(performance.now() - t0);
      }
      rows.push(`${name} (${outcome}): ${Math.round([...times].sort((a, b) => a - b)[1] as number)} ms`);
    }
    return { result: 'timed', seconds: (performance.now() - started) / 1000, first: rows.join('\n  ') };
  },
  'cli: plan --out FILE where FILE is --config': async () => {
    const dir = workDir();
    const config = file(dir, 'ai-optout.yaml', CONFIG);
    const row = await runCli(['plan', '--config', config, '--snapshot', SNAPSHOT, '--out', config]);
    const after = readFileSync(config, 'utf8');
    return {
      ...row,
      notes:
        after === CONFIG
          ? 'config unchanged'
          : `config REPLACED (now starts "${after.slice(0, 30).replace(/\n/g, ' ')}")`,
    };
  },
  'cli: plan --out FILE where FILE is --snapshot': async () => {
    const dir = workDir();
    const snapshot = join(dir, 'org.json');
    copyFileSync(SNAPSHOT, snapshot);
    const before = readFileSync(snapshot, 'utf8');
    const row = await runCli(['plan', '--snapshot', snapshot, '--out', snapshot]);
    const after = readFileSync(snapshot, 'utf8');
    return { ...row, notes: after === before ? 'snapshot unchanged' : 'snapshot REPLACED' };
  },
  'cli: --limit 0': () => runCli(['plan', '--snapshot', SNAPSHOT, '--limit', '0']),
  'cli: --limit abc': () => runCli(['plan', '--snapshot', SNAPSHOT, '--limit', 'abc', '--debug']),
  'cli: --limit 1e3': async () => {
    const row = await runCli(['plan', '--snapshot', SNAPSHOT, '--limit', '1e3']);
    return row;
  },
  'cli: 10 MB scalar (echoed)': async () => {
    const dir = workDir();
    return runCli([
      'validate',
      '--config',
      file(dir, 'big.yaml', `version: 1\nmode: ${'x'.repeat(10_000_000)}\n`),
    ]);
  },
  'cli: one anchor used 150 times (valid)': async () => {
    const dir = workDir();
    return runCli(['validate', '--config', file(dir, 'anchors.yaml', anchorUsedTimes(150))]);
  },
  'cli: 3,000 nested block mappings': async () => {
    const dir = workDir();
    return runCli(['validate', '--config', file(dir, 'nested.yaml', nestedMappings(3000))]);
  },
  'cli: 3,000 nested flow mappings': async () => {
    const dir = workDir();
    return runCli([
      'validate',
      '--config',
      file(dir, 'nested.yaml', `version: 1\nmode: ${'{k: '.repeat(3000)}1${'}'.repeat(3000)}\n`),
    ]);
  },
  'cli: policy name with non-ASCII and control characters': async () => {
    const dir = workDir();
    const text = CONFIG.replace('name: ai-optout-baseline', 'name: "ai-optout-b\\u00e4seline\\u0007"');
    return runCli(['plan', '--config', file(dir, 'names.yaml', text), '--snapshot', SNAPSHOT]);
  },
  'cli: invalid UTF-8': async () => {
    const dir = workDir();
    return runCli(['validate', '--config', file(dir, 'bad-utf8.yaml', invalidUtf8())]);
  },
  'cli: live plan against an endpoint that accepts and never answers': async () => {
    const silent = await startSilentServer();
    try {
      return await runCli(['plan', '--pace', 'none'], {
        AWS_ENDPOINT_URL: silent.endpoint,
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
      });
    } finally {
      await silent.stop();
    }
  },
  'cli: valid description of 100 characters (control)': async () => {
    const dir = workDir();
    return runCli(['validate', '--config', file(dir, 'ok.yaml', longDescription(100))]);
  },
};

/** The example config with one byte 0xFF (never valid in UTF-8) in the first description, line 14. */
function invalidUtf8(): Uint8Array {
  const [before, after] = CONFIG.split('description: Opt every');
  return Buffer.concat([
    Buffer.from(`${before}description: Opt`),
    Buffer.from([0xff]),
    Buffer.from(` every${after}`),
  ]);
}

async function child(name: string): Promise<void> {
  const run = CASES[name];
  if (!run) throw new Error(`unknown case ${name}`);
  const row = await run();
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(row)}\n`);
  process.exit(0);
}

function parent(names: string[]): Promise<void> {
  const selected = names.length > 0 ? names : Object.keys(CASES);
  return selected.reduce(async (previous, name) => {
    await previous;
    const started = performance.now();
    const row = await new Promise<Row>((resolve) => {
      const proc = execFile(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(import.meta.url), '--case', name],
        { cwd: PROJECT, timeout: CAP_S * 1000, killSignal: 'SIGKILL', maxBuffer: 64 * MIB },
        (error, stdout) => {
          const lines = stdout
            .trim()
            .split('\n')
            .filter((l) => l.startsWith('{'));
          const parsed = lines.map((l) => JSON.parse(l) as Row & { progress?: string });
          const row = parsed.find((r) => !r.progress);
          const progress = parsed.find((r) => r.progress)?.progress;
          if (row) resolve(row);
          else
            resolve({
              result: error?.killed
                ? `nothing after ${CAP_S} s (killed)`
                : `crashed: ${String(error?.message).split('\n')[0]}`,
              seconds: (performance.now() - started) / 1000,
              first: '',
              ...(progress ? { notes: progress } : {}),
            });
        },
      );
      proc.stdin?.end();
    });
    const cut = (s: string) =>
      s.length > 160 && row.result !== 'timed' ? `${s.slice(0, 160)}… (${s.length} chars)` : s;
    process.stdout.write(
      `${name}\n  ${row.result}, ${row.seconds.toFixed(2)} s${row.exit !== undefined ? `, exit ${row.exit}` : ''}\n  first line: ${cut(row.first)}\n${row.notes ? `  ${row.notes}\n` : ''}`,
    );
  }, Promise.resolve());
}

const caseIndex = process.argv.indexOf('--case');
if (caseIndex >= 0) await child(process.argv[caseIndex + 1] ?? '');
else await parent(process.argv.slice(2));
