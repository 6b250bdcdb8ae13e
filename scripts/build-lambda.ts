/**
 * Bundles the pipeline Lambda (`npm run build:lambda`) into dist/pipeline-job/index.mjs: one ESM file
 * for nodejs24.x, the AWS SDK included (pinned by package-lock.json rather than by the runtime),
 * minified, with a source map. ESM bundles of CommonJS dependencies need `require`: the banner gives it.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ENTRY = fileURLToPath(new URL('../lambdas/pipeline-job/handler.ts', import.meta.url));
export const OUTFILE = fileURLToPath(new URL('../dist/pipeline-job/index.mjs', import.meta.url));

/** Bundles `entry` (default the pipeline job; the pipeline starter is bundled the same way). */
export async function buildLambda(
  outfile = OUTFILE,
  entry = ENTRY,
): Promise<{ outfile: string; bytes: number }> {
  mkdirSync(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    minify: true,
    sourcemap: true,
    legalComments: 'none',
    mainFields: ['module', 'main'],
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return { outfile, bytes: statSync(outfile).size };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { outfile, bytes } = await buildLambda();
  console.log(`built ${outfile} (${(bytes / 1024).toFixed(0)} KiB)`);
}
