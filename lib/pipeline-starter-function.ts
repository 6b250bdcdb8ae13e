/**
 * The pipeline starter: a small function, target of the rule on the LZA pipeline's SUCCEEDED events,
 * that starts the ai-optout pipeline on the configuration revision that LZA execution deployed
 * (lambdas/pipeline-starter/start.ts), once LZA confirms that execution succeeded and is its newest
 * success. Least privilege: read the LZA pipeline's executions and their actions, start ours, write its
 * own logs; nothing else.
 */
import type { aws_codepipeline as codepipeline } from 'aws-cdk-lib';
import { Duration, aws_iam as iam, type aws_lambda as lambda, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { writeVariables } from '../lambdas/runtime/environment.ts';
import { type RevisionType, STARTER_VARIABLES } from '../lambdas/runtime/pipeline-starter-environment.ts';
import {
  acknowledgeLogStreams,
  bundledFunction,
  functionLogGroup,
  functionRole,
} from './bundled-function.ts';
import { pinFeatureFlags } from './feature-flags.ts';
import { LZA_CONFIGURATION_ACTION } from './lza-names.ts';

export interface PipelineStarterFunctionProps {
  /** The LZA pipeline (its action executions are read). */
  readonly lzaPipeline: codepipeline.IPipeline;
  readonly lzaPipelineName: string;
  /** The pipeline to start, and its source action that reads LZA's configuration. */
  readonly pipeline: codepipeline.IPipeline;
  readonly sourceActionName: string;
  readonly revisionType: RevisionType;
  /** What LZA's configuration action must have read for its revision to apply to ours. */
  readonly expectedConfiguration: Record<string, string>;
}

export class PipelineStarterFunction extends Construct {
  readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: PipelineStarterFunctionProps) {
    super(scope, id);
    pinFeatureFlags(this);
    const logGroup = functionLogGroup(this);
    const role = functionRole(this, logGroup, { description: 'ai-optout pipeline starter' });
    // Service Authorization Reference (codepipeline): these actions take only the `pipeline` resource type.
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadLzaExecutions',
        actions: [
          'codepipeline:GetPipelineExecution',
          'codepipeline:ListPipelineExecutions',
          'codepipeline:ListActionExecutions',
        ],
        resources: [props.lzaPipeline.pipelineArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'StartOwnPipeline',
        actions: ['codepipeline:StartPipelineExecution'],
        resources: [props.pipeline.pipelineArn],
      }),
    );
    this.function = bundledFunction(this, 'Function', 'pipeline-starter', {
      memorySize: 256,
      timeout: Duration.minutes(1),
      role,
      logGroup,
      description: `ai-optout: starts ${props.pipeline.pipelineName} on the revision ${props.lzaPipelineName} deployed`,
      environment: writeVariables(STARTER_VARIABLES, {
        lzaPipelineName: props.lzaPipelineName,
        lzaStageName: LZA_CONFIGURATION_ACTION.stageName,
        lzaActionName: LZA_CONFIGURATION_ACTION.actionName,
        pipelineName: props.pipeline.pipelineName,
        sourceActionName: props.sourceActionName,
        revisionType: props.revisionType,
        // Stack.toJsonString: the values may be tokens (the LZA bucket's name carries the account and region).
        expectedConfiguration: Stack.of(this).toJsonString(props.expectedConfiguration),
      }),
    });
    acknowledgeLogStreams(role, logGroup);
  }
}
