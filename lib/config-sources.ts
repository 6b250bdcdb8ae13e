/**
 * Where the post-LZA pipeline reads the desired state: one kind of source per member of ConfigSource,
 * and one function per kind that builds its source action. None triggers the pipeline: it runs after
 * LZA, on the revision LZA deployed (the starter passes it; `revision` says how to find it).
 *
 * A new source: a member of the union, its name in CONFIG_SOURCE_KINDS, a case in `sourceAction`,
 * and, for `-c configSource`, its settings in lib/settings.ts (`configSourceOf`).
 */
import { join } from 'node:path';
import {
  Aws,
  aws_s3_assets as assets,
  aws_codecommit as codecommit,
  type aws_codepipeline as codepipeline,
  aws_codepipeline_actions as cpactions,
  aws_kms as kms,
  aws_s3 as s3,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PACKAGE_ROOT } from '../lambdas/adapters/package-root.ts';
import type { RevisionType } from '../lambdas/runtime/pipeline-starter-environment.ts';
import { LzaInstallerKeyArn } from './lza-installer-key.ts';
import {
  installerKeyArnParameter,
  type LzaInstall,
  lzaConfigBucketName,
  lzaConfigObjectKey,
  lzaConfigRepositoryName,
} from './lza-names.ts';

/** This package's config/ folder, shipped with the stack as an asset: no revision of LZA's to follow. */
export interface BundledConfigSource {
  readonly kind: 'bundled';
}

/** LZA's configuration zip in its S3 configuration bucket (LZA installed with its configuration in S3, or the container installer). */
export interface LzaS3ConfigSource {
  readonly kind: 'lza-s3';
  /** @default - LZA's: `<bucketName prefix>-config-<account>-<region>`, or `<qualifier>-config-<account>-<region>` */
  readonly bucketName?: string;
  /** @default - LZA's: `zipped/aws-accelerator-config.zip` (`lza/aws-accelerator-config.zip` for the container installer) */
  readonly objectKey?: string;
  /** The KMS key that encrypts the bucket. @default - read at deploy time from LZA's installer-key SSM parameter */
  readonly keyArn?: string;
}

/** A CodeCommit repository and branch (LZA installed with its configuration in CodeCommit). */
export interface CodeCommitConfigSource {
  readonly kind: 'codecommit';
  /** @default - LZA's: `aws-accelerator-config`, `<prefix>-config` or `<qualifier>-config` */
  readonly repositoryName?: string;
  /** @default 'main' */
  readonly branch?: string;
}

/** A GitHub, GitLab or Bitbucket repository through an AWS CodeConnections connection. */
export interface CodeConnectionsConfigSource {
  readonly kind: 'codeconnections';
  readonly connectionArn: string;
  readonly owner: string;
  readonly repositoryName: string;
  /** @default 'main' */
  readonly branch?: string;
}

export type ConfigSource =
  | BundledConfigSource
  | LzaS3ConfigSource
  | CodeCommitConfigSource
  | CodeConnectionsConfigSource;

export const CONFIG_SOURCE_KINDS = [
  'bundled',
  'lza-s3',
  'codecommit',
  'codeconnections',
] as const satisfies readonly ConfigSource['kind'][];

export const DEFAULT_BRANCH = 'main';

/** The source action's name for LZA's configuration (the bundled source's is `BundledConfig`). */
const SOURCE_ACTION_NAME = 'LzaConfig';

/** The source action, and how to start it on a revision of what LZA deployed (none for bundled). */
export interface SourceAction {
  readonly action: codepipeline.IAction;
  readonly revision?: { type: RevisionType; expectedConfiguration: Record<string, string> };
}

/**
 * Why the source cannot be deployed, in a sentence, or undefined. The types say most of it; this is for
 * callers without them (JavaScript, settings files passed through).
 */
export function configSourceProblem(source: ConfigSource): string | undefined {
  if (!CONFIG_SOURCE_KINDS.includes(source?.kind))
    return `source kind ${String(source?.kind)} is not one of ${CONFIG_SOURCE_KINDS.join(', ')}`;
  if (source.kind === 'codeconnections' && !(source.connectionArn && source.owner && source.repositoryName))
    return 'the codeconnections source needs connectionArn, owner and repositoryName';
  return undefined;
}

