/**
 * `npm run bench:lambda [runs]`: builds the pipeline Lambda bundle (scripts/build-lambda.ts) and
 * prints its size (bytes, KiB, gzip) and its cold import time: the median over fresh `node` processes
 * (default 15) that each import it once, timed inside the child with performance.now() around
 * `await import(...)`, and as the whole process's wall time. Baselines measured in the same run, in the
 * same interleaved order: an empty module (node's own start-up), `@aws-sdk/client-s3` alone from
 * node_modules, and the unbundled handler through tsx (`node --import tsx`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildLambda, ENTRY } from '../scripts/build-lambda.ts';
import { fmt, pad, stats } from './stats.ts';

const runs = Math.max(3, Number(process.argv[2]) || 15);
const dir = mkdtempSync(join(tmpdir(), 'ai-optout-bench-lambda-'));
const PROJECT = fileURLToPath(new URL('..', import.meta.url));

/** The child: one import, timed from inside. performance.now() counts from the process's time origin. */
const CHILD = `
const before = performance.now();
const module = await import(process.argv[2]);
const after = performance.now();
if (process.argv[3] && typeof module[process.argv[3]] !== 'function') throw new Error('no export ' + process.argv[3]);
process.stdout.write(JSON.stringify({ importMs: after - before, sinceStartMs: after }));
`;

interface Variant {
  name: string;
  specifier: string;
  nodeArgs: string[];
  exportName?: string;
}

interface Sample {
  importMs: number;
  sinceStartMs: number;
  wallMs: number;
}

/** The environment the handler reads at import time, as in Lambda; nothing is called at import. */
const CHILD_ENV = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_EC2_METADATA_DISABLED: 'true',
  AI_OPTOUT_MODE_CEILING: 'audit',
  AI_OPTOUT_STATE_BUCKET: 'bench-state',
  LOG_LEVEL: 'silent',
};

function measure(child: string, variant: Variant): Sample {
  const started = process.hrtime.bigint();
  const out = execFileSync(
    process.execPath,
    [...variant.nodeArgs, child, variant.specifier, ...(variant.exportName ? [variant.exportName] : [])],
    { encoding: 'utf8', cwd: PROJECT, env: CHILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const parsed = JSON.parse(out) as { importMs: number; sinceStartMs: number };
  return { ...parsed, wallMs };
}

try {
  const built = Date.now();
  const { outfile, bytes } = await buildLambda(join(dir, 'index.mjs'));
  const buildMs = Date.now() - built;
  const gzipBytes = gzipSync(readFileSync(outfile), { level: 9 }).length;
  const mapBytes = readFileSync(`${outfile}.map`).length;
  const child = join(dir, 'child.mjs');
  writeFileSync(child, CHILD);
  writeFileSync(join(dir, 'empty.mjs'), 'export {};\n');

  console.log(
    `ai-optout Lambda bundle benchmark (node ${process.version}, ${runs} fresh processes per variant)\n`,
  );
  console.log(`bundle     ${outfile.replace(dir, '<tmp>')} (built in ${buildMs} ms)`);
  console.log(`size       ${bytes} bytes = ${(bytes / 1024).toFixed(1)} KiB`);
  console.log(`gzip -9    ${gzipBytes} bytes = ${(gzipBytes / 1024).toFixed(1)} KiB`);
  console.log(
    `source map ${mapBytes} bytes = ${(mapBytes / 1024).toFixed(1)} KiB (not loaded at run time)\n`,
  );

  const variants: Variant[] = [
    {
      name: 'bundle (dist index.mjs)',
      specifier: pathToFileURL(outfile).href,
      nodeArgs: [],
      exportName: 'handler',
    },
    { name: 'baseline: empty module', specifier: pathToFileURL(join(dir, 'empty.mjs')).href, nodeArgs: [] },
    {
      name: 'baseline: @aws-sdk/client-s3',
      specifier: import.meta.resolve('@aws-sdk/client-s3'),
      nodeArgs: [],
      exportName: 'S3Client',
    },
    {
      name: 'baseline: handler.ts via tsx',
      specifier: pathToFileURL(ENTRY).href,
      nodeArgs: ['--import', 'tsx'],
      exportName: 'handler',
    },
  ];

  // One discarded run each (file cache, tsx transform cache), then interleaved runs.
  for (const variant of variants) measure(child, variant);
  const samples = new Map<string, Sample[]>(variants.map((v) => [v.name, []]));
  for (let i = 0; i < runs; i++) {
    for (const variant of variants) samples.get(variant.name)?.push(measure(child, variant));
  }

  const rows: string[][] = [
    [
      'variant',
      'import min',
      'import median',
      'import p90',
      'start→imported median',
      'process wall min',
      'wall median',
      'wall p90',
    ],
  ];
  const medians = new Map<string, { importMs: number; wallMs: number }>();
  for (const variant of variants) {
    const list = samples.get(variant.name) ?? [];
    const imp = stats(list.map((s) => s.importMs));
    const since = stats(list.map((s) => s.sinceStartMs));
    const wall = stats(list.map((s) => s.wallMs));
    medians.set(variant.name, { importMs: imp.median, wallMs: wall.median });
    rows.push([
      variant.name,
      fmt(imp.min),
      fmt(imp.median),
      fmt(imp.p90),
      fmt(since.median),
      fmt(wall.min),
      fmt(wall.median),
      fmt(wall.p90),
    ]);
  }
  console.log('cold import, ms (import = performance.now() around `await import()` in the child)');
  console.log(pad(rows));

  const bundle = medians.get(variants[0]?.name ?? '') as { importMs: number; wallMs: number };
  const empty = medians.get(variants[1]?.name ?? '') as { importMs: number; wallMs: number };
  console.log('\nratios of medians (bundle ÷ baseline; below 1 means the bundle is faster)');
  for (const variant of variants.slice(2)) {
    const base = medians.get(variant.name) as { importMs: number; wallMs: number };
    console.log(
      `  bundle vs ${variant.name.replace('baseline: ', '')}: import ${(bundle.importMs / base.importMs).toFixed(2)}×, process wall ${(bundle.wallMs / base.wallMs).toFixed(2)}×`,
    );
  }
  console.log(
    `  bundle import beyond node start-up (wall median − empty-module wall median): ${fmt(bundle.wallMs - empty.wallMs)} ms`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
