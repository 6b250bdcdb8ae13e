/**
 * PostLzaPipelineStack: the pipeline's shape, what starts it, where failures go, the state bucket and its
 * lifecycle (made from the layout table), each default of its typed props, the typed props and the
 * `-c` settings giving the same stack, and the props it refuses, each with a sentence naming the prop.
 */
import { App, Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { STATE_BUCKET_LAYOUT } from '../../lambdas/runtime/state-bucket.ts';
import type { PostLzaPipelineProps } from '../../lib/post-lza-pipeline-props.ts';
import { PostLzaPipelineStack } from '../../lib/post-lza-pipeline-stack.ts';
import { validateSettings } from '../../lib/settings.ts';
import { CDK_CONTEXT, newApp, synthesized, synthPipeline, synthPipelineDefaults } from './synth.ts';
import {
  actionsOf,
  afterLzaRule,
  functionEnvironment,
  logicalIdOf,
  pipelineStages,
  reconcilerRoleId,
  statementsOfRole,
  userParametersAtRunTime,
} from './template-queries.ts';

const WITHOUT_BUNDLE = { bundling: false };

describe('the post-LZA pipeline', () => {
  const { template } = synthPipeline();

  it('is a V2 pipeline in QUEUED mode whose source never triggers it', () => {
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      PipelineType: 'V2',
      ExecutionMode: 'QUEUED',
      Stages: [
        {
          Name: 'Source',
          Actions: [
            Match.objectLike({
              ActionTypeId: Match.objectLike({ Provider: 'S3' }),
              Configuration: Match.objectLike({ PollForSourceChanges: false }),
            }),
          ],
        },
        {
          Name: 'AiOptOut',
          Actions: [
            Match.objectLike({
              ActionTypeId: Match.objectLike({ Category: 'Invoke', Provider: 'Lambda' }),
              Namespace: 'AiOptOut',
              InputArtifacts: [{ Name: 'Config' }],
              OutputArtifacts: [{ Name: 'AiOptOutReport' }],
            }),
          ],
        },
      ],
    });
  });

  it('passes the contract parameters to the function, and its timeout', () => {
    expect(JSON.parse(userParametersAtRunTime(template))).toEqual({
      configPath: 'ai-optout.yaml',
      mode: 'audit',
      failOn: 'drift',
      verify: 'states',
      pipelineExecutionId: '5c4a1f2e-8d3b-4e6a-9f70-1b2c3d4e5f60',
    });
    const { template: timed } = synthPipeline(
      { functionTimeoutMinutes: 10, failOn: 'never' },
      WITHOUT_BUNDLE,
    );
    timed.hasResourceProperties('AWS::Lambda::Function', { Timeout: 600 });
    expect(JSON.parse(userParametersAtRunTime(timed)).failOn).toBe('never');
  });

  it('starts when the LZA pipeline succeeds', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.codepipeline'],
        'detail-type': ['CodePipeline Pipeline Execution State Change'],
        resources: [{ 'Fn::Join': ['', Match.arrayWith([':AWSAccelerator-Pipeline'])] }],
        detail: { state: ['SUCCEEDED'] },
      },
      Targets: [Match.objectLike({ Arn: Match.anyValue(), RoleArn: Match.anyValue() })],
    });
    const custom = synthPipeline({ lzaPipelineName: 'Acme-Pipeline' }, WITHOUT_BUNDLE).template;
    expect(JSON.stringify(afterLzaRule(custom).EventPattern)).toContain(':Acme-Pipeline');
  });

  it('tells an encrypted SNS topic about failures', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ detail: { state: ['FAILED'] } }),
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^Failures') } })],
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('keeps artifacts in an encrypted, versioned, TLS-only bucket with access logging', () => {
    const artifacts = logicalIdOf(template, 'AWS::S3::Bucket', (p) => Boolean(p.LoggingConfiguration));
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() },
          }),
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: artifacts },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('expires each area of the state bucket as its layout table says, the snapshot history as set', () => {
    const rulesOf = (raw: Record<string, unknown>) => {
      const { template: synthesizedTemplate } = synthPipeline(raw, WITHOUT_BUNDLE);
      const artifacts = logicalIdOf(synthesizedTemplate, 'AWS::S3::Bucket', (p) =>
        Boolean(p.LoggingConfiguration),
      );
      return synthesizedTemplate.findResources('AWS::S3::Bucket')[artifacts]?.Properties
        .LifecycleConfiguration.Rules;
    };
    const expiring = Object.values(STATE_BUCKET_LAYOUT).filter((area) => 'expiresAfterDays' in area);
    expect(expiring.map((area) => area.prefix)).toEqual([
      'ai-optout/continuations/',
      'ai-optout/jobs/',
      'ai-optout/snapshots/history/',
    ]);
    const expected = (historyDays: number) => [
      ...expiring.map((area) => ({
        Id: area.lifecycleRuleId,
        Prefix: area.prefix,
        ExpirationInDays: area.prefix.endsWith('history/') ? historyDays : area.expiresAfterDays,
        Status: 'Enabled',
      })),
      { Id: 'OldArtifactVersions', NoncurrentVersionExpiration: { NoncurrentDays: 90 }, Status: 'Enabled' },
    ];
    expect(rulesOf({})).toEqual(expected(90));
    expect(rulesOf({ snapshotRetentionDays: 30 })).toEqual(expected(30));
  });
});

