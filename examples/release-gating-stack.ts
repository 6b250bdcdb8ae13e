/**
 * Release gating example: your own promotion pipeline, with the ai-optout reconcile stage in the middle
 * and a promotion stage that is entered only when the organization is in sync.
 *
 * The reconcile stage runs with `failOn: 'never'`, so it always succeeds and publishes its variables;
 * the Promote stage's `beforeEntry` condition (a VariableCheck rule on `#{AiOptOut.VERDICT}`) then fails
 * the promotion when the verdict is not `in-sync`. Tested in test/lib/release-gating.test.ts.
 */
import {
  aws_codepipeline_actions as actions,
  aws_codepipeline as codepipeline,
  RemovalPolicy,
  Stack,
  type StackProps,
  aws_s3 as s3,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ReconcileStage } from '../lib/reconcile-stage.ts';
import { ReconcilerFunction } from '../lib/reconciler-function.ts';

export class ReleaseGatingExampleStack extends Stack {
  readonly pipeline: codepipeline.Pipeline;
  readonly reconcile: ReconcileStage;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const sourceBucket = new s3.Bucket(this, 'Source', {
      versioned: true,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.pipeline = new codepipeline.Pipeline(this, 'Release', {
      // ReconcileStage needs the name: the reconciler confirms each job with CodePipeline by it.
      pipelineName: 'release',
      pipelineType: codepipeline.PipelineType.V2,
      executionMode: codepipeline.ExecutionMode.QUEUED,
    });
    const config = new codepipeline.Artifact('Config');
    this.pipeline.addStage({
      stageName: 'Source',
      actions: [
        new actions.S3SourceAction({
          actionName: 'Config',
          bucket: sourceBucket,
          bucketKey: 'release/config.zip',
          output: config,
          trigger: actions.S3Trigger.NONE,
        }),
      ],
    });

    const reconciler = new ReconcilerFunction(this, 'AiOptOutReconciler', { mode: 'audit' });
    this.reconcile = new ReconcileStage(this, 'AiOptOut', {
      pipeline: this.pipeline,
      input: config,
      reconciler,
      failOn: 'never',
    });

    this.pipeline.addStage({
      stageName: 'Promote',
      beforeEntry: this.reconcile.gateOnInSync(),
      actions: [
        new actions.ManualApprovalAction({
          actionName: 'ApproveRelease',
          additionalInformation: `AI opt-out verdict ${this.reconcile.variable('VERDICT')}: ${this.reconcile.variable('VIOLATIONS')} violations, ${this.reconcile.variable('CHANGES')} changes`,
        }),
      ],
    });
  }
}
