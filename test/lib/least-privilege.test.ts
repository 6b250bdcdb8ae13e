/**
 * What the stacks grant beyond the Organizations statements, read from the synthesized templates: the
 * reconciler bound to its one pipeline (the names it confirms jobs with, and a read of that pipeline's
 * action executions only), the Config rule's role without AWS's managed policy, the snapshot readers'
 * decryption limited to the snapshot objects, every service principal in a resource policy pinned to
 * its source, and the management-account role trusting one role ARN. cdk-nag and cfn-lint run over
 * the same configurations in template-checks.test.ts; the IAM simulation of these grants is in iam-simulation.test.ts.
 */
import {
  App,
  aws_codepipeline as codepipeline,
  aws_codepipeline_actions as cpactions,
  Stack,
  aws_s3 as s3,
} from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app.ts';
import { ManagementRoleStack } from '../../lib/management-role-stack.ts';
import { POLICY_WRITE_ACTIONS } from '../../lib/permissions.ts';
import { ReconcileStage } from '../../lib/reconcile-stage.ts';
import { ReconcilerFunction } from '../../lib/reconciler-function.ts';
import { withEnvironment } from '../support/process-env.ts';
import {
  CDK_CONTEXT,
  CONFIGURATIONS,
  CONTINUOUS_COMPLIANCE,
  newApp,
  synthPipeline,
  synthReleaseGatingExample,
} from './synth.ts';
import { actionsOf, logicalIdOf, reconcilerRoleId, statementsOfRole } from './template-queries.ts';

const WITHOUT_BUNDLE = { bundling: false };
const EVERY_OPT_IN = {
  ...CONTINUOUS_COMPLIANCE,
  configSource: 'lza-s3',
  snapshotReaders: ['arn:aws:iam::999988887777:role/reviewer'],
  githubRepository: 'acme/landing-zone-config',
};

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] }>;
const resourcesOf = (template: Template) => template.toJSON().Resources as Resources;

describe('the reconciler is bound to its pipeline by the reconcile stage', () => {
  const { template } = synthPipeline({}, WITHOUT_BUNDLE);

  it("is told the pipeline's name, artifact bucket and trigger variable", () => {
    const artifacts = logicalIdOf(template, 'AWS::S3::Bucket', (p) => Boolean(p.LoggingConfiguration));
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('reconciles'),
      Environment: {
        Variables: Match.objectLike({
          AI_OPTOUT_PIPELINE_NAME: 'ai-optout',
          AI_OPTOUT_ARTIFACT_BUCKET: { Ref: artifacts },
          AI_OPTOUT_TRIGGER_VARIABLE: 'trigger',
        }),
      },
    });
  });

  it("may read that pipeline's action executions and executions, and no other CodePipeline data", () => {
    const statements = statementsOfRole(template, reconcilerRoleId(template)).filter((s) =>
      actionsOf([s]).some((a) => a.startsWith('codepipeline:')),
    );
    expect(statements.map((s) => ({ Sid: s.Sid, Action: s.Action, Resource: s.Resource }))).toEqual([
      {
        Sid: 'ConfirmJobsOfOwnPipeline',
        Action: ['codepipeline:GetPipelineExecution', 'codepipeline:ListActionExecutions'],
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':codepipeline:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':ai-optout',
            ],
          ],
        },
      },
      // granted by aws-cdk-lib's invoke action; CodePipeline supports no resource for them
      expect.objectContaining({
        Action: ['codepipeline:PutJobFailureResult', 'codepipeline:PutJobSuccessResult'],
        Resource: '*',
      }),
    ]);
  });

  it('without a trigger variable, only ListActionExecutions (the release-gating example)', async () => {
    const example = synthReleaseGatingExample().template;
    const role = logicalIdOf(example, 'AWS::IAM::Role', (p) =>
      String(p.Description).startsWith('ai-optout reconciler'),
    );
    const confirm = statementsOfRole(example, role).find((s) => s.Sid === 'ConfirmJobsOfOwnPipeline');
    expect(confirm?.Action).toBe('codepipeline:ListActionExecutions');
    expect(JSON.stringify(confirm?.Resource)).toContain(':release"');
  });

  it('a pipeline without a pipelineName, or a second pipeline for the same function, is refused saying why', () => {
    const stack = new Stack(new App({ context: CDK_CONTEXT }), 'Unnamed');
    const reconciler = new ReconcilerFunction(stack, 'Reconciler', { mode: 'audit' });
    const pipelineWith = (id: string, name?: string) => {
      const pipeline = new codepipeline.Pipeline(stack, id, {
        pipelineType: codepipeline.PipelineType.V2,
        ...(name ? { pipelineName: name } : {}),
      });
      const input = new codepipeline.Artifact(`${id}Config`);
      const bucket = new s3.Bucket(stack, `${id}Source`);
      pipeline.addStage({
        stageName: 'Source',
        actions: [
          new cpactions.S3SourceAction({ actionName: 'Config', bucket, bucketKey: 'c.zip', output: input }),
        ],
      });
      return { pipeline, input };
    };
    const unnamed = pipelineWith('Unnamed');
    expect(() => new ReconcileStage(stack, 'A', { ...unnamed, reconciler })).toThrow(
      /^ReconcileStage: give the pipeline Unnamed\/Unnamed a pipelineName: the reconciler confirms every job with CodePipeline by its pipeline's name/,
    );
    new ReconcileStage(stack, 'B', { ...pipelineWith('First', 'first'), reconciler });
    expect(() => new ReconcileStage(stack, 'C', { ...pipelineWith('Second', 'second'), reconciler })).toThrow(
      /already serves the pipeline first \(trigger variable none\); a function accepts the jobs of one pipeline/,
    );
  });
});

