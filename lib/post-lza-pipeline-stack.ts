/**
 * The post-LZA pipeline: a V2 CodePipeline in QUEUED mode, started by an EventBridge rule whenever the
 * LZA pipeline succeeds (LZA's own pipeline is never touched: LZA regenerates it on upgrade). Source
 * (no automatic trigger; lib/config-sources.ts) -> AiOptOut reconcile stage. Failures are announced on an
 * encrypted SNS topic. Its props are typed, each with its default (lib/post-lza-pipeline-props.ts).
 */
import {
  Aws,
  type CfnElement,
  CfnOutput,
  aws_codecommit as codecommit,
  aws_codepipeline as codepipeline,
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
import { DEFAULT_TRIGGER, TRIGGER_VARIABLE } from '../lambdas/domain/triggers.ts';
import { LATEST_SNAPSHOT_KEY } from '../lambdas/runtime/state-bucket.ts';
import { ComplianceMonitoring } from './compliance-monitoring.ts';
import { ComplianceTriggers } from './compliance-triggers.ts';
import { ConfigRuleFunction } from './config-rule-function.ts';
import { type SourceAction, sourceAction } from './config-sources.ts';
import { pinFeatureFlags } from './feature-flags.ts';
import { lzaConfigRepositoryName, runEngineDocumentName } from './lza-names.ts';
import { PipelineStarterFunction } from './pipeline-starter-function.ts';
import {
  PIPELINE_PROP_KEYS,
  type PostLzaPipelineProps,
  type ResolvedPipelineProps,
  resolvePipelineProps,
} from './post-lza-pipeline-props.ts';
import { PullRequestCheck } from './pull-request-check.ts';
import { ReconcileStage } from './reconcile-stage.ts';
import { ReconcilerFunction } from './reconciler-function.ts';
import { pipelinePropsFrom, type Settings } from './settings.ts';
import { SnapshotReaders } from './snapshot-readers.ts';
import { stackNames } from './stack-names.ts';
import { stateLifecycleRules } from './state-bucket.ts';

export interface PostLzaPipelineStackProps extends StackProps, PostLzaPipelineProps {
  /**
   * The `-c` deployment settings, validated (validateSettings, resolveSettings).
   * @deprecated give the typed props instead (`pipelinePropsFrom(settings)` turns settings into them);
   * not together with them.
   * @default - none: the typed props
   */
  readonly settings?: Settings;
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

/** The pipeline variable that says what started a run (the report shows it). */
function triggerVariable(): codepipeline.Variable {
  return new codepipeline.Variable({
    variableName: TRIGGER_VARIABLE,
    defaultValue: DEFAULT_TRIGGER,
    description:
      'What started the run: the schedule, Organizations events, or the default (an LZA run or a manual start)',
  });
}

export class PostLzaPipelineStack extends Stack {
  readonly pipeline: codepipeline.Pipeline;
  readonly reconciler: ReconcilerFunction;
  readonly reconcile: ReconcileStage;
  readonly failureTopic: sns.Topic;
  readonly artifactBucket: s3.Bucket;
  readonly snapshotReaders: SnapshotReaders;
  readonly monitoring: ComplianceMonitoring;
  readonly triggers: ComplianceTriggers;

  constructor(scope: Construct, id: string, props: PostLzaPipelineStackProps = {}) {
    super(scope, id, props);
    pinFeatureFlags(this);
    const resolved = resolvePipelineProps(typedPropsOf(props));
    const names = stackNames(resolved.lza.qualifier);
    const key = this.createKey();
    this.artifactBucket = this.createArtifactBucket(key, resolved.snapshotRetention.toDays());
    this.reconciler = new ReconcilerFunction(this, 'Reconciler', {
      mode: resolved.mode,
      roleNamePrefix: names.reconcilerRolePrefix,
      timeout: resolved.functionTimeout,
      stateBucket: this.artifactBucket,
      ...(resolved.managementRoleArn ? { managementRoleArn: resolved.managementRoleArn } : {}),
      securityHub: resolved.securityHub,
      bedrockPolicies: resolved.bedrockPolicies,
    });
    const trigger = triggerVariable();
    this.pipeline = this.createPipeline(names.pipelineName, trigger);
    const config = new codepipeline.Artifact('Config');
    const source = sourceAction(this, resolved.source, config, resolved.lza);
    this.pipeline.addStage({ stageName: 'Source', actions: [source.action] });
    this.reconcile = new ReconcileStage(this, 'Reconcile', {
      pipeline: this.pipeline,
      input: config,
      reconciler: this.reconciler,
      mode: resolved.mode,
      failOn: resolved.failOn,
      verify: resolved.verify,
      configPath: resolved.configPath,
      ...(resolved.managementRoleArn ? { roleArn: resolved.managementRoleArn } : {}),
      triggerVariable: trigger,
    });
    this.startAfterLza(resolved.lza, source);
    this.triggers = this.runBetweenLzaRuns(resolved);
    this.failureTopic = this.announceFailures(
      key,
      resolved.notificationEmail,
      `${names.pipelineName}-failed`,
    );
    this.snapshotReaders = new SnapshotReaders(this, 'SnapshotReaders', {
      bucket: this.artifactBucket,
      key,
      principals: resolved.snapshotReaders,
      ...(resolved.githubRepository ? { githubRepository: resolved.githubRepository } : {}),
      createGithubOidcProvider: resolved.createGithubOidcProvider,
    });
    if (resolved.pullRequestChecks) this.checkPullRequests(resolved, key);
    this.monitoring = new ComplianceMonitoring(this, 'Monitoring', {
      function: this.reconciler.function,
      topic: this.failureTopic,
      topicKey: key,
      name: `${names.pipelineName}-${Aws.REGION}`,
    });
    this.acknowledgeArtifactGrants();
    this.addOutputs();
  }

  /** A V2 pipeline in QUEUED mode (back-to-back LZA runs are each checked), in the state bucket. */
  private createPipeline(pipelineName: string, trigger: codepipeline.Variable): codepipeline.Pipeline {
    return new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName,
      pipelineType: codepipeline.PipelineType.V2,
      executionMode: codepipeline.ExecutionMode.QUEUED,
      variables: [trigger],
      artifactBucket: this.artifactBucket,
      crossAccountKeys: false,
      restartExecutionOnUpdate: false,
    });
  }

  /**
   * Runs between LZA runs: on the schedule and on Organizations events (docs/monitoring.md), and the
   * opt-in Config rule.
   */
  private runBetweenLzaRuns(props: ResolvedPipelineProps): ComplianceTriggers {
    if (props.configRule)
      new ConfigRuleFunction(this, 'ConfigRule', {
        stateBucket: this.artifactBucket,
        bedrockPolicies: props.bedrockPolicies,
      });
    return new ComplianceTriggers(this, 'Triggers', {
      pipeline: this.pipeline,
      ...(props.schedule === 'off' ? {} : { schedule: props.schedule }),
      // Organizations' events are the management account's: a pipeline that reaches Organizations
      // through a management-account role runs elsewhere and sees none.
      organizationsEvents: !props.managementRoleArn,
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
  private createArtifactBucket(key: kms.Key, snapshotHistoryDays: number): s3.Bucket {
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
        ...stateLifecycleRules({ snapshotHistory: snapshotHistoryDays }),
        { id: 'OldArtifactVersions', noncurrentVersionExpiration: Duration.days(90) },
      ],
    });
  }

  /** The CodeCommit pull-request check on its repository (the codecommit source's, unless the props name one). */
  private checkPullRequests(props: ResolvedPipelineProps, key: kms.Key): void {
    const source = props.source.kind === 'codecommit' ? props.source : undefined;
    const repositoryName =
      props.pullRequestChecks?.repositoryName ?? source?.repositoryName ?? lzaConfigRepositoryName(props.lza);
    new PullRequestCheck(this, 'PullRequestCheck', {
      repository: codecommit.Repository.fromRepositoryName(this, 'PullRequestRepository', repositoryName),
      snapshotBucket: this.artifactBucket,
      key,
      configPath: props.configPath,
    });
  }

  /**
   * Failures on an encrypted topic (with an e-mail subscription when the props give one). EventBridge
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
  private startAfterLza(lza: ResolvedPipelineProps['lza'], source: SourceAction): void {
    if (lza.installer === 'container') {
      const document = runEngineDocumentName(lza);
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
    const lzaPipeline = codepipeline.Pipeline.fromPipelineArn(
      this,
      'LzaPipeline',
      `arn:${Aws.PARTITION}:codepipeline:${Aws.REGION}:${Aws.ACCOUNT_ID}:${lza.pipelineName}`,
    );
    const target = source.revision
      ? new targets.LambdaFunction(
          new PipelineStarterFunction(this, 'Starter', {
            lzaPipeline,
            lzaPipelineName: lza.pipelineName,
            pipeline: this.pipeline,
            sourceActionName: source.action.actionProperties.actionName,
            revisionType: source.revision.type,
            expectedConfiguration: source.revision.expectedConfiguration,
          }).function,
          { retryAttempts: 2 },
        )
      : new targets.CodePipeline(this.pipeline);
    lzaPipeline.onStateChange('AfterLzaSucceeded', {
      description: `Starts the ai-optout pipeline after every successful run of ${lza.pipelineName}`,
      eventPattern: { detail: { state: ['SUCCEEDED'] } },
      target,
    });
  }
}

/** The typed props, from the deprecated settings when those are given (never both). */
function typedPropsOf(props: PostLzaPipelineStackProps): PostLzaPipelineProps {
  const { settings, ...rest } = props;
  if (!settings) return rest;
  const typed = Object.keys(rest).filter((key) => key in PIPELINE_PROP_KEYS);
  if (typed.length > 0)
    throw new Error(
      `PostLzaPipelineStack: give the typed props or the deprecated settings, not both (given with settings: ${typed.join(', ')})`,
    );
  return pipelinePropsFrom(settings);
}
