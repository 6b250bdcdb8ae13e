/**
 * The pull-request check for a CodeCommit repository (docs/pull-requests.md): an EventBridge rule on
 * pull requests created or updated starts a CodeBuild project, which runs examples/codebuild/buildspec.yml
 * (this deployment's ai-optout package, installed from its tarball with runtime dependencies only and run
 * compiled; plan against the published snapshot and the base; PostCommentForPullRequest; an approval only
 * when the check passes). Least privilege: CodeCommit actions on that repository only, the snapshots
 * prefix, decrypt with the stack's key.
 *
 * The event ([CODECOMMIT-PULL-REQUESTS]; the same `detail` fields as aws-cdk-lib's CodeCommit
 * pull-request event): detail.event
 * `pullRequestCreated` or `pullRequestSourceBranchUpdated`, with pullRequestId, sourceCommit,
 * destinationCommit, revisionId and repositoryNames. StartBuild takes them as the source version and
 * environment overrides [CODEBUILD-START-BUILD].
 * The IAM actions and their `repository` resource type: the Service Authorization Reference for CodeCommit
 * (test/lib/pull-request-check.test.ts proves the grant with an IAM simulator fed by it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AssetHashType,
  aws_s3_assets as assets,
  BundlingOutput,
  type CfnElement,
  aws_codebuild as codebuild,
  type aws_codecommit as codecommit,
  DockerImage,
  Duration,
  aws_events as events,
  aws_iam as iam,
  type aws_kms as kms,
  Stack,
  type aws_s3 as s3,
  Token,
  aws_events_targets as targets,
  Validations,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../lambdas/adapters/package-root.ts';
import { LATEST_SNAPSHOT_KEY } from '../lambdas/runtime/state-bucket.ts';
import { pinFeatureFlags } from './feature-flags.ts';
import { packTool } from './pull-request-tool.ts';
import { RECONCILE_STAGE_DEFAULTS } from './reconcile-stage.ts';
import { stateObjectsArn, stateObjectsFinding } from './state-bucket.ts';

const BUILDSPEC = join(PACKAGE_ROOT, 'examples/codebuild/buildspec.yml');
const PULL_REQUEST_EVENTS = ['pullRequestCreated', 'pullRequestSourceBranchUpdated'];
/** What the build does with the repository: read the base's file, comment, approve a pass or revoke. */
export const PULL_REQUEST_ACTIONS = [
  'codecommit:GetFile',
  'codecommit:PostCommentForPullRequest',
  'codecommit:UpdatePullRequestApprovalState',
];

export interface PullRequestCheckProps {
  readonly repository: codecommit.IRepository;
  /** The bucket the pipeline publishes the snapshot to, and its key. */
  readonly snapshotBucket: s3.IBucket;
  readonly key: kms.IKey;
  /** Path of the desired state in the repository. @default 'ai-optout.yaml' */
  readonly configPath?: string;
}

/** The buildspec as the example file has it (reports included), without its artifacts: the project keeps none. */
function buildSpec(): codebuild.BuildSpec {
  const { artifacts: _artifacts, ...spec } = parse(readFileSync(BUILDSPEC, 'utf8')) as Record<
    string,
    unknown
  >;
  return codebuild.BuildSpec.fromObjectToYaml(spec);
}

