/**
 * Who may read the published snapshot: the lifecycle of its dated copies, the named readers' grants in
 * the bucket's and the key's policies, and the GitHub OIDC role (trust limited to the repository's
 * pull-request jobs, access limited to the snapshots prefix and the key).
 */
import { describe, expect, it } from 'vitest';
import { SNAPSHOT_HISTORY_PREFIX, SNAPSHOTS_PREFIX } from '../../lambdas/runtime/state-bucket.ts';
import { resolveSettings, SettingsError, validateSettings } from '../../lib/settings.ts';

import { synthConstructDefaults, synthPipeline } from './synth.ts';
import { actionsOf, logicalIdOf, statementsOfRole } from './template-queries.ts';

const READER = 'arn:aws:iam::444455556666:role/reviewers';
const WITH_READERS = {
  snapshotReaders: `${READER}, arn:aws:iam::777788889999:root`,
  githubRepository: 'octo-org/octo-repo',
  snapshotRetentionDays: 30,
};
const WITHOUT_BUNDLE = { bundling: false };

function githubRoleId(template: ReturnType<typeof synthPipeline>['template']): string {
  return logicalIdOf(template, 'AWS::IAM::Role', (p) =>
    JSON.stringify(p.AssumeRolePolicyDocument).includes('sts:AssumeRoleWithWebIdentity'),
  );
}

