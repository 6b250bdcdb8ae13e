/**
 * Builds the package into dist/ (`npm run build`; `npm pack` runs it as `prepack`):
 * - the library (`ai-optout`), the constructs (`ai-optout/cdk`) and the CDK app: JavaScript with type
 *   declarations, compiled by tsc (tsconfig.build.json);
 * - the command line: dist/cli/run.js, bundled by esbuild with its dependencies so that it starts
 *   without resolving hundreds of modules; the AWS SDK stays outside the bundle (a dependency) and is
 *   loaded only by the commands that call AWS, as in the source; beside it the pull-request check
 *   (dist/cli/pull-request-check.js) and its GitHub comment step (dist/cli/github-comment.js), which
 *   run compiled where a pull request is checked (lib/cli-bundle.ts);
 * - the Lambda code: dist/assets/<name>/index.mjs for every function (scripts/build-lambda.ts).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { PACKAGE_ROOT } from '../lambdas/adapters/package-root.ts';
import { CLI_BUILD_OPTIONS, CLI_DIST, cliEntryPoints } from '../lib/cli-bundle.ts';
import { buildPrebuiltAssets } from './build-lambda.ts';

const DIST = join(PACKAGE_ROOT, 'dist');
export const CLI_OUTDIR = join(PACKAGE_ROOT, CLI_DIST);

/** tsc, then the declarations' relative `.ts` specifiers made `.js` (tsc rewrites them in JavaScript only). */
function compileLibrary(): void {
  const tsc = join(PACKAGE_ROOT, 'node_modules/typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(PACKAGE_ROOT, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  const files = readdirSync(DIST, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.d.ts'));
  for (const file of files) {
    const path = join(DIST, file);
    const text = readFileSync(path, 'utf8');
    const fixed = text.replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2');
    if (fixed !== text) writeFileSync(path, fixed);
  }
}

/** The CLI bundle (lib/cli-bundle.ts): the command, the pull-request check and its comment step. */
export async function buildCli(outdir = CLI_OUTDIR): Promise<void> {
  await build({ ...CLI_BUILD_OPTIONS, entryPoints: cliEntryPoints(PACKAGE_ROOT), outdir });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  rmSync(DIST, { recursive: true, force: true });
  compileLibrary();
  await buildCli();
  for (const { outfile, bytes } of await buildPrebuiltAssets())
    console.log(`built ${outfile} (${(bytes / 1024).toFixed(0)} KiB)`);
  console.log(`built ${DIST}`);
}