export class PullRequestCheck extends Construct {
  readonly project: codebuild.Project;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: PullRequestCheckProps) {
    super(scope, id);
    pinFeatureFlags(this);
    const tool = toolAsset(this);
    this.project = new codebuild.Project(this, 'Project', {
      description: `ai-optout: checks pull requests of ${props.repository.repositoryName}`,
      source: codebuild.Source.codeCommit({ repository: props.repository, cloneDepth: 1 }),
      secondarySources: [
        codebuild.Source.s3({ bucket: tool.bucket, path: tool.s3ObjectKey, identifier: 'tool' }),
      ],
      buildSpec: buildSpec(),
      encryptionKey: props.key,
      timeout: Duration.minutes(15),
      environment: {
        buildImage: codebuild.LinuxBuildImage.STANDARD_7_0,
        computeType: codebuild.ComputeType.SMALL,
      },
      environmentVariables: {
        CONFIG_PATH: { value: props.configPath ?? RECONCILE_STAGE_DEFAULTS.configPath },
        SNAPSHOT_URL: { value: `s3://${props.snapshotBucket.bucketName}/${LATEST_SNAPSHOT_KEY}` },
        REPOSITORY_NAME: { value: props.repository.repositoryName },
      },
    });
    this.grant(props);
    this.rule = props.repository.onPullRequestStateChange('PullRequestOpenedOrUpdated', {
      description: `Checks each new revision of a pull request of ${props.repository.repositoryName} with ai-optout`,
      eventPattern: { detail: { event: PULL_REQUEST_EVENTS } },
      target: new targets.CodeBuildProject(this.project, { event: startBuildInput() }),
    });
    this.acknowledge(props.snapshotBucket);
  }

  private grant(props: PullRequestCheckProps): void {
    this.project.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'PullRequestOfThisRepository',
        actions: PULL_REQUEST_ACTIONS,
        resources: [props.repository.repositoryArn],
      }),
    );
    this.project.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadPublishedSnapshot',
        actions: ['s3:GetObject'],
        resources: [stateObjectsArn(props.snapshotBucket, 'snapshots')],
      }),
    );
    props.key.grantDecrypt(this.project);
  }

  /** cdk-nag's wildcard findings, each with its reason. */
  private acknowledge(bucket: s3.IBucket): void {
    const stack = Stack.of(this);
    const role = this.project.role as iam.Role;
    const projectId = stack.getLogicalId(this.project.node.defaultChild as CfnElement);
    // As cdk-nag prints an ARN: an environment-agnostic stack's pseudo parameters as <AWS::Region>, a
    // stack with its account and region (the cdk CLI always sets a region) as the values themselves.
    const part = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
    const prefix = `arn:${part(stack.partition, 'Partition')}`;
    const account = `${part(stack.region, 'Region')}:${part(stack.account, 'AccountId')}`;
    const acknowledgements: [string[], string][] = [
      [
        [`Resource::${prefix}:logs:${account}:log-group:/aws/codebuild/<${projectId}>:*`],
        "aws-cdk-lib's CodeBuild log grant: this project's own log group and its streams.",
      ],
      [
        [`Resource::${prefix}:codebuild:${account}:report-group/<${projectId}>-*`],
        "aws-cdk-lib's CodeBuild report grant: report groups named after this project (the JUnit report).",
      ],
      [
        ['Action::s3:GetBucket*', 'Action::s3:GetObject*', 'Action::s3:List*'],
        "aws-cdk-lib's read grant on the CDK asset that holds this deployment's ai-optout (the secondary source `tool`).",
      ],
      [
        ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*'],
        "aws-cdk-lib's grant on the project's own encryption key (the stack's key), which CodeBuild uses for its logs and reports.",
      ],
    ];
    const snapshots = stateObjectsFinding(bucket, 'snapshots');
    if (snapshots)
      acknowledgements.push([
        [snapshots],
        'The published snapshot and its dated copies: read-only, limited to the snapshots prefix.',
      ]);
    for (const [findings, reason] of acknowledgements)
      for (const finding of findings)
        Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }
}

/**
 * The secondary source `tool`: a zip holding ai-optout.tgz (lib/pull-request-tool.ts), made when CDK
 * stages the asset, locally (never in Docker); its hash is that of the tarball.
 */
function toolAsset(scope: Construct): assets.Asset {
  return new assets.Asset(scope, 'Tool', {
    path: join(PACKAGE_ROOT, 'bin'),
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the type; never pulled: local bundling below either succeeds or throws.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:24'),
      outputType: BundlingOutput.NOT_ARCHIVED,
      local: {
        tryBundle(outputDir: string): boolean {
          packTool(outputDir);
          return true;
        },
      },
    },
  });
}

/** StartBuild's input: the pull request's source commit, and what the script needs of the event. */
function startBuildInput(): events.RuleTargetInput {
  const variable = (name: string, path: string) => ({
    name,
    value: events.EventField.fromPath(path),
    type: 'PLAINTEXT',
  });
  return events.RuleTargetInput.fromObject({
    sourceVersion: events.EventField.fromPath('$.detail.sourceCommit'),
    environmentVariablesOverride: [
      variable('PULL_REQUEST_ID', '$.detail.pullRequestId'),
      variable('SOURCE_COMMIT', '$.detail.sourceCommit'),
      variable('DESTINATION_COMMIT', '$.detail.destinationCommit'),
      variable('REVISION_ID', '$.detail.revisionId'),
    ],
  });
}
