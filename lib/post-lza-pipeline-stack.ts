/**
 * The post-LZA pipeline: a V2 CodePipeline in QUEUED mode, started by an EventBridge rule whenever the
 * LZA pipeline succeeds (LZA's own pipeline is never touched: LZA regenerates it on upgrade). Source
 * (no automatic trigger) -> AiOptOut reconcile stage. Failures are announced on an encrypted SNS topic.
 */
import { fileURLToPath } from 'node:url';
import {
  Aws,
  aws_s3_assets as assets,
  type CfnElement,
  CfnOutput,
  aws_codecommit as codecommit,
  aws_codepipeline as codepipeline,
  aws_codepipeline_actions as cpactions,
  Duration,
  aws_events as events,
  aws_iam as iam,
  aws_kms as kms,
  RemovalPolicy,
  Stack,
  type StackProps,
  aws_s3 as s3,
  aws_sns as sns,
  aws_sns_subscriptions as subscriptions,
  aws_events_targets as targets,
  Validations,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { managementRoleArnFor } from './management-role-stack.ts';
import { ReconcileStage } from './reconcile-stage.ts';
import { ReconcilerFunction } from './reconciler-function.ts';
import type { Settings } from './settings.ts';

export const BUNDLED_CONFIG_DIR = fileURLToPath(new URL('../config/', import.meta.url));

export interface PostLzaPipelineStackProps extends StackProps {
  readonly settings: Settings;
}

export class PostLzaPipelineStack extends Stack {
  readonly pipeline: codepipeline.Pipeline;
  readonly reconciler: ReconcilerFunction;
  readonly reconcile: ReconcileStage;
  readonly failureTopic: sns.Topic;
  readonly artifactBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: PostLzaPipelineStackProps) {
    super(scope, id, props);
    const { settings } = props;

    const key = new kms.Key(this, 'Key', {
      description: 'ai-optout: pipeline artifacts and failure notifications',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EventBridgePublishesEncryptedNotifications',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );

    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.artifactBucket = new s3.Bucket(this, 'Artifacts', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'artifacts/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'ContinuationState', prefix: 'ai-optout/continuations/', expiration: Duration.days(7) },
        { id: 'JobClaims', prefix: 'ai-optout/jobs/', expiration: Duration.days(90) },
        { id: 'OldArtifactVersions', noncurrentVersionExpiration: Duration.days(90) },
      ],
    });

    const managementRoleArn =
      settings.managementRoleArn ??
      (settings.managementAccountId
        ? managementRoleArnFor(settings.managementAccountId, settings.mode)
        : undefined);
    this.reconciler = new ReconcilerFunction(this, 'Reconciler', {
      mode: settings.mode,
      timeout: Duration.minutes(settings.functionTimeoutMinutes),
      stateBucket: this.artifactBucket,
      ...(managementRoleArn ? { managementRoleArn } : {}),
    });

    this.pipeline = new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName: 'ai-optout',
      pipelineType: codepipeline.PipelineType.V2,
      executionMode: codepipeline.ExecutionMode.QUEUED,
      artifactBucket: this.artifactBucket,
      crossAccountKeys: false,
      restartExecutionOnUpdate: false,
    });
    const source = new codepipeline.Artifact('Config');
    this.pipeline.addStage({ stageName: 'Source', actions: [this.sourceAction(settings, source)] });

    this.reconcile = new ReconcileStage(this, 'Reconcile', {
      pipeline: this.pipeline,
      input: source,
      reconciler: this.reconciler,
      mode: settings.mode,
      failOn: settings.failOn,
      configPath: settings.configPath,
      ...(managementRoleArn ? { roleArn: managementRoleArn } : {}),
    });

    const lza = codepipeline.Pipeline.fromPipelineArn(
      this,
      'LzaPipeline',
      `arn:${Aws.PARTITION}:codepipeline:${Aws.REGION}:${Aws.ACCOUNT_ID}:${settings.lzaPipelineName}`,
    );
    lza.onStateChange('AfterLzaSucceeded', {
      description: `Starts the ai-optout pipeline after every successful run of ${settings.lzaPipelineName}`,
      eventPattern: { detail: { state: ['SUCCEEDED'] } },
      target: new targets.CodePipeline(this.pipeline),
    });

    this.failureTopic = new sns.Topic(this, 'Failures', {
      displayName: 'ai-optout pipeline failures',
      masterKey: key,
      enforceSSL: true,
    });
    if (settings.notificationEmail)
      this.failureTopic.addSubscription(new subscriptions.EmailSubscription(settings.notificationEmail));
    this.pipeline.onStateChange('OnFailure', {
      description: 'Tells the failure topic when the ai-optout pipeline fails',
      eventPattern: { detail: { state: ['FAILED'] } },
      target: new targets.SnsTopic(this.failureTopic, {
        message: events.RuleTargetInput.fromText(
          `ai-optout pipeline execution ${events.EventField.fromPath('$.detail.execution-id')} failed in ${events.EventField.fromPath('$.region')}: read the AiOptOut stage summary and its report artifact.`,
        ),
      }),
    });

    this.acknowledgeArtifactGrants();

    new CfnOutput(this, 'PipelineName', { value: this.pipeline.pipelineName });
    new CfnOutput(this, 'FunctionName', { value: this.reconciler.function.functionName });
    new CfnOutput(this, 'FailureTopicArn', { value: this.failureTopic.topicArn });
    new CfnOutput(this, 'ReconcilerRoleArn', { value: this.reconciler.role.roleArn });
  }

  /**
   * The pipeline's and its actions' roles get aws-cdk-lib's standard artifact grants: wildcard S3 and
   * KMS actions on this pipeline's own artifact bucket and key.
   */
  private acknowledgeArtifactGrants(): void {
    const reason =
      "aws-cdk-lib's CodePipeline artifact grants: read/write of objects in this pipeline's own artifact bucket, and use of its own KMS key; no other bucket or key.";
    const bucketId = this.getLogicalId(this.artifactBucket.node.defaultChild as CfnElement);
    const findings = [
      'Action::s3:Abort*',
      'Action::s3:DeleteObject*',
      'Action::s3:GetBucket*',
      'Action::s3:GetObject*',
      'Action::s3:List*',
      'Action::kms:GenerateDataKey*',
      'Action::kms:ReEncrypt*',
      `Resource::<${bucketId}.Arn>/*`,
    ];
    for (const finding of findings)
      Validations.of(this.pipeline).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }

  private sourceAction(settings: Settings, output: codepipeline.Artifact): codepipeline.IAction {
    switch (settings.configSource) {
      case 'bundled': {
        const asset = new assets.Asset(this, 'BundledConfig', { path: BUNDLED_CONFIG_DIR });
        return new cpactions.S3SourceAction({
          actionName: 'BundledConfig',
          bucket: s3.Bucket.fromBucketName(this, 'AssetBucket', asset.s3BucketName),
          bucketKey: asset.s3ObjectKey,
          output,
          trigger: cpactions.S3Trigger.NONE,
        });
      }
      case 'lza-s3': {
        const bucketName =
          settings.lzaConfigBucket ?? `aws-accelerator-config-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
        const bucket = settings.lzaConfigKeyArn
          ? s3.Bucket.fromBucketAttributes(this, 'LzaConfigBucket', {
              bucketName,
              encryptionKey: kms.Key.fromKeyArn(this, 'LzaConfigKey', settings.lzaConfigKeyArn),
            })
          : s3.Bucket.fromBucketName(this, 'LzaConfigBucket', bucketName);
        return new cpactions.S3SourceAction({
          actionName: 'LzaConfig',
          bucket,
          bucketKey: settings.lzaConfigKey,
          output,
          trigger: cpactions.S3Trigger.NONE,
        });
      }
      case 'codecommit':
        return new cpactions.CodeCommitSourceAction({
          actionName: 'LzaConfig',
          repository: codecommit.Repository.fromRepositoryName(
            this,
            'LzaConfigRepository',
            settings.repositoryName as string,
          ),
          branch: settings.branch,
          output,
          trigger: cpactions.CodeCommitTrigger.NONE,
        });
      case 'codeconnections':
        return new cpactions.CodeStarConnectionsSourceAction({
          actionName: 'LzaConfig',
          connectionArn: settings.connectionArn as string,
          owner: settings.repositoryOwner as string,
          repo: settings.repositoryName as string,
          branch: settings.branch,
          output,
          triggerOnPush: false,
        });
    }
  }
}