describe('PostLzaPipelineStack defaults (no props at all)', () => {
  const { template } = synthPipelineDefaults();
  const json = JSON.stringify(template.toJSON());
  const reconciler = logicalIdOf(template, 'AWS::Lambda::Function', (p) =>
    String(p.Description).includes('reconciles'),
  );
  const roleActions = actionsOf(statementsOfRole(template, reconcilerRoleId(template)));

  it('mode: audit, so the function may not write and refuses enforce', () => {
    expect(functionEnvironment(template, reconciler).AI_OPTOUT_MODE_CEILING).toBe('audit');
    expect(roleActions).not.toContain('organizations:CreatePolicy');
  });

  it('failOn: drift; verify: states; configPath: ai-optout.yaml', () => {
    expect(JSON.parse(userParametersAtRunTime(template))).toMatchObject({
      failOn: 'drift',
      verify: 'states',
      configPath: 'ai-optout.yaml',
    });
  });

  it('source: bundled, the config/ folder as an asset read by the BundledConfig action', () => {
    const source = pipelineStages(template)[0]?.Actions[0];
    expect(source?.Name).toBe('BundledConfig');
    expect(source?.ActionTypeId).toMatchObject({ Category: 'Source', Provider: 'S3' });
  });

  it('lza: prefix AWSAccelerator, pipeline installer: starts after AWSAccelerator-Pipeline succeeds', () => {
    expect(JSON.stringify(afterLzaRule(template).EventPattern)).toContain(':AWSAccelerator-Pipeline"');
  });

  it('managementRoleArn: none, so the function reads Organizations itself and Organizations events start runs', () => {
    expect(roleActions).toContain('organizations:ListRoots');
    expect(roleActions).not.toContain('sts:AssumeRole');
    expect(json).toContain('"source":["aws.organizations"]');
  });

  it('notificationEmail: none, so no subscription', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('functionTimeout: 14 minutes; snapshotRetention: 90 days', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 840 });
    expect(json).toContain('"ExpirationInDays":90,"Id":"SnapshotHistory"');
  });

  it('snapshotReaders: none; githubRepository: none, so no bucket statement and no GitHub role', () => {
    expect(json).not.toContain('ReadPublishedSnapshots');
    template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    expect(Object.keys(template.findOutputs('*'))).not.toContain('GitHubPullRequestRoleArn');
  });

  it('pullRequestChecks: none, so no CodeBuild project', () => {
    template.resourceCountIs('AWS::CodeBuild::Project', 0);
  });

  it('schedule: rate(1 day)', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(1 day)' });
  });

  it('securityHub: off; configRule: off', () => {
    expect(functionEnvironment(template, reconciler)).not.toHaveProperty('AI_OPTOUT_SECURITY_HUB');
    expect(roleActions.filter((a) => a.startsWith('securityhub:'))).toEqual([]);
    template.resourceCountIs('AWS::Config::ConfigRule', 0);
  });

  it('bedrockPolicies: off, so no role holds a grant of Bedrock policies or a Bedrock action', () => {
    expect(json).not.toMatch(/bedrock_policy|BEDROCK_POLICY|"bedrock:/);
  });

  it('are the -c settings defaults: `npx cdk deploy` with no settings deploys the same template', () => {
    expect(template.toJSON()).toEqual(synthPipeline({}, WITHOUT_BUNDLE).template.toJSON());
  });
});