describe('the Config rule function', () => {
  const { template } = synthPipeline({ configRule: true }, WITHOUT_BUNDLE);
  const fn = logicalIdOf(template, 'AWS::Lambda::Function', (p) =>
    String(p.Description).includes('AWS Config rule'),
  );
  const role = logicalIdOf(template, 'AWS::IAM::Role', (p) =>
    String(p.Description).startsWith('ai-optout Config rule'),
  );

  it('has no AWS managed policy, and of Config only config:PutEvaluations', () => {
    expect(resourcesOf(template)[role]?.Properties?.ManagedPolicyArns).toBeUndefined();
    expect(JSON.stringify(template.toJSON())).not.toContain('AWSConfigRulesExecutionRole');
    const configActions = actionsOf(statementsOfRole(template, role)).filter((a) => a.startsWith('config:'));
    expect(configActions).toEqual(['config:PutEvaluations']);
  });

  it("Config may invoke it for this account's rules only (SourceAccount and SourceArn), before the rule exists", () => {
    const permission = logicalIdOf(
      template,
      'AWS::Lambda::Permission',
      (p) => p.Principal === 'config.amazonaws.com',
    );
    expect(resourcesOf(template)[permission]?.Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] },
      Principal: 'config.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':config:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':config-rule/config-rule-*',
          ],
        ],
      },
    });
    const rule = logicalIdOf(template, 'AWS::Config::ConfigRule', () => true);
    expect(resourcesOf(template)[rule]?.DependsOn).toContain(permission);
  });
  it('with bedrockPolicies it reads Bedrock policies and guardrails as the audit reconciler does, and writes nothing, even in an enforce deployment', () => {
    const { template: bedrock } = synthPipeline(
      CONFIGURATIONS['enforce, Bedrock policies, Config rule'],
      WITHOUT_BUNDLE,
    );
    const configRole = logicalIdOf(bedrock, 'AWS::IAM::Role', (p) =>
      String(p.Description).startsWith('ai-optout Config rule'),
    );
    const statements = statementsOfRole(bedrock, configRole);
    const sids = statements.map((s) => s.Sid).filter((sid) => /Bedrock/.test(String(sid)));
    expect(sids).toEqual([
      'ListBedrockPolicies',
      'ReadBedrockPolicies',
      'ReadEffectiveBedrockPolicies',
      'ListInvalidEffectiveBedrockPolicies',
      'ReadBedrockGuardrails',
    ]);
    expect(actionsOf(statements).filter((a) => POLICY_WRITE_ACTIONS.includes(a))).toEqual([]);
    expect(JSON.stringify(statementsOfRole(template, role))).not.toMatch(/bedrock/i);
  });
});

