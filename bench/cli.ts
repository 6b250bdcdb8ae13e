/**
 * `npm run bench:cli [runs]`: how fast the `ai-optout` command starts. Builds the CLI bundle
 * (scripts/build.ts, into dist/cli/), then times fresh processes (default 15 each, after one discarded
 * warm-up, interleaved) of `--help`, `validate` and `plan --snapshot` on the example: the compiled
 * command the package installs (`node dist/cli/run.js`) beside the same command from source through tsx
 * (`node bin/ai-optout.mjs`, how the repository ran it before the package was compiled), and node's own
 * start-up (`node -e 0`). Prints the medians and the ratio; asserts nothing (timings depend on the machine).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../lambdas/adapters/package-root.ts';
import { buildCli, CLI_OUTDIR } from '../scripts/build.ts';
import { fmt, pad, stats } from './stats.ts';

const runs = Math.max(3, Number(process.argv[2]) || 15);
const SNAPSHOT = 'examples/lza-organization.snapshot.json';
const COMMANDS: { name: string; args: string[]; exit: number }[] = [
  { name: '--help', args: ['--help'], exit: 0 },
  { name: 'validate', args: ['validate'], exit: 0 },
  { name: 'plan --snapshot', args: ['plan', '--snapshot', SNAPSHOT], exit: 2 },
];
const VARIANTS = {
  compiled: [join(CLI_OUTDIR, 'run.js')],
  tsx: [join(PACKAGE_ROOT, 'bin/ai-optout.mjs')],
};
type Variant = keyof typeof VARIANTS;

/** One fresh process's wall time in ms; fails loudly when the command does not end as it should. */
function wallMs(nodeArgs: string[], expectedExit: number): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, nodeArgs, { cwd: PACKAGE_ROOT, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== expectedExit)
    throw new Error(
      `node ${nodeArgs.join(' ')} exited ${result.status}, not ${expectedExit}: ${result.stderr}`,
    );
  return ms;
}

await buildCli();
const samples = new Map<string, number[]>();
const record = (key: string, ms: number) => samples.set(key, [...(samples.get(key) ?? []), ms]);
for (let i = 0; i <= runs; i++) {
  const warmUp = i === 0;
  const node = wallMs(['-e', '0'], 0);
  if (!warmUp) record('node', node);
  for (const command of COMMANDS)
    for (const [variant, script] of Object.entries(VARIANTS)) {
      const ms = wallMs([...script, ...command.args], command.exit);
      if (!warmUp) record(`${variant} ${command.name}`, ms);
    }
}

const median = (key: string) => stats(samples.get(key) ?? []).median;
const rows = [['command', 'compiled median', 'p90', 'tsx median', 'p90', 'tsx ÷ compiled']];
for (const command of COMMANDS) {
  const of = (variant: Variant) => stats(samples.get(`${variant} ${command.name}`) ?? []);
  const [compiled, tsx] = [of('compiled'), of('tsx')];
  rows.push([
    `ai-optout ${command.name}`,
    fmt(compiled.median),
    fmt(compiled.p90),
    fmt(tsx.median),
    fmt(tsx.p90),
    `${(tsx.median / compiled.median).toFixed(1)}×`,
  ]);
}
console.log(`wall time of fresh processes, ms (${runs} runs each, interleaved)`);
console.log(pad(rows));
console.log(`\nnode -e 0 (node's own start-up): median ${fmt(median('node'))} ms`);
// Node loads this bundle of certificates at every start, before any of our code (it costs ~0.1 s here).
if (process.env.NODE_EXTRA_CA_CERTS)
  console.log(
    `NODE_EXTRA_CA_CERTS is set (${process.env.NODE_EXTRA_CA_CERTS}): every process above loaded it at start-up; run with it unset to time the command alone`,
  );