describe('the deprecated settings prop', () => {
  it('still deploys what the typed props do (the README form of earlier releases)', () => {
    const raw = { configSource: 'lza-s3' };
    const viaSettings = synthesized('deprecated-settings-lza-s3', () => {
      const settings = validateSettings(raw);
      return new PostLzaPipelineStack(newApp(WITHOUT_BUNDLE), settings.stackName, { settings });
    });
    expect(viaSettings.template.toJSON()).toEqual(synthPipeline(raw, WITHOUT_BUNDLE).template.toJSON());
  });

  it('is refused together with typed props, naming them', () => {
    const app = new App({ context: CDK_CONTEXT });
    expect(
      () =>
        new PostLzaPipelineStack(app, 'Both', {
          settings: validateSettings({}),
          mode: 'enforce',
          description: 'a StackProps key may come with settings',
        }),
    ).toThrow(
      'PostLzaPipelineStack: give the typed props or the deprecated settings, not both (given with settings: mode)',
    );
  });
});

describe('PostLzaPipelineStack refuses props it cannot deploy, naming the prop and what to do', () => {
  const refusal = (props: PostLzaPipelineProps) => {
    try {
      new PostLzaPipelineStack(new App({ context: CDK_CONTEXT }), 'Refused', props);
    } catch (error) {
      return (error as Error).message;
    }
    return 'accepted';
  };

  it.each<[string, PostLzaPipelineProps, string]>([
    [
      'the container installer with a CodeCommit source',
      { lza: { installer: 'container' }, source: { kind: 'codecommit' } },
      "PostLzaPipelineStack: source kind codecommit: LZA's container installer keeps its configuration in S3 only: use lza-s3 (or bundled)",
    ],
    [
      'the container installer with an LZA pipeline name',
      { lza: { installer: 'container', pipelineName: 'X-Pipeline' }, source: { kind: 'lza-s3' } },
      "PostLzaPipelineStack: lza.pipelineName X-Pipeline: LZA's container installer runs no LZA pipeline (ai-optout follows the Automation document <prefix>-RunEngine): drop it",
    ],
    [
      'the Config rule with a management-account role',
      { configRule: true, managementRoleArn: 'arn:aws:iam::111122223333:role/ai-optout-audit' },
      'PostLzaPipelineStack: configRule runs in the management account only, and the management-account role trusts the reconciler alone: drop configRule, or deploy the pipeline in the management account without managementRoleArn',
    ],
    [
      'an unknown source kind (JavaScript callers)',
      { source: { kind: 'github' } as never },
      'PostLzaPipelineStack: source kind github is not one of bundled, lza-s3, codecommit, codeconnections',
    ],
    [
      'a CodeConnections source without its repository',
      { source: { kind: 'codeconnections', connectionArn: 'arn:aws:codeconnections:x' } as never },
      'PostLzaPipelineStack: the codeconnections source needs connectionArn, owner and repositoryName',
    ],
    [
      'a prefix LZA refuses',
      { lza: { prefix: 'awsome' } },
      'PostLzaPipelineStack: lza.prefix "awsome": LZA refuses a custom prefix that starts with aws or ssm',
    ],
    [
      'a qualifier that would blur role names',
      { lza: { qualifier: 'reconciler' } },
      'PostLzaPipelineStack: lza.qualifier "reconciler": must not contain "reconciler" (it would blur role names)',
    ],
    [
      'a schedule EventBridge Scheduler would refuse',
      { schedule: 'every day' },
      'PostLzaPipelineStack: schedule every day: use rate(<n> minutes|hours|days), cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>) or off',
    ],
    [
      'a snapshot reader that is not a principal ARN',
      { snapshotReaders: ['arn:aws:s3:::bucket'] },
      'PostLzaPipelineStack: snapshotReaders: arn:aws:s3:::bucket is not an IAM role, user or account-root ARN',
    ],
    [
      'pull-request checks without a CodeCommit repository',
      { pullRequestChecks: { kind: 'codecommit' } },
      'PostLzaPipelineStack: pullRequestChecks needs the CodeCommit repository: use the codecommit source, or give pullRequestChecks.repositoryName',
    ],
    [
      'a timeout over the Lambda limit',
      { functionTimeout: Duration.minutes(16) },
      'ReconcilerFunction: timeout cannot exceed 15 minutes (the Lambda limit)',
    ],
  ])('%s', (_name, props, message) => {
    expect(refusal(props)).toBe(message);
  });
});