describe('the snapshot readers decrypt the published snapshots only', () => {
  const { template } = synthPipeline(EVERY_OPT_IN, WITHOUT_BUNDLE);
  const bucket = logicalIdOf(template, 'AWS::S3::Bucket', (p) => Boolean(p.LoggingConfiguration));
  /** The snapshot objects' ARN pattern as CloudFormation joins it (adjacent literals merged). */
  const snapshots = (bucketName: string | object) => ({
    'Fn::Join': [
      '',
      typeof bucketName === 'string'
        ? ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${bucketName}/ai-optout/snapshots/*`]
        : ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', bucketName, '/ai-optout/snapshots/*'],
    ],
  });

  it("the key's policy: kms:Decrypt for the named readers through S3, under the snapshot objects' encryption context", () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'DecryptPublishedSnapshotsThroughS3',
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::999988887777:role/reviewer' },
            Action: 'kms:Decrypt',
            Resource: '*',
            Condition: {
              StringEquals: {
                'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
              },
              StringLike: { 'kms:EncryptionContext:aws:s3:arn': snapshots('*') },
            },
          },
        ]),
      },
    });
  });

  it("the GitHub pull-request role: kms:Decrypt under the context of this bucket's snapshots", () => {
    const role = logicalIdOf(template, 'AWS::IAM::Role', (p) =>
      String(p.Description).includes('pull-request workflows'),
    );
    const decrypt = statementsOfRole(template, role).find((s) => s.Sid === 'DecryptPublishedSnapshots');
    expect(decrypt?.Condition).toEqual({
      StringLike: { 'kms:EncryptionContext:aws:s3:arn': snapshots({ Ref: bucket }) },
    });
  });
});

describe('service principals in resource policies name their source', () => {
  const { template } = synthPipeline(EVERY_OPT_IN, WITHOUT_BUNDLE);

  /** Each statement of a key, topic, queue or bucket policy that trusts a service principal. */
  function serviceStatements(): {
    where: string;
    service: string;
    condition: Record<string, Record<string, unknown>>;
  }[] {
    const found = [];
    for (const [id, resource] of Object.entries(resourcesOf(template))) {
      const document = (resource.Properties?.KeyPolicy ?? resource.Properties?.PolicyDocument) as
        | {
            Statement: {
              Principal?: { Service?: string };
              Condition?: Record<string, Record<string, unknown>>;
            }[];
          }
        | undefined;
      if (!document || resource.Type === 'AWS::IAM::Policy') continue;
      for (const statement of document.Statement)
        if (statement.Principal?.Service)
          found.push({
            where: `${resource.Type} ${id}`,
            service: statement.Principal.Service,
            condition: statement.Condition ?? {},
          });
    }
    return found;
  }

  it('every one carries aws:SourceArn or aws:SourceAccount', () => {
    const statements = serviceStatements();
    expect(statements.map((s) => s.service).sort()).toEqual([
      'cloudwatch.amazonaws.com',
      'cloudwatch.amazonaws.com',
      'events.amazonaws.com',
      'logging.s3.amazonaws.com',
    ]);
    for (const { where, condition } of statements) {
      const keys = Object.values(condition).flatMap((c) => Object.keys(c));
      expect(keys, where).toEqual(
        expect.arrayContaining([expect.stringMatching(/^aws:Source(Arn|Account)$/)]),
      );
    }
  });

  it('no key or topic policy trusts EventBridge: failures are published through a role only the failure rule may assume', () => {
    expect(
      serviceStatements()
        .filter((s) => s.service === 'events.amazonaws.com')
        .map((s) => s.where),
    ).toEqual([expect.stringMatching(/^AWS::SQS::QueuePolicy /)]);
    const notifier = logicalIdOf(template, 'AWS::IAM::Role', (p) =>
      String(p.Description).includes('failure topic'),
    );
    expect(resourcesOf(template)[notifier]?.Properties?.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            ArnEquals: {
              'aws:SourceArn': {
                'Fn::Join': [
                  '',
                  [
                    'arn:',
                    { Ref: 'AWS::Partition' },
                    ':events:',
                    { Ref: 'AWS::Region' },
                    ':',
                    { Ref: 'AWS::AccountId' },
                    ':rule/ai-optout-failed',
                  ],
                ],
              },
            },
          },
        },
      ],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'ai-optout-failed',
      Targets: [Match.objectLike({ RoleArn: { 'Fn::GetAtt': [notifier, 'Arn'] } })],
    });
  });

  it('every Lambda permission for a service names its source', () => {
    const permissions = Object.values(resourcesOf(template)).filter(
      (r) => r.Type === 'AWS::Lambda::Permission',
    );
    expect(permissions.length).toBeGreaterThan(0);
    for (const { Properties: p } of permissions)
      expect(p?.SourceArn ?? p?.SourceAccount, JSON.stringify(p?.Principal)).toBeDefined();
  });
});

