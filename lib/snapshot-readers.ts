/**
 * Who may read the organization snapshot the pipeline publishes (docs/pull-requests.md): s3:GetObject
 * on the snapshots prefix and kms:Decrypt on the stack's key for the snapshot objects only (their
 * encryption context), nothing else. Named principals get both in
 * the bucket's and the key's resource policies (the key only through S3, kms:ViaService); optionally a
 * read-only role that GitHub Actions assumes by OIDC, from that repository's pull-request workflows only.
 *
 * GitHub's OIDC facts [GH-OIDC]: the issuer is token.actions.githubusercontent.com, the audience of aws-actions/configure-aws-credentials
 * is sts.amazonaws.com, and a pull_request job with no environment has the subject
 * `repo:OWNER/REPO:pull_request`; repositories created (or renamed) after 2026-07-15, and those whose
 * admins opt in, use the immutable `repo:OWNER@OWNER-ID/REPO@REPO-ID:pull_request` instead.
 *
 * The trust names one subject exactly (StringEquals): IAM's `*` also matches `/`, `:` and `@`, so a
 * wildcard in `sub` would let another repository's workflow, with a subject template of its own, read
 * the snapshot.
 */
import { Aws, aws_iam as iam, type aws_kms as kms, type aws_s3 as s3, Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { stateKeys, stateObjectsArn, stateObjectsFinding } from './state-bucket.ts';

export const GITHUB_OIDC_ISSUER = 'token.actions.githubusercontent.com';

/**
 * The encryption context S3 passes to KMS for an object written without a Bucket Key: its ARN
 * [S3-KMS-ENCRYPTION-CONTEXT].
 * The pipeline writes its snapshots so (lambdas/adapters/s3/snapshots.ts): decrypting under this
 * condition opens the snapshots and nothing else the key encrypts.
 */
const SNAPSHOT_CONTEXT_KEY = 'kms:EncryptionContext:aws:s3:arn';
function snapshotObjectsContext(bucketName: string): string {
  return `arn:${Aws.PARTITION}:s3:::${bucketName}/${stateKeys('snapshots')}`;
}
const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';

/** GitHub's owner names: letters, digits and `-`; repository names also `.` and `_`. */
const OWNER = '[A-Za-z0-9-]+';
const NAME = '[A-Za-z0-9._-]+';
/** `owner/name`: the classic subject. */
const CLASSIC_REPOSITORY = new RegExp(`^${OWNER}/${NAME}$`);
/** With GitHub's numeric ids, as in the immutable subject: `owner@123/name@456`. */
const REPOSITORY_WITH_IDS = new RegExp(`^${OWNER}@\\d+/${NAME}@\\d+$`);

/**
 * Why the role could not trust exactly this repository's pull-request jobs, in a sentence, or undefined
 * when it can: `owner/name` (the classic subject) or `owner@id/name@id` (the immutable one).
 */
export function githubRepositoryProblem(value: string): string | undefined {
  if (CLASSIC_REPOSITORY.test(value) || REPOSITORY_WITH_IDS.test(value)) return undefined;
  if (/[*?]/.test(value))
    return `${value} holds a wildcard, and the role trusts one repository exactly: name it as owner/name, or owner@owner-id/name@repository-id`;
  if (new RegExp(`^${OWNER}(@\\d+)?/${NAME}(@\\d+)?$`).test(value))
    return `${value} gives one GitHub id of two: give both, owner@owner-id/name@repository-id (GitHub's immutable subject), or neither, owner/name (the classic subject)`;
  return `${value} is not owner/name or owner@owner-id/name@repository-id (GitHub's names: letters, digits, - and, in repository names, . and _)`;
}

/**
 * The one OIDC subject of the repository's pull-request jobs: with ids, the immutable subject; without,
 * the classic one. There is no wildcard to stand for the ids: a repository that uses the immutable
 * subject must be given with its ids.
 */
export function pullRequestSubject(repository: string): string {
  const problem = githubRepositoryProblem(repository);
  if (problem) throw new Error(`githubRepository ${problem}`);
  return `repo:${repository}:pull_request`;
}

export interface SnapshotReadersProps {
  readonly bucket: s3.Bucket;
  readonly key: kms.Key;
  /** IAM principal ARNs (roles, users, account roots) granted read in the bucket's and the key's policies. @default [] */
  readonly principals?: readonly string[];
  /** A GitHub repository whose pull-request workflows may assume a read-only role. @default - none: no role */
  readonly githubRepository?: string;
  /** Create the account's GitHub OIDC provider (there is one per account), or use the existing one. @default false */
  readonly createGithubOidcProvider?: boolean;
}

export class SnapshotReaders extends Construct {
  /** The read-only role for GitHub OIDC, when a repository is given. */
  readonly githubRole: iam.Role | undefined;

  constructor(scope: Construct, id: string, props: SnapshotReadersProps) {
    super(scope, id);
    const objects = stateObjectsArn(props.bucket, 'snapshots');
    const principals = (props.principals ?? []).map((arn) => new iam.ArnPrincipal(arn));
    if (principals.length > 0) {
      props.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'ReadPublishedSnapshots',
          principals,
          actions: ['s3:GetObject'],
          resources: [objects],
        }),
      );
      props.key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'DecryptPublishedSnapshotsThroughS3',
          principals,
          actions: ['kms:Decrypt'],
          resources: ['*'],
          conditions: {
            StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` },
            // Any bucket's name: the key's policy cannot name the bucket the key encrypts (a circular
            // reference); the key encrypts this stack's bucket only, through S3 only.
            StringLike: { [SNAPSHOT_CONTEXT_KEY]: snapshotObjectsContext('*') },
          },
        }),
      );
    }
    this.githubRole = props.githubRepository
      ? this.githubReadRole(props.githubRepository, props, objects)
      : undefined;
  }

  private githubReadRole(repository: string, props: SnapshotReadersProps, objects: string): iam.Role {
    const subject = pullRequestSubject(repository);
    const providerArn = props.createGithubOidcProvider
      ? new iam.OidcProviderNative(this, 'GitHubOidc', {
          url: `https://${GITHUB_OIDC_ISSUER}`,
          clientIds: [GITHUB_OIDC_AUDIENCE],
        }).oidcProviderArn
      : `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:oidc-provider/${GITHUB_OIDC_ISSUER}`;
    const role = new iam.Role(this, 'GitHubPullRequestRole', {
      description: `ai-optout: reads the published organization snapshot, for pull-request workflows of ${repository}`,
      assumedBy: new iam.WebIdentityPrincipal(providerArn, {
        StringEquals: {
          [`${GITHUB_OIDC_ISSUER}:aud`]: GITHUB_OIDC_AUDIENCE,
          [`${GITHUB_OIDC_ISSUER}:sub`]: subject,
        },
      }),
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadPublishedSnapshots',
        actions: ['s3:GetObject'],
        resources: [objects],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DecryptPublishedSnapshots',
        actions: ['kms:Decrypt'],
        resources: [props.key.keyArn],
        conditions: {
          StringLike: { [SNAPSHOT_CONTEXT_KEY]: snapshotObjectsContext(props.bucket.bucketName) },
        },
      }),
    );
    const finding = stateObjectsFinding(props.bucket, 'snapshots');
    if (finding)
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason:
          'The latest snapshot and its dated copies, one object per run: read-only, limited to the snapshots prefix.',
      });
    return role;
  }
}