describe('the published snapshot: lifecycle and readers', () => {
  it('dated copies expire after snapshotRetentionDays (default 90); the latest is never expired', () => {
    const rulesOf = (raw: Record<string, unknown>) => {
      const buckets = synthPipeline(raw, WITHOUT_BUNDLE).template.findResources('AWS::S3::Bucket');
      const artifacts = Object.values(buckets).find((b) => b.Properties.LifecycleConfiguration);
      return artifacts?.Properties.LifecycleConfiguration.Rules as {
        Id: string;
        Prefix?: string;
        ExpirationInDays?: number;
      }[];
    };
    expect(rulesOf({}).find((r) => r.Id === 'SnapshotHistory')).toMatchObject({
      Prefix: SNAPSHOT_HISTORY_PREFIX,
      ExpirationInDays: 90,
    });
    expect(rulesOf(WITH_READERS).find((r) => r.Id === 'SnapshotHistory')?.ExpirationInDays).toBe(30);
    // cdk's -c gives strings
    const context: Record<string, string> = { snapshotRetentionDays: '30', snapshotReaders: READER };
    expect(resolveSettings((key) => context[key])).toMatchObject({
      snapshotRetentionDays: 30,
      snapshotReaders: [READER],
    });
    expect(
      rulesOf({}).filter(
        (r) => r.ExpirationInDays !== undefined && SNAPSHOTS_PREFIX.startsWith(r.Prefix ?? ''),
      ),
    ).toEqual([]);
  });

  it('named readers get s3:GetObject on the snapshots prefix and kms:Decrypt through S3 only', () => {
    const { template } = synthPipeline(WITH_READERS, WITHOUT_BUNDLE);
    const bucketPolicy = Object.values(template.findResources('AWS::S3::BucketPolicy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, unknown>[])
      .find((s) => s.Sid === 'ReadPublishedSnapshots');
    expect(bucketPolicy).toMatchObject({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Principal: { AWS: [READER, 'arn:aws:iam::777788889999:root'] },
    });
    expect(JSON.stringify(bucketPolicy?.Resource)).toContain(`/${SNAPSHOTS_PREFIX}*`);
    const keyStatement = Object.values(template.findResources('AWS::KMS::Key'))
      .flatMap((k) => k.Properties.KeyPolicy.Statement as Record<string, unknown>[])
      .find((s) => s.Sid === 'DecryptPublishedSnapshotsThroughS3');
    expect(keyStatement).toMatchObject({
      Action: 'kms:Decrypt',
      Principal: { AWS: [READER, 'arn:aws:iam::777788889999:root'] },
      Condition: {
        StringEquals: {
          'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
        },
      },
    });
  });

  it('without readers or a repository, no grant and no role', () => {
    const { template } = synthPipeline({}, WITHOUT_BUNDLE);
    expect(JSON.stringify(template.toJSON())).not.toContain('ReadPublishedSnapshots');
    expect(JSON.stringify(template.toJSON())).not.toContain('AssumeRoleWithWebIdentity');
  });

  /** The trust statement of the GitHub role synthesized for `githubRepository`. */
  function githubTrust(githubRepository: string, extra: Record<string, unknown> = {}) {
    const { template } = synthPipeline({ githubRepository, ...extra }, WITHOUT_BUNDLE);
    const id = githubRoleId(template);
    return {
      template,
      id,
      statement: template.findResources('AWS::IAM::Role')[id]?.Properties.AssumeRolePolicyDocument.Statement,
    };
  }

  it("the GitHub role trusts only the repository's pull-request jobs, with GitHub's audience: the classic subject exactly", () => {
    const { template, id, statement } = githubTrust('octo-org/octo-repo', WITH_READERS);

    expect(statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRoleWithWebIdentity',
        Principal: {
          Federated: {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':iam::',
                { Ref: 'AWS::AccountId' },
                ':oidc-provider/token.actions.githubusercontent.com',
              ],
            ],
          },
        },
        Condition: {
          StringEquals: {
            'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
            'token.actions.githubusercontent.com:sub': 'repo:octo-org/octo-repo:pull_request',
          },
        },
      },
    ]);
    const statements = statementsOfRole(template, id);
    expect(actionsOf(statements).sort()).toEqual(['kms:Decrypt', 's3:GetObject']);
    expect(JSON.stringify(statements.find((s) => s.Sid === 'ReadPublishedSnapshots')?.Resource)).toContain(
      `/${SNAPSHOTS_PREFIX}*`,
    );
    expect(template.findOutputs('GitHubPullRequestRoleArn')).not.toEqual({});
    expect(template.findResources('AWS::IAM::OIDCProvider')).toEqual({});
  });

  it('with GitHub ids, the immutable subject exactly; createGithubOidcProvider makes the provider', () => {
    const { template, statement } = githubTrust('octo-org@123/octo-repo@456', {
      createGithubOidcProvider: 'true',
    });

    expect(statement[0].Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': 'repo:octo-org@123/octo-repo@456:pull_request',
      },
    });
    expect(Object.values(template.findResources('AWS::IAM::OIDCProvider')).map((p) => p.Properties)).toEqual([
      { Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] },
    ]);
  });

  it('no trust condition of any GitHub role holds an IAM wildcard', () => {
    for (const repository of ['octo-org/octo-repo', 'octo-org@123/octo-repo@456']) {
      const { statement } = githubTrust(repository);
      expect(JSON.stringify(statement[0].Condition)).not.toMatch(/[*?]/);
      expect(Object.keys(statement[0].Condition)).toEqual(['StringEquals']);
    }
  });

  it('refuses, in one sentence, a repository it cannot trust exactly: one id of two, a wildcard, not owner/name; and a reader that is not an IAM principal', () => {
    const refused = (raw: Record<string, unknown>) => {
      try {
        validateSettings(raw);
      } catch (error) {
        expect(error).toBeInstanceOf(SettingsError);
        return (error as Error).message;
      }
      throw new Error('expected a SettingsError');
    };
    expect(refused({ githubRepository: 'octo-org@123/octo-repo' })).toBe(
      "invalid deployment settings: githubRepository: octo-org@123/octo-repo gives one GitHub id of two: give both, owner@owner-id/name@repository-id (GitHub's immutable subject), or neither, owner/name (the classic subject)",
    );
    expect(refused({ githubRepository: 'octo-org/octo-repo@456' })).toMatch(/gives one GitHub id of two/);
    expect(refused({ githubRepository: 'octo-org@*/octo-repo@*' })).toBe(
      'invalid deployment settings: githubRepository: octo-org@*/octo-repo@* holds a wildcard, and the role trusts one repository exactly: name it as owner/name, or owner@owner-id/name@repository-id',
    );
    expect(refused({ githubRepository: 'octo-org/*' })).toMatch(/holds a wildcard/);
    expect(refused({ githubRepository: 'octo-repo' })).toMatch(
      /githubRepository: octo-repo is not owner\/name or owner@owner-id\/name@repository-id/,
    );
    expect(refused({ githubRepository: 'octo-org/x:ref:refs/heads/main' })).toMatch(/is not owner\/name/);
    expect(refused({ snapshotReaders: ['arn:aws:s3:::bucket'] })).toMatch(
      /snapshotReaders\.0: expected an IAM role, user or account-root ARN/,
    );
    expect(refused({ snapshotRetentionDays: 0 })).toMatch(/snapshotRetentionDays/);
  });

  it('has no unacknowledged cdk-nag finding', () => {
    expect(synthPipeline(WITH_READERS, WITHOUT_BUNDLE).findings).toEqual([]);
  });
});

describe('SnapshotReaders defaults (bucket, key and a repository given)', () => {
  const { template } = synthConstructDefaults();

  it('principals: none, so no statement in the bucket policy or the key policy grants a reader', () => {
    expect(JSON.stringify(template.findResources('AWS::S3::BucketPolicy'))).not.toContain(
      'ReadPublishedSnapshots',
    );
    expect(JSON.stringify(template.findResources('AWS::KMS::Key'))).not.toContain(
      'DecryptPublishedSnapshots',
    );
  });

  it("createGithubOidcProvider: false, so the role trusts the account's existing GitHub provider", () => {
    template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    const role = logicalIdOf(template, 'AWS::IAM::Role', (p) =>
      String(p.Description).includes('for pull-request workflows of octo-org/octo-repo'),
    );
    const trust = template.findResources('AWS::IAM::Role')[role]?.Properties.AssumeRolePolicyDocument;
    expect(JSON.stringify(trust.Statement[0].Principal.Federated)).toContain(
      ':oidc-provider/token.actions.githubusercontent.com',
    );
  });
});
