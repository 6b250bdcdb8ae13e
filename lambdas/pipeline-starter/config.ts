/** The pipeline starter's configuration, read from the environment the stack sets (one definition of the names). */
import { ConfigurationError } from '../domain/errors.ts';
import { REVISION_VARIABLE, type RevisionType, type StarterConfig } from './start.ts';

/** Environment variables the stack sets (lib/pipeline-starter-function.ts). */
export const STARTER_ENV = {
  lzaPipelineName: 'AI_OPTOUT_LZA_PIPELINE',
  lzaStageName: 'AI_OPTOUT_LZA_STAGE',
  lzaActionName: 'AI_OPTOUT_LZA_ACTION',
  pipelineName: 'AI_OPTOUT_PIPELINE',
  sourceActionName: 'AI_OPTOUT_SOURCE_ACTION',
  revisionType: 'AI_OPTOUT_REVISION_TYPE',
  expectedConfiguration: 'AI_OPTOUT_SOURCE_CONFIGURATION',
} as const satisfies Record<keyof StarterConfig, string>;

/** Reads the starter's configuration; a missing or malformed value is a ConfigurationError naming the variable. */
export function readStarterConfig(env: NodeJS.ProcessEnv = process.env): StarterConfig {
  const get = (name: string): string => {
    const value = env[name];
    if (!value)
      throw new ConfigurationError(
        `the environment variable ${name} is not set (set by the ai-optout stack)`,
      );
    return value;
  };
  const revisionType = get(STARTER_ENV.revisionType);
  if (!(revisionType in REVISION_VARIABLE))
    throw new ConfigurationError(
      `${STARTER_ENV.revisionType} is ${revisionType}; use S3_OBJECT_VERSION_ID or COMMIT_ID`,
    );
  const expected: unknown = JSON.parse(get(STARTER_ENV.expectedConfiguration));
  if (!expected || typeof expected !== 'object' || Array.isArray(expected))
    throw new ConfigurationError(`${STARTER_ENV.expectedConfiguration} must be a JSON object`);
  return {
    lzaPipelineName: get(STARTER_ENV.lzaPipelineName),
    lzaStageName: get(STARTER_ENV.lzaStageName),
    lzaActionName: get(STARTER_ENV.lzaActionName),
    pipelineName: get(STARTER_ENV.pipelineName),
    sourceActionName: get(STARTER_ENV.sourceActionName),
    revisionType: revisionType as RevisionType,
    expectedConfiguration: expected as Record<string, string>,
  };
}
