/**
 * The environments of the two functions that start the pipeline: the starter (after an LZA run,
 * lambdas/pipeline-starter/handler.ts; set by PipelineStarterFunction, lib/pipeline-starter-function.ts)
 * and the trigger (on the schedule and Organizations events, lambdas/pipeline-starter/trigger-handler.ts;
 * set by ComplianceTriggers, lib/compliance-triggers.ts).
 */
import { ConfigurationError } from '../domain/errors.ts';
import { namesOf, readVariables, requiredText, type Variable } from './environment.ts';

/** The kinds of source revision StartPipelineExecution can start a pipeline on that LZA's sources produce. */
export const REVISION_TYPES = ['S3_OBJECT_VERSION_ID', 'COMMIT_ID'] as const;
export type RevisionType = (typeof REVISION_TYPES)[number];

export interface StarterConfig {
  /** The LZA pipeline whose executions start ours. */
  lzaPipelineName: string;
  /** Stage and action of LZA's configuration source action. */
  lzaStageName: string;
  lzaActionName: string;
  /** Our pipeline, and its source action that reads the same configuration. */
  pipelineName: string;
  sourceActionName: string;
  revisionType: RevisionType;
  /** Configuration values LZA's action must have read for its revision to be ours (e.g. S3Bucket, S3ObjectKey). */
  expectedConfiguration: Record<string, string>;
}

function revisionType(name: string): Variable<RevisionType> {
  const text = requiredText(name);
  return {
    name,
    read: (value) => {
      const type = text.read(value);
      if (!REVISION_TYPES.includes(type as RevisionType))
        throw new ConfigurationError(`${name} is ${type}; use ${REVISION_TYPES.join(' or ')}`);
      return type as RevisionType;
    },
    write: (value) => value,
  };
}

/** A JSON object of strings; the construct writes the JSON text (Stack.toJsonString, which keeps tokens). */
function jsonObject(name: string): Variable<Record<string, string>, string> {
  const text = requiredText(name);
  return {
    name,
    read: (value) => {
      const json = text.read(value);
      let parsed: unknown;
      try {
        parsed = JSON.parse(json);
      } catch {
        parsed = undefined;
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new ConfigurationError(`${name} must be a JSON object`);
      return parsed as Record<string, string>;
    },
    write: (value) => value,
  };
}

/** The pipeline to start: the starter's and the trigger's. */
const PIPELINE_TO_START = requiredText('AI_OPTOUT_PIPELINE');

export const STARTER_VARIABLES = {
  lzaPipelineName: requiredText('AI_OPTOUT_LZA_PIPELINE'),
  lzaStageName: requiredText('AI_OPTOUT_LZA_STAGE'),
  lzaActionName: requiredText('AI_OPTOUT_LZA_ACTION'),
  pipelineName: PIPELINE_TO_START,
  sourceActionName: requiredText('AI_OPTOUT_SOURCE_ACTION'),
  revisionType: revisionType('AI_OPTOUT_REVISION_TYPE'),
  expectedConfiguration: jsonObject('AI_OPTOUT_SOURCE_CONFIGURATION'),
} as const satisfies Record<keyof StarterConfig, unknown>;

export const STARTER_ENV = namesOf(STARTER_VARIABLES);

/** Reads the starter's configuration; a missing or malformed value is a ConfigurationError naming the variable. */
export function readStarterConfig(env: NodeJS.ProcessEnv = process.env): StarterConfig {
  return readVariables(STARTER_VARIABLES, env);
}

export const TRIGGER_VARIABLES = { pipelineName: PIPELINE_TO_START } as const;

/** The trigger's pipeline; unset is a ConfigurationError naming the variable. */
export function readTriggerPipeline(env: NodeJS.ProcessEnv = process.env): string {
  return readVariables(TRIGGER_VARIABLES, env).pipelineName;
}
