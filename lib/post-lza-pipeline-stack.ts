/**
 * The post-LZA pipeline: a V2 CodePipeline in QUEUED mode, started by an EventBridge rule whenever the
 * LZA pipeline succeeds (LZA's own pipeline is never touched: LZA regenerates it on upgrade). Source
 * (no automatic trigger) -> AiOptOut reconcile stage. Failures are announced on an encrypted SNS topic.
 */
import { join } from 'node:path';
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
import { PACKAGE_ROOT } from '../lambdas/adapters/package-root.ts';
import {
  CONTINUATIONS_PREFIX,
  JOB_CLAIMS_PREFIX,
  LATEST_SNAPSHOT_KEY,
  SNAPSHOT_HISTORY_PREFIX,
} from '../lambdas/domain/contract.ts';
import { DEFAULT_TRIGGER, TRIGGER_VARIABLE } from '../lambdas/domain/triggers.ts';
import type { RevisionType } from '../lambdas/pipeline-starter/start.ts';
import { ComplianceMonitoring } from './compliance-monitoring.ts';
import { ComplianceTriggers } from './compliance-triggers.ts';
import { ConfigRuleFunction } from './config-rule-function.ts';
import { pinFeatureFlags } from './feature-flags.ts';
import { LzaInstallerKeyArn } from './lza-installer-key.ts';
import { installerKeyArnParameter, lzaConfigBucketName, runEngineDocumentName } from './lza-names.ts';
import { managementRoleArnFor } from './management-role-stack.ts';
import { PipelineStarterFunction } from './pipeline-starter-function.ts';
import { PullRequestCheck } from './pull-request-check.ts';
import { ReconcileStage } from './reconcile-stage.ts';
import { ReconcilerFunction } from './reconciler-function.ts';
import type { Settings } from './settings.ts';
import { SnapshotReaders } from './snapshot-readers.ts';
import { stackNames } from './stack-names.ts';

/** The package's config/ folder: the desired state the `bundled` source deploys. */
const BUNDLED_CONFIG_DIR = join(PACKAGE_ROOT, 'config');

export interface PostLzaPipelineStackProps extends StackProps {
  readonly settings: Settings;
}

/** The source action, and how to start it on a given revision of what LZA deployed (none for bundled). */
interface Source {
  readonly action: codepipeline.IAction;
  readonly revision?: { type: RevisionType; expectedConfiguration: Record<string, string> };
}

/**
 * The event the container installer's run ends with: SSM Automation's execution status change, whose
 * `detail.Definition` is the document name and `detail.Status` the final status (`Success`)
 * [SSM-AUTOMATION-EVENT]. LZA's document fails the execution when the engine's container exits non-zero
 * [LZA-RUN-ENGINE-DOCUMENT], so Success means LZA succeeded.
 */
const AUTOMATION_EXECUTION_EVENT = {
  source: 'aws.ssm',
  detailType: 'EC2 Automation Execution Status-change Notification',
  successStatus: 'Success',
} as const;

/** The management-account role the function assumes: the one the settings name, or the one ManagementRoleStack makes. */
function managementRoleArnOf(settings: Settings): string | undefined {
  return (
    settings.managementRoleArn ??
    (settings.managementAccountId
      ? managementRoleArnFor(settings.managementAccountId, settings.mode, settings.lzaQualifier)
      : undefined)
  );
}

/** The pipeline variable that says what started a run (the report shows it). */
function triggerVariable(): codepipeline.Variable {
  return new codepipeline.Variable({
    variableName: TRIGGER_VARIABLE,
    defaultValue: DEFAULT_TRIGGER,
    description:
      'What started the run: the schedule, Organizations events, or the default (an LZA run or a manual start)',
  });
}

/** The source action's name for LZA's configuration (the bundled source is `BundledConfig`). */
const SOURCE_ACTION_NAME = 'LzaConfig';

export class PostLzaPipelineStack extends Stack {
  readonly pipeline: codepipeline.Pipeline;
  readonly reconciler: ReconcilerFunction;
  readonly reconcile: ReconcileStage;
  readonly failureTopic: sns.Topic;
  readonly artifactBucket: s3.Bucket;
  readonly snapshotReaders: SnapshotReaders;
  readonly monitoring: ComplianceMonitoring;
  readonly triggers: ComplianceTriggers;

