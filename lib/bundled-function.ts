/**
 * How this project's Lambda functions are built: a TypeScript entry bundled locally with esbuild (no
 * Docker) as one ESM file for nodejs24.x on arm64, with source maps. Shared by the reconciler and the
 * pipeline starter, so both are built the same way.
 */
import { fileURLToPath } from 'node:url';
import { aws_lambda as lambda, aws_lambda_nodejs as nodejs } from 'aws-cdk-lib';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export function bundledFunctionProps(entry: string): nodejs.NodejsFunctionProps {
  return {
    entry,
    handler: 'handler',
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    bundling: {
      format: nodejs.OutputFormat.ESM,
      target: 'node24',
      minify: true,
      sourceMap: true,
      mainFields: ['module', 'main'],
      externalModules: [],
      banner:
        "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
      forceDockerBundling: false,
    },
  };
}
