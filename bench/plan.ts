/**
 * `npm run bench:plan [sizes...]`: plans generated organizations of 1,000, 10,000 and 50,000 accounts
 * and prints plan time and peak memory (each run in a fresh process), plus the shared effective-policy
 * computation against a per-account chain walk measured in the same run.
 * Target: 50,000 accounts in under 5 s and 1 GiB.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serializeSnapshot } from '../lambdas/domain/snapshot.ts';
import { generateOrg } from './generate-org.ts';

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const runs = 3;
const worker = fileURLToPath(new URL('./plan-worker.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ai-optout-bench-'));

function runWorker(args: string[]): Record<string, number | string> {
  const out = execFileSync(process.execPath, ['--import', 'tsx', worker, ...args], { encoding: 'utf8' });
  return JSON.parse(out);
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

console.log(
  `ai-optout plan benchmark (node ${process.version}, median of ${runs} fresh processes per size)\n`,
);
const rows: string[][] = [
  [
    'accounts',
    'OUs',
    'policies',
    'read+validate ms',
    'plan ms',
    'report ms',
    'total ms',
    'peak RSS MiB',
    'effective: shared ms',
    'per-account walk ms',
    'walk/shared',
  ],
];
try {
  for (const size of sizes.length > 0 ? sizes : [1000, 10000, 50000]) {
    const generated = generateOrg(size);
    const snapshotPath = join(dir, `org-${size}.json`);
    const desiredPath = join(dir, `desired-${size}.yaml`);
    writeFileSync(snapshotPath, serializeSnapshot(generated.snapshot));
    writeFileSync(desiredPath, generated.desiredYaml);
    const results = Array.from({ length: runs }, () => runWorker(['plan', snapshotPath, desiredPath]));
    const effective = runWorker(['effective', snapshotPath, desiredPath]);
    const pick = (key: string) => median(results.map((r) => Number(r[key])));
    const first = results[0] as Record<string, number | string>;
    rows.push([
      String(generated.stats.accounts),
      String(generated.stats.organizationalUnits),
      String(generated.stats.policies),
      fmt(pick('readMs')),
      fmt(pick('planMs')),
      fmt(pick('reportMs')),
      fmt(pick('totalMs')),
      fmt(Math.max(...results.map((r) => Number(r.peakRssMiB)))),
      fmt(Number(effective.sharedMs)),
      fmt(Number(effective.naiveMs)),
      `${(Number(effective.naiveMs) / Number(effective.sharedMs)).toFixed(1)}x`,
    ]);
    console.error(
      `  ${size}: ${first.changes} changes, ${first.effectiveChanges} effective changes, ${first.violations} violations, report ${first.reportMiB} MiB`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
for (const row of rows) console.log(row.map((cell, i) => cell.padStart(widths[i] as number)).join('  '));
