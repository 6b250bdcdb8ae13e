/**
 * The Lambda functions this package deploys and where their code comes from, in one table. The build
 * (`npm run build:lambda`, part of `npm run build` and of packing) bundles every entry into
 * dist/assets/<name>/index.mjs. The constructs use that prebuilt asset when they run compiled (from
 * dist/, as in the installed package: a consumer's synth needs no esbuild, no lockfile and no Docker),
 * and bundle the entry from source with esbuild when they run as TypeScript in this repository (so a
 * synth here always deploys the code as it is now, never a stale build).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AssetHashType, DockerImage, aws_lambda as lambda } from 'aws-cdk-lib';
import { PACKAGE_ROOT } from '../lambdas/adapters/package-root.ts';
import { COMPILED } from './compiled.ts';

/** Each function's asset name (its folder under dist/assets/) and its entry, relative to the package root. Add new functions here. */
export const LAMBDA_ENTRIES = {
  'pipeline-job': 'lambdas/pipeline-job/handler.ts',
  'pipeline-starter': 'lambdas/pipeline-starter/handler.ts',
  'pipeline-trigger': 'lambdas/pipeline-starter/trigger-handler.ts',
  'config-rule': 'lambdas/config-rule/handler.ts',
} as const;

export type LambdaName = keyof typeof LAMBDA_ENTRIES;

export const LAMBDA_NAMES = Object.keys(LAMBDA_ENTRIES) as LambdaName[];

/** The bundle's file in its asset folder, and the handler Lambda calls in it (the entries export `handler`). */
export const BUNDLE_FILE = 'index.mjs';
export const BUNDLE_HANDLER = 'index.handler';

/** The entry's absolute path. */
export function lambdaEntry(name: LambdaName): string {
  return join(PACKAGE_ROOT, LAMBDA_ENTRIES[name]);
}

/** The folder of the prebuilt asset under `root` (default: this package). */
export function prebuiltAssetDir(name: LambdaName, root = PACKAGE_ROOT): string {
  return join(root, 'dist', 'assets', name);
}

/**
 * esbuild's options for every bundle: one ESM file for Node.js 24 and later, the AWS SDK included (pinned by
 * package-lock.json rather than by the runtime), minified, with a source map (file names and lines for
 * the stack traces --enable-source-maps prints; the sources themselves stay out of the function and of
 * the package). ESM bundles of CommonJS dependencies need `require`: the banner gives it.
 */
/** The oldest Node.js major the bundles run on: esbuild's target, and the oldest Lambda runtime they may get. */
export const BUNDLE_NODE_MAJOR = 24;

export const LAMBDA_BUILD_OPTIONS = {
  bundle: true,
  platform: 'node' as const,
  target: `node${BUNDLE_NODE_MAJOR}`,
  format: 'esm' as const,
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  legalComments: 'none' as const,
  mainFields: ['module', 'main'],
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning' as const,
};

/** The function's code: the prebuilt asset when compiled, otherwise bundled from source at synth time. */
export function lambdaCode(name: LambdaName): lambda.Code {
  return COMPILED ? prebuiltCode(name) : bundledFromSource(name);
}

function prebuiltCode(name: LambdaName): lambda.Code {
  const dir = prebuiltAssetDir(name);
  if (!existsSync(join(dir, BUNDLE_FILE)))
    throw new Error(
      `ai-optout: the prebuilt Lambda code ${join(dir, BUNDLE_FILE)} is missing: the package was built without it (npm run build makes it)`,
    );
  return lambda.Code.fromAsset(dir);
}

/**
 * Bundles the entry with esbuild, locally (never in Docker), when CDK stages the asset; the asset's
 * hash is that of the bundle. esbuild is a development dependency, loaded only here.
 */
function bundledFromSource(name: LambdaName): lambda.Code {
  const entry = lambdaEntry(name);
  return lambda.Code.fromAsset(dirname(entry), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the type; never pulled: local bundling below either succeeds or throws.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:24'),
      local: {
        tryBundle(outputDir: string): boolean {
          const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
          esbuild.buildSync({
            ...LAMBDA_BUILD_OPTIONS,
            entryPoints: [entry],
            outfile: join(outputDir, BUNDLE_FILE),
          });
          return true;
        },
      },
    },
  });
}
