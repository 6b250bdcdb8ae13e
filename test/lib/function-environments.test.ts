/**
 * Each function's environment as deployed is what its handler reads: the variables a synthesized
 * template sets (CloudFormation references written as `<LogicalId>`) are read back through the handler's
 * own reader (lambdas/runtime/), and no construct sets a variable that reader does not know.
 */
import { describe, expect, it } from 'vitest';
import { TRIGGER_VARIABLE } from '../../lambdas/domain/triggers.ts';
import { BEDROCK_POLICIES } from '../../lambdas/runtime/bedrock-policies.ts';
import {
  CONFIG_RULE_VARIABLES,
  readConfigRuleEnvironment,
} from '../../lambdas/runtime/config-rule-environment.ts';
import { namesOf, type VariableTable } from '../../lambdas/runtime/environment.ts';
import {
  PIPELINE_BINDING_VARIABLES,
  RECONCILER_VARIABLES,
  readEnvironment,
} from '../../lambdas/runtime/pipeline-job-environment.ts';
import {
  readStarterConfig,
  readTriggerPipeline,
  STARTER_VARIABLES,
  TRIGGER_VARIABLES,
} from '../../lambdas/runtime/pipeline-starter-environment.ts';
import { CONFIGURATIONS, CONTINUOUS_COMPLIANCE, synthPipeline } from './synth.ts';
import { functionEnvironment, logicalIdOf } from './template-queries.ts';

/** What Lambda adds to every function's environment. */
const LAMBDA = { AWS_REGION: 'eu-west-1', AWS_LAMBDA_FUNCTION_NAME: 'ai-optout-reconciler' };

/** The names a handler's tables read, and the one variable every bundle gets for Node itself. */
function known(...tables: VariableTable[]): string[] {
  return ['NODE_OPTIONS', ...tables.flatMap((table) => Object.values(namesOf(table)))].sort();
}

/** The names a deployment without `bedrockPolicies` sets: off writes no variable at all. */
const withoutBedrock = (names: string[]) => names.filter((name) => name !== BEDROCK_POLICIES.name);

describe('what the constructs write is what the handlers read', () => {
  const { template } = synthPipeline(CONTINUOUS_COMPLIANCE, { bundling: false });
  const functionWith = (description: string) =>
    logicalIdOf(template, 'AWS::Lambda::Function', (p) => String(p.Description).includes(description));

  it('the reconciler: mode ceiling, state bucket and key, Security Hub (ReconcilerFunction), its pipeline (ReconcileStage)', () => {
    const environment = functionEnvironment(template, functionWith('reconciles'));
    expect(Object.keys(environment).sort()).toEqual(
      withoutBedrock(known(RECONCILER_VARIABLES, PIPELINE_BINDING_VARIABLES)),
    );

    const read = readEnvironment({ ...environment, ...LAMBDA });

    expect(read).toMatchObject({
      modeCeiling: 'enforce',
      stateBucket: expect.stringMatching(/^<Artifacts[0-9A-F]+>$/),
      stateKeyArn: expect.stringMatching(/^<Key[0-9A-F]+\.Arn>$/),
      securityHub: true,
      bedrockPolicies: false,
      organizationsRegion: 'us-east-1',
      pipeline: {
        name: 'ai-optout',
        artifactBucket: read.stateBucket,
        functionName: LAMBDA.AWS_LAMBDA_FUNCTION_NAME,
        triggerVariable: TRIGGER_VARIABLE,
      },
    });
  });

  it('the Config rule: the state bucket it reads the last desired state from', () => {
    const environment = functionEnvironment(template, functionWith('AWS Config rule'));
    expect(Object.keys(environment).sort()).toEqual(withoutBedrock(known(CONFIG_RULE_VARIABLES)));

    expect(readConfigRuleEnvironment({ ...environment, ...LAMBDA })).toMatchObject({
      stateBucket: expect.stringMatching(/^<Artifacts[0-9A-F]+>$/),
      bedrockPolicies: false,
    });
  });

  it('bedrockPolicies: the reconciler and the Config rule are told they manage Bedrock policies', () => {
    const { template: bedrock } = synthPipeline(CONFIGURATIONS['enforce, Bedrock policies, Config rule'], {
      bundling: false,
    });
    for (const [description, read] of [
      ['reconciles', readEnvironment],
      ['AWS Config rule', readConfigRuleEnvironment],
    ] as const) {
      const id = logicalIdOf(bedrock, 'AWS::Lambda::Function', (p) =>
        String(p.Description).includes(description),
      );
      const environment = functionEnvironment(bedrock, id);

      expect(environment[BEDROCK_POLICIES.name]).toBe('true');
      expect(read({ ...environment, ...LAMBDA }).bedrockPolicies).toBe(true);
    }
  });

  it('the trigger: the pipeline it starts', () => {
    const trigger = logicalIdOf(template, 'AWS::Lambda::Function', (p) =>
      JSON.stringify(p.Environment ?? {}).includes('"AI_OPTOUT_PIPELINE"'),
    );
    const environment = functionEnvironment(template, trigger);
    expect(Object.keys(environment).sort()).toEqual(known(TRIGGER_VARIABLES));
    const pipeline = logicalIdOf(template, 'AWS::CodePipeline::Pipeline', () => true);

    expect(readTriggerPipeline(environment)).toBe(`<${pipeline}>`);
  });

  it('the starter: the LZA pipeline and action to ask, ours to start, and what LZA must have read', () => {
    const { template: lza } = synthPipeline(CONFIGURATIONS['audit, lza-s3'], { bundling: false });
    const starter = logicalIdOf(lza, 'AWS::Lambda::Function', (p) =>
      JSON.stringify(p.Environment ?? {}).includes('AI_OPTOUT_LZA_PIPELINE'),
    );
    const environment = functionEnvironment(lza, starter);
    expect(Object.keys(environment).sort()).toEqual(known(STARTER_VARIABLES));
    const pipeline = logicalIdOf(lza, 'AWS::CodePipeline::Pipeline', () => true);

    expect(readStarterConfig(environment)).toEqual({
      lzaPipelineName: 'AWSAccelerator-Pipeline',
      lzaStageName: 'Source',
      lzaActionName: 'Configuration',
      pipelineName: `<${pipeline}>`,
      sourceActionName: 'LzaConfig',
      revisionType: 'S3_OBJECT_VERSION_ID',
      expectedConfiguration: {
        S3Bucket: 'aws-accelerator-config-<AWS::AccountId>-<AWS::Region>',
        S3ObjectKey: 'zipped/aws-accelerator-config.zip',
      },
    });
  });
});