describe('the management-account role trusts one role', () => {
  const trustOf = (template: Template) =>
    Object.values(resourcesOf(template)).find((r) => r.Type === 'AWS::IAM::Role')?.Properties
      ?.AssumeRolePolicyDocument;

  it('the exact reconciler role of the pipeline account and region, as aws:PrincipalArn', () => {
    const stack = new ManagementRoleStack(newApp(), 'Role', {
      mode: 'enforce',
      pipelineAccountId: '444455556666',
      pipelineRegion: 'eu-west-1',
    });
    expect(trustOf(Template.fromStack(stack))).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: {
            AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::444455556666:root']] },
          },
          Condition: {
            ArnEquals: {
              'aws:PrincipalArn': {
                'Fn::Join': [
                  '',
                  [
                    'arn:',
                    { Ref: 'AWS::Partition' },
                    ':iam::444455556666:role/ai-optout-reconciler-eu-west-1',
                  ],
                ],
              },
            },
          },
        },
      ],
    });
    expect(
      () =>
        new ManagementRoleStack(newApp(), 'Bad', {
          mode: 'audit',
          pipelineAccountId: '444455556666',
          pipelineRegion: 'eu-west-*',
        }),
    ).toThrow('ManagementRoleStack: pipelineRegion must be a region such as eu-west-1, not eu-west-*');
  });

  it("the app passes the region it deploys the pipeline to (the reconciler role's name ends with it)", async () => {
    const context = {
      ...CDK_CONTEXT,
      managementAccountId: '111122223333',
      pipelineAccountId: '444455556666',
      mode: 'enforce',
    };
    const { app } = await withEnvironment(
      { CDK_DEFAULT_REGION: 'ap-southeast-2', CDK_DEFAULT_ACCOUNT: '444455556666' },
      async () => buildApp(new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } })),
    );
    const roleStack = app.node.findChild('AiOptOutPipeline-ManagementRole') as Stack;
    expect(JSON.stringify(trustOf(Template.fromStack(roleStack)))).toContain(
      ':iam::444455556666:role/ai-optout-reconciler-ap-southeast-2"',
    );
  });

  it.each([
    [false, []],
    [true, ['WriteBedrockPolicies', 'ReadBedrockGuardrails']],
  ] as const)(
    'the app gives the management-account role the Bedrock grants exactly when -c bedrockPolicies=true (%s)',
    (bedrockPolicies, sids) => {
      const context = {
        ...CDK_CONTEXT,
        managementAccountId: '111122223333',
        pipelineAccountId: '444455556666',
        mode: 'enforce',
        bedrockPolicies: String(bedrockPolicies),
        'aws:cdk:bundling-stacks': [],
      };
      const { app } = buildApp(new App({ context }));
      const roleStack = app.node.findChild('AiOptOutPipeline-ManagementRole') as Stack;
      const found = JSON.stringify(Template.fromStack(roleStack).toJSON()).match(/"Sid":"\w*Bedrock\w*"/g);
      expect((found ?? []).filter((sid) => sids.some((s) => sid === `"Sid":"${s}"`))).toHaveLength(
        sids.length,
      );
      expect(found !== null).toBe(bedrockPolicies);
    },
  );
});