  constructor(scope: Construct, id: string, props: PostLzaPipelineStackProps) {
    super(scope, id, props);
    pinFeatureFlags(this);
    const { settings } = props;
    const names = stackNames(settings.lzaQualifier);
    const managementRoleArn = managementRoleArnOf(settings);
    const key = this.createKey();
    this.artifactBucket = this.createArtifactBucket(key, settings.snapshotRetentionDays);
    this.reconciler = new ReconcilerFunction(this, 'Reconciler', {
      mode: settings.mode,
      roleNamePrefix: names.reconcilerRolePrefix,
      timeout: Duration.minutes(settings.functionTimeoutMinutes),
      stateBucket: this.artifactBucket,
      ...(managementRoleArn ? { managementRoleArn } : {}),
      securityHub: settings.securityHub,
    });
    const trigger = triggerVariable();
    this.pipeline = new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName: names.pipelineName,
      pipelineType: codepipeline.PipelineType.V2,
      executionMode: codepipeline.ExecutionMode.QUEUED,
      variables: [trigger],
      artifactBucket: this.artifactBucket,
      crossAccountKeys: false,
      restartExecutionOnUpdate: false,
    });
    const config = new codepipeline.Artifact('Config');
    const source = this.sourceAction(settings, config);
    this.pipeline.addStage({ stageName: 'Source', actions: [source.action] });
    this.reconcile = new ReconcileStage(this, 'Reconcile', {
      pipeline: this.pipeline,
      input: config,
      reconciler: this.reconciler,
      mode: settings.mode,
      failOn: settings.failOn,
      verify: settings.verify,
      configPath: settings.configPath,
      ...(managementRoleArn ? { roleArn: managementRoleArn } : {}),
      triggerVariable: trigger,
    });
    this.startAfterLza(settings, source);
    this.triggers = this.runBetweenLzaRuns(settings, managementRoleArn);
    this.failureTopic = this.announceFailures(
      key,
      settings.notificationEmail,
      `${names.pipelineName}-failed`,
    );
    this.snapshotReaders = new SnapshotReaders(this, 'SnapshotReaders', {
      bucket: this.artifactBucket,
      key,
      principals: settings.snapshotReaders,
      ...(settings.githubRepository ? { githubRepository: settings.githubRepository } : {}),
      createGithubOidcProvider: settings.createGithubOidcProvider,
    });
    if (settings.pullRequestChecks === 'codecommit') this.checkPullRequests(settings, key);
    this.monitoring = new ComplianceMonitoring(this, 'Monitoring', {
      function: this.reconciler.function,
      topic: this.failureTopic,
      topicKey: key,
      name: `${names.pipelineName}-${Aws.REGION}`,
    });
    this.acknowledgeArtifactGrants();
    this.addOutputs();
  }

  /**
   * Runs between LZA runs: on the schedule and on Organizations events (docs/monitoring.md), and the
   * opt-in Config rule.
   */
  private runBetweenLzaRuns(settings: Settings, managementRoleArn: string | undefined): ComplianceTriggers {
    if (settings.configRule) new ConfigRuleFunction(this, 'ConfigRule', { stateBucket: this.artifactBucket });
    return new ComplianceTriggers(this, 'Triggers', {
      pipeline: this.pipeline,
      schedule: settings.schedule === 'off' ? undefined : settings.schedule,
      // Organizations' events are the management account's: a pipeline that reaches Organizations
      // through a management-account role runs elsewhere and sees none.
      organizationsEvents: !managementRoleArn,
    });
  }

  /**
   * The key of the artifacts and of the failure notifications. No service principal in its policy:
   * EventBridge publishes the notifications through a role of its own (announceFailures), and CloudWatch's
   * statement names its alarm (ComplianceMonitoring).
   */
  private createKey(): kms.Key {
    return new kms.Key(this, 'Key', {
      description: 'ai-optout: pipeline artifacts and failure notifications',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * The pipeline's artifact bucket, which is also the function's state bucket (job claims and
   * continuations, each prefix expiring on its own), with its access logs in a bucket of their own.
   */
  private createArtifactBucket(key: kms.Key, snapshotRetentionDays: number): s3.Bucket {
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    return new s3.Bucket(this, 'Artifacts', {
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
        { id: 'ContinuationState', prefix: CONTINUATIONS_PREFIX, expiration: Duration.days(7) },
        { id: 'JobClaims', prefix: JOB_CLAIMS_PREFIX, expiration: Duration.days(90) },
        {
          id: 'SnapshotHistory',
          prefix: SNAPSHOT_HISTORY_PREFIX,
          expiration: Duration.days(snapshotRetentionDays),
        },
        { id: 'OldArtifactVersions', noncurrentVersionExpiration: Duration.days(90) },
      ],
    });
  }

  /** The CodeCommit pull-request check on the configuration repository. */
  private checkPullRequests(settings: Settings, key: kms.Key): void {
    new PullRequestCheck(this, 'PullRequestCheck', {
      repository: codecommit.Repository.fromRepositoryName(
        this,
        'PullRequestRepository',
        settings.repositoryName as string,
      ),
      snapshotBucket: this.artifactBucket,
      key,
      configPath: settings.configPath,
    });
  }

  /**
   * Failures on an encrypted topic (with an e-mail subscription when the settings give one). EventBridge
   * publishes through a role that only this rule may use (aws:SourceArn, aws:SourceAccount in its trust;
   * the ARN written out from the rule's name, as the role is part of the rule's target), so neither the
   * topic's nor the key's policy trusts the EventBridge service principal.
   */
  private announceFailures(key: kms.Key, email: string | undefined, ruleName: string): sns.Topic {
    const topic = new sns.Topic(this, 'Failures', {
      displayName: 'ai-optout pipeline failures',
      masterKey: key,
      enforceSSL: true,
    });
    if (email) topic.addSubscription(new subscriptions.EmailSubscription(email));
    const ruleArn = this.formatArn({ service: 'events', resource: 'rule', resourceName: ruleName });
    const role = new iam.Role(this, 'FailureNotifier', {
      description: `ai-optout: lets the EventBridge rule ${ruleName} publish to the failure topic`,
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnEquals: { 'aws:SourceArn': ruleArn },
        },
      }),
    });
    this.pipeline.onStateChange('OnFailure', {
      ruleName,
      description: 'Tells the failure topic when the ai-optout pipeline fails',
      eventPattern: { detail: { state: ['FAILED'] } },
      target: new targets.SnsTopic(topic, {
        role,
        message: events.RuleTargetInput.fromText(
          `ai-optout pipeline execution ${events.EventField.fromPath('$.detail.execution-id')} failed in ${events.EventField.fromPath('$.region')}: read the AiOptOut stage summary and its report artifact.`,
        ),
      }),
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        "aws-cdk-lib's publish grant on an encrypted topic: kms:GenerateDataKey* on the stack's own key, which SNS needs to encrypt the message.",
    });
    return topic;
  }

  private addOutputs(): void {
    new CfnOutput(this, 'PipelineName', { value: this.pipeline.pipelineName });
    new CfnOutput(this, 'FunctionName', { value: this.reconciler.function.functionName });
    new CfnOutput(this, 'FailureTopicArn', { value: this.failureTopic.topicArn });
    new CfnOutput(this, 'ReconcilerRoleArn', { value: this.reconciler.role.roleArn });
    new CfnOutput(this, 'SnapshotUrl', {
      description: 'The organization snapshot published after every run, for plan --snapshot',
      value: `s3://${this.artifactBucket.bucketName}/${LATEST_SNAPSHOT_KEY}`,
    });
    const githubRole = this.snapshotReaders.githubRole;
    if (githubRole) new CfnOutput(this, 'GitHubPullRequestRoleArn', { value: githubRole.roleArn });
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

  /**
   * Starts this pipeline after every successful LZA run: on the LZA pipeline's SUCCEEDED event through
   * the starter function (which passes the revision that execution deployed), directly when there is no
   * revision to pass (bundled source), or on the container installer's Automation `Success`.
   */
  private startAfterLza(settings: Settings, source: Source): void {
    if (settings.lza.installer === 'container') {
      const document = runEngineDocumentName(settings.lza);
      new events.Rule(this, 'AfterLzaSucceeded', {
        description: `Starts the ai-optout pipeline after every successful run of ${document} (LZA container installer)`,
        eventPattern: {
          source: [AUTOMATION_EXECUTION_EVENT.source],
          detailType: [AUTOMATION_EXECUTION_EVENT.detailType],
          detail: { Definition: [document], Status: [AUTOMATION_EXECUTION_EVENT.successStatus] },
        },
        targets: [new targets.CodePipeline(this.pipeline)],
      });
      return;
    }
    const lza = codepipeline.Pipeline.fromPipelineArn(
      this,
      'LzaPipeline',
      `arn:${Aws.PARTITION}:codepipeline:${Aws.REGION}:${Aws.ACCOUNT_ID}:${settings.lzaPipelineName}`,
    );
    const target = source.revision
      ? new targets.LambdaFunction(
          new PipelineStarterFunction(this, 'Starter', {
            lzaPipeline: lza,
            lzaPipelineName: settings.lzaPipelineName,
            pipeline: this.pipeline,
            sourceActionName: source.action.actionProperties.actionName,
            revisionType: source.revision.type,
            expectedConfiguration: source.revision.expectedConfiguration,
          }).function,
          { retryAttempts: 2 },
        )
      : new targets.CodePipeline(this.pipeline);
    lza.onStateChange('AfterLzaSucceeded', {
      description: `Starts the ai-optout pipeline after every successful run of ${settings.lzaPipelineName}`,
      eventPattern: { detail: { state: ['SUCCEEDED'] } },
      target,
    });
  }

  /** The source action of the configuration source the settings name. */
  private sourceAction(settings: Settings, output: codepipeline.Artifact): Source {
    switch (settings.configSource) {
      case 'bundled':
        return this.bundledSource(output);
      case 'lza-s3':
        return this.lzaS3Source(settings, output);
      case 'codecommit':
        return this.codeCommitSource(settings, output);
      case 'codeconnections':
        return this.codeConnectionsSource(settings, output);
    }
  }

  /** This repository's config/ folder as an asset: no revision of LZA's to follow. */
  private bundledSource(output: codepipeline.Artifact): Source {
    const asset = new assets.Asset(this, 'BundledConfig', { path: BUNDLED_CONFIG_DIR });
    const action = new cpactions.S3SourceAction({
      actionName: 'BundledConfig',
      bucket: s3.Bucket.fromBucketName(this, 'AssetBucket', asset.s3BucketName),
      bucketKey: asset.s3ObjectKey,
      output,
      trigger: cpactions.S3Trigger.NONE,
    });
    return { action };
  }

  private lzaS3Source(settings: Settings, output: codepipeline.Artifact): Source {
    const bucketName =
      settings.lzaConfigBucket ?? lzaConfigBucketName(settings.lza, Aws.ACCOUNT_ID, Aws.REGION);
    // LZA encrypts this bucket with its installer key and publishes the key's ARN in SSM: the
    // stack reads it at deploy time, and the source action's role gets kms:Decrypt on it.
    const keyArn =
      settings.lzaConfigKeyArn ??
      new LzaInstallerKeyArn(this, 'LzaInstallerKey', {
        parameterName: installerKeyArnParameter(settings.lza),
      }).keyArn;
    const bucket = s3.Bucket.fromBucketAttributes(this, 'LzaConfigBucket', {
      bucketName,
      encryptionKey: kms.Key.fromKeyArn(this, 'LzaConfigKey', keyArn),
    });
    const action = new cpactions.S3SourceAction({
      actionName: SOURCE_ACTION_NAME,
      bucket,
      bucketKey: settings.lzaConfigKey,
      output,
      trigger: cpactions.S3Trigger.NONE,
    });
    const expectedConfiguration = { S3Bucket: bucketName, S3ObjectKey: settings.lzaConfigKey };
    return { action, revision: { type: 'S3_OBJECT_VERSION_ID', expectedConfiguration } };
  }

  private codeCommitSource(settings: Settings, output: codepipeline.Artifact): Source {
    const repositoryName = settings.repositoryName as string;
    const action = new cpactions.CodeCommitSourceAction({
      actionName: SOURCE_ACTION_NAME,
      repository: codecommit.Repository.fromRepositoryName(this, 'LzaConfigRepository', repositoryName),
      branch: settings.branch,
      output,
      trigger: cpactions.CodeCommitTrigger.NONE,
    });
    const expectedConfiguration = { RepositoryName: repositoryName, BranchName: settings.branch };
    return { action, revision: { type: 'COMMIT_ID', expectedConfiguration } };
  }

  private codeConnectionsSource(settings: Settings, output: codepipeline.Artifact): Source {
    const owner = settings.repositoryOwner as string;
    const repo = settings.repositoryName as string;
    const action = new cpactions.CodeStarConnectionsSourceAction({
      actionName: SOURCE_ACTION_NAME,
      connectionArn: settings.connectionArn as string,
      owner,
      repo,
      branch: settings.branch,
      output,
      triggerOnPush: false,
    });
    const expectedConfiguration = { FullRepositoryId: `${owner}/${repo}`, BranchName: settings.branch };
    return { action, revision: { type: 'COMMIT_ID', expectedConfiguration } };
  }
}
