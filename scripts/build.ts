/**
 * Builds the package into dist/ (`npm run build`; `npm pack` runs it as `prepack`):
 * - the library (`ai-optout`), the constructs (`ai-optout/cdk`) and the CDK app: JavaScript with type
 *   declarations, compiled by tsc (tsconfig.build.json);
 * - the command line: dist/cli/run.js, bundled by esbuild with its dependencies so that it starts
 *   without resolving hundreds of modules; the AWS SDK stays outside the bundle (a dependency) and is
 *   loaded only by the commands that call AWS, as in the source;
 * - the Lambda code: dist/assets/<name>/index.mjs for every function (scripts/build-lambda.ts).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { PACKAGE_ROOT } from '../lambdas/adapters/package-root.ts';
import { buildPrebuiltAssets } from './build-lambda.ts';

const DIST = join(PACKAGE_ROOT, 'dist');
export const CLI_ENTRY = join(PACKAGE_ROOT, 'bin/cli/run.ts');
export const CLI_OUTDIR = join(DIST, 'cli');

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

/** The CLI bundle: ESM for Node 20.19+, split so that what a command loads lazily stays in chunks of its own. */
export async function buildCli(outdir = CLI_OUTDIR): Promise<void> {
  await build({
    entryPoints: [CLI_ENTRY],
    outdir,
    bundle: true,
    splitting: true,
    platform: 'node',
    target: 'node20.19',
    format: 'esm',
    // Whitespace and syntax only: names stay readable in the stack traces --debug prints.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    mainFields: ['module', 'main'],
    external: ['@aws-sdk/*', '@smithy/*'],
    // Bundled CommonJS dependencies (commander) call require() for Node's own modules.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  rmSync(DIST, { recursive: true, force: true });
  compileLibrary();
  await buildCli();
  for (const { outfile, bytes } of await buildPrebuiltAssets())
    console.log(`built ${outfile} (${(bytes / 1024).toFixed(0)} KiB)`);
  console.log(`built ${DIST}`);
}
