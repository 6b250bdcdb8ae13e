/**
 * The functions' environment tables (lambdas/runtime/): what a construct writes reads back as the same
 * values; a variable the stack should have set and did not, or set malformed, is a ConfigurationError
 * naming it; and text that is not exactly what the construct writes reads as the safe choice (a mode
 * ceiling of `ENFORCE` is audit), never as a wider one.
 */
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../lambdas/domain/errors.ts';
import {
  CONFIG_RULE_VARIABLES,
  readConfigRuleEnvironment,
} from '../../../lambdas/runtime/config-rule-environment.ts';
import {
  readLambdaEnvironment,
  readVariables,
  writeVariables,
} from '../../../lambdas/runtime/environment.ts';
import {
  JOB_ENV,
  PIPELINE_BINDING_VARIABLES,
  RECONCILER_VARIABLES,
  readEnvironment,
} from '../../../lambdas/runtime/pipeline-job-environment.ts';
import {
  readStarterConfig,
  readTriggerPipeline,
  STARTER_ENV,
  STARTER_VARIABLES,
  type StarterConfig,
} from '../../../lambdas/runtime/pipeline-starter-environment.ts';

const STARTER: StarterConfig = {
  lzaPipelineName: 'AWSAccelerator-Pipeline',
  lzaStageName: 'Source',
  lzaActionName: 'Configuration',
  pipelineName: 'ai-optout',
  sourceActionName: 'LzaConfig',
  revisionType: 'COMMIT_ID',
  expectedConfiguration: { RepositoryName: 'aws-accelerator-config', BranchName: 'main' },
};

/** The starter's environment as PipelineStarterFunction writes it (the configuration as JSON text). */
function starterEnvironment(): Record<string, string> {
  return writeVariables(STARTER_VARIABLES, {
    ...STARTER,
    expectedConfiguration: JSON.stringify(STARTER.expectedConfiguration),
  });
}

describe('written by a construct, read by its handler', () => {
  it('the reconciler: every value back as written; off and unset write no variable', () => {
    const values = {
      modeCeiling: 'enforce',
      stateBucket: 'artifacts',
      stateKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/k',
      securityHub: true,
      bedrockPolicies: true,
    } as const;
    const binding = { pipelineName: 'ai-optout', artifactBucket: 'artifacts', triggerVariable: 'trigger' };
    const env = {
      ...writeVariables(RECONCILER_VARIABLES, values),
      ...writeVariables(PIPELINE_BINDING_VARIABLES, binding),
    };

    expect(readVariables(RECONCILER_VARIABLES, env)).toEqual(values);
    expect(readVariables(PIPELINE_BINDING_VARIABLES, env)).toEqual(binding);
    expect(
      writeVariables(RECONCILER_VARIABLES, {
        modeCeiling: 'audit',
        stateBucket: undefined,
        stateKeyArn: undefined,
        securityHub: false,
        bedrockPolicies: false,
      }),
    ).toEqual({ AI_OPTOUT_MODE_CEILING: 'audit' });
  });

  it('the Config rule: the state bucket, and Bedrock policies on only when written true', () => {
    const on = writeVariables(CONFIG_RULE_VARIABLES, { stateBucket: 'artifacts', bedrockPolicies: true });
    const off = writeVariables(CONFIG_RULE_VARIABLES, { stateBucket: 'artifacts', bedrockPolicies: false });

    expect(on).toEqual({ AI_OPTOUT_STATE_BUCKET: 'artifacts', AI_OPTOUT_BEDROCK_POLICIES: 'true' });
    expect(off).toEqual({ AI_OPTOUT_STATE_BUCKET: 'artifacts' });
    expect(readConfigRuleEnvironment(on)).toMatchObject({ stateBucket: 'artifacts', bedrockPolicies: true });
    expect(readConfigRuleEnvironment(off)).toMatchObject({
      stateBucket: 'artifacts',
      bedrockPolicies: false,
    });
  });

  it('the starter: every value back as written, its configuration parsed', () => {
    expect(readStarterConfig(starterEnvironment())).toEqual(STARTER);
  });

  it('the reconciler unbound: no pipeline, so it accepts no job (names quoted by its refusal)', () => {
    const read = readEnvironment({ AWS_LAMBDA_FUNCTION_NAME: 'fn' });
    expect(read.pipeline).toEqual({
      name: undefined,
      artifactBucket: undefined,
      functionName: 'fn',
      triggerVariable: undefined,
    });
    expect(JOB_ENV).toEqual({
      pipelineName: 'AI_OPTOUT_PIPELINE_NAME',
      artifactBucket: 'AI_OPTOUT_ARTIFACT_BUCKET',
      triggerVariable: 'AI_OPTOUT_TRIGGER_VARIABLE',
    });
  });
});

