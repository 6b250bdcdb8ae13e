/**
 * Bundles the Lambda entries (`npm run build:lambda`, part of `npm run build`): every function of
 * lib/lambda-bundles.ts into dist/assets/<name>/index.mjs (with its source map), the code the
 * compiled constructs deploy. `buildLambda` bundles one entry anywhere (the bundle tests and benches).
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import {
  BUNDLE_FILE,
  LAMBDA_BUILD_OPTIONS,
  LAMBDA_NAMES,
  type LambdaName,
  lambdaEntry,
  prebuiltAssetDir,
} from '../lib/lambda-bundles.ts';

/** The pipeline job's entry (the default of `buildLambda`). */
export const ENTRY = lambdaEntry('pipeline-job');

/** Bundles `entry` (default the pipeline job) into `outfile`. */
export async function buildLambda(
  outfile: string,
  entry = ENTRY,
): Promise<{ outfile: string; bytes: number }> {
  mkdirSync(dirname(outfile), { recursive: true });
  await build({ ...LAMBDA_BUILD_OPTIONS, entryPoints: [entry], outfile });
  return { outfile, bytes: statSync(outfile).size };
}

/** Bundles every function into its prebuilt asset folder (emptied first, so no stale file ships). */
export async function buildPrebuiltAssets(): Promise<{ name: LambdaName; outfile: string; bytes: number }[]> {
  return Promise.all(
    LAMBDA_NAMES.map(async (name) => {
      const dir = prebuiltAssetDir(name);
      rmSync(dir, { recursive: true, force: true });
      return { name, ...(await buildLambda(join(dir, BUNDLE_FILE), lambdaEntry(name))) };
    }),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const { outfile, bytes } of await buildPrebuiltAssets())
    console.log(`built ${outfile} (${(bytes / 1024).toFixed(0)} KiB)`);
}