/** The source action of `source`, reading into `output`; `lza` derives the names the source leaves out. */
export function sourceAction(
  scope: Construct,
  source: ConfigSource,
  output: codepipeline.Artifact,
  lza: LzaInstall,
): SourceAction {
  switch (source.kind) {
    case 'bundled':
      return bundledSource(scope, output);
    case 'lza-s3':
      return lzaS3Source(scope, source, output, lza);
    case 'codecommit':
      return codeCommitSource(scope, source, output, lza);
    case 'codeconnections':
      return codeConnectionsSource(source, output);
  }
}

function bundledSource(scope: Construct, output: codepipeline.Artifact): SourceAction {
  const asset = new assets.Asset(scope, 'BundledConfig', { path: join(PACKAGE_ROOT, 'config') });
  const action = new cpactions.S3SourceAction({
    actionName: 'BundledConfig',
    bucket: s3.Bucket.fromBucketName(scope, 'AssetBucket', asset.s3BucketName),
    bucketKey: asset.s3ObjectKey,
    output,
    trigger: cpactions.S3Trigger.NONE,
  });
  return { action };
}

function lzaS3Source(
  scope: Construct,
  source: LzaS3ConfigSource,
  output: codepipeline.Artifact,
  lza: LzaInstall,
): SourceAction {
  const bucketName = source.bucketName ?? lzaConfigBucketName(lza, Aws.ACCOUNT_ID, Aws.REGION);
  const objectKey = source.objectKey ?? lzaConfigObjectKey(lza);
  // LZA encrypts this bucket with its installer key and publishes the key's ARN in SSM: the stack reads
  // it at deploy time, and the source action's role gets kms:Decrypt on it.
  const keyArn =
    source.keyArn ??
    new LzaInstallerKeyArn(scope, 'LzaInstallerKey', { parameterName: installerKeyArnParameter(lza) }).keyArn;
  const bucket = s3.Bucket.fromBucketAttributes(scope, 'LzaConfigBucket', {
    bucketName,
    encryptionKey: kms.Key.fromKeyArn(scope, 'LzaConfigKey', keyArn),
  });
  const action = new cpactions.S3SourceAction({
    actionName: SOURCE_ACTION_NAME,
    bucket,
    bucketKey: objectKey,
    output,
    trigger: cpactions.S3Trigger.NONE,
  });
  const expectedConfiguration = { S3Bucket: bucketName, S3ObjectKey: objectKey };
  return { action, revision: { type: 'S3_OBJECT_VERSION_ID', expectedConfiguration } };
}

function codeCommitSource(
  scope: Construct,
  source: CodeCommitConfigSource,
  output: codepipeline.Artifact,
  lza: LzaInstall,
): SourceAction {
  const repositoryName = source.repositoryName ?? lzaConfigRepositoryName(lza);
  const branch = source.branch ?? DEFAULT_BRANCH;
  const action = new cpactions.CodeCommitSourceAction({
    actionName: SOURCE_ACTION_NAME,
    repository: codecommit.Repository.fromRepositoryName(scope, 'LzaConfigRepository', repositoryName),
    branch,
    output,
    trigger: cpactions.CodeCommitTrigger.NONE,
  });
  const expectedConfiguration = { RepositoryName: repositoryName, BranchName: branch };
  return { action, revision: { type: 'COMMIT_ID', expectedConfiguration } };
}

function codeConnectionsSource(
  source: CodeConnectionsConfigSource,
  output: codepipeline.Artifact,
): SourceAction {
  const { owner, repositoryName, connectionArn } = source;
  const branch = source.branch ?? DEFAULT_BRANCH;
  const action = new cpactions.CodeStarConnectionsSourceAction({
    actionName: SOURCE_ACTION_NAME,
    connectionArn,
    owner,
    repo: repositoryName,
    branch,
    output,
    triggerOnPush: false,
  });
  const expectedConfiguration = { FullRepositoryId: `${owner}/${repositoryName}`, BranchName: branch };
  return { action, revision: { type: 'COMMIT_ID', expectedConfiguration } };
}