describe('text the construct did not write reads as the safe choice', () => {
  it.each(['ENFORCE', 'enforce ', ' enforce', 'enforce\n', 'admin', ''])(
    'AI_OPTOUT_MODE_CEILING=%j is audit',
    (text) => {
      expect(readEnvironment({ AI_OPTOUT_MODE_CEILING: text }).modeCeiling).toBe('audit');
    },
  );

  it('Security Hub is on for exactly `true`; pacing is off for exactly `none`', () => {
    for (const text of ['TRUE', '1', 'yes', 'true '])
      expect(readEnvironment({ AI_OPTOUT_SECURITY_HUB: text }).securityHub, text).toBe(false);
    expect(readEnvironment({ AI_OPTOUT_SECURITY_HUB: 'true' }).securityHub).toBe(true);
    for (const text of ['NONE', 'off', ''])
      expect(readEnvironment({ AI_OPTOUT_PACE: text }).pace, text).toBe('published');
    expect(readEnvironment({ AI_OPTOUT_PACE: 'none' }).pace).toBe('none');
  });

  it('an empty variable is an unset one', () => {
    const read = readEnvironment({ AI_OPTOUT_STATE_BUCKET: '', AI_OPTOUT_PIPELINE_NAME: '' });
    expect(read.stateBucket).toBeUndefined();
    expect(read.pipeline.name).toBeUndefined();
  });
});

describe('a variable the stack must set', () => {
  const refusal = (read: () => unknown): string => {
    try {
      read();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      return (error as Error).message;
    }
    return 'read';
  };

  it('unset or empty is a ConfigurationError naming it', () => {
    expect(refusal(() => readConfigRuleEnvironment({}))).toBe(
      `the environment variable ${CONFIG_RULE_VARIABLES.stateBucket.name} is not set (set by the ai-optout stack)`,
    );
    expect(refusal(() => readTriggerPipeline({ AI_OPTOUT_PIPELINE: '' }))).toBe(
      'the environment variable AI_OPTOUT_PIPELINE is not set (set by the ai-optout stack)',
    );
    for (const key of Object.keys(STARTER_ENV) as (keyof typeof STARTER_ENV)[]) {
      const { [STARTER_ENV[key]]: _left, ...without } = starterEnvironment();
      expect(
        refusal(() => readStarterConfig(without)),
        key,
      ).toBe(`the environment variable ${STARTER_ENV[key]} is not set (set by the ai-optout stack)`);
    }
  });

  it('malformed is a ConfigurationError naming it and what it may be', () => {
    const env = starterEnvironment();
    expect(refusal(() => readStarterConfig({ ...env, AI_OPTOUT_REVISION_TYPE: 'IMAGE_DIGEST' }))).toBe(
      'AI_OPTOUT_REVISION_TYPE is IMAGE_DIGEST; use S3_OBJECT_VERSION_ID or COMMIT_ID',
    );
    for (const text of ['{ not json', '["RepositoryName"]', 'null', '"text"'])
      expect(
        refusal(() => readStarterConfig({ ...env, AI_OPTOUT_SOURCE_CONFIGURATION: text })),
        text,
      ).toBe('AI_OPTOUT_SOURCE_CONFIGURATION must be a JSON object');
  });
});

describe('what Lambda sets', () => {
  it('the Organizations region of the function region partition, and whether an endpoint is overridden', () => {
    expect(readLambdaEnvironment({ AWS_REGION: 'eu-west-1' })).toEqual({
      region: 'eu-west-1',
      organizationsRegion: 'us-east-1',
      functionName: undefined,
      endpointOverride: false,
      pace: 'published',
    });
    expect(readLambdaEnvironment({ AWS_REGION: 'cn-north-1' }).organizationsRegion).toBe('cn-northwest-1');
    expect(readLambdaEnvironment({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:5000' }).endpointOverride).toBe(
      true,
    );
  });
});
