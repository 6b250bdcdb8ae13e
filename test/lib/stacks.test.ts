import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack, aws_s3 as s3 } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { FAIL_ON, MODES, VERIFY_SCOPES } from '../../lambdas/domain/contract.ts';
import { parseUserParameters } from '../../lambdas/pipeline-job/parameters.ts';
import { OrganizationsEventForwarderStack } from '../../lib/organizations-event-forwarder-stack.ts';
import { HIERARCHY_READ_ACTIONS, POLICY_READ_ACTIONS, POLICY_WRITE_ACTIONS } from '../../lib/permissions.ts';
import { ReconcilerFunction } from '../../lib/reconciler-function.ts';
import { resolveSettings, SettingsError, validateSettings } from '../../lib/settings.ts';
import {
  actionsOf,
  CDK_CONTEXT,
  CONTINUOUS_COMPLIANCE,
  logicalIdOf,
  nagFindings,
  newApp,
  reconcilerRoleId,
  statementsOfRole,
  synthManagementRole,
  synthPipeline,
} from './synth.ts';

const POLICY_TYPE = { StringEquals: { 'organizations:PolicyType': 'AISERVICES_OPT_OUT_POLICY' } };
const ORGANIZATIONS_WRITES = [
  ...POLICY_WRITE_ACTIONS,
  'organizations:UntagResource',
  'organizations:DisablePolicyType',
  'organizations:*',
];

const CONFIGURATIONS: Record<string, Record<string, unknown>> = {
  'audit, bundled (default)': {},
  'enforce, bundled': { mode: 'enforce' },
  'audit, lza-s3': { configSource: 'lza-s3' },
  'enforce, lza-s3 with a customer key': {
    mode: 'enforce',
    configSource: 'lza-s3',
    lzaConfigKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  },
  'audit, codecommit (repository derived)': { configSource: 'codecommit' },
  'audit, lza-s3, prefix ACME': { configSource: 'lza-s3', lzaPrefix: 'ACME' },
  'enforce, lza-s3, qualifier blue, management-account role': {
    mode: 'enforce',
    configSource: 'lza-s3',
    lzaQualifier: 'blue',
    managementAccountId: '111122223333',
    pipelineAccountId: '444455556666',
  },
  'enforce, lza-s3, qualifier green, management-account role': {
    mode: 'enforce',
    configSource: 'lza-s3',
    lzaQualifier: 'green',
    managementAccountId: '111122223333',
    pipelineAccountId: '444455556666',
  },
  'audit, container installer, lza-s3': { lzaInstaller: 'container', configSource: 'lza-s3' },
  'audit, codeconnections': {
    configSource: 'codeconnections',
    connectionArn: 'arn:aws:codeconnections:us-east-1:111122223333:connection/0a1b2c3d-4e5f',
    repositoryOwner: 'example',
    repositoryName: 'aws-accelerator-config',
  },
  'enforce, management-account role': {
    mode: 'enforce',
    managementAccountId: '111122223333',
    pipelineAccountId: '444455556666',
  },
  'audit, codecommit, pull-request checks': { configSource: 'codecommit', pullRequestChecks: 'codecommit' },
  'audit, snapshot readers and a GitHub OIDC role (provider created)': {
    snapshotReaders: ['arn:aws:iam::444455556666:role/reviewers'],
    githubRepository: 'octo-org/octo-repo',
    createGithubOidcProvider: true,
  },
};

describe('the reconciler function', () => {
  const { template } = synthPipeline();

  it('runs the bundled handler on nodejs24.x, arm64, one at a time, with no async retries', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 840,
      ReservedConcurrentExecutions: 1,
      Environment: {
        Variables: Match.objectLike({
          AI_OPTOUT_MODE_CEILING: 'audit',
          AI_OPTOUT_STATE_BUCKET: Match.anyValue(),
        }),
      },
      LoggingConfig: { LogGroup: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  it('audit: the role reads the hierarchy and AI opt-out policies, and writes nothing to Organizations', () => {
    const statements = statementsOfRole(template, reconcilerRoleId(template));
    const organizations = statements.filter((s) =>
      actionsOf([s]).some((a) => a.startsWith('organizations:')),
    );
    expect(organizations.map((s) => s.Sid)).toEqual([
      'ReadOrganizationHierarchy',
      'ListAiOptOutPolicies',
      'ReadAiOptOutPolicies',
      'ReadEffectiveAiOptOutPolicies',
      'ListInvalidEffectiveAiOptOutPolicies',
    ]);
    for (const sid of ['ReadEffectiveAiOptOutPolicies', 'ListInvalidEffectiveAiOptOutPolicies']) {
      expect(organizations.find((s) => s.Sid === sid)?.Condition, sid).toEqual(POLICY_TYPE);
    }
    expect(actionsOf(organizations).sort()).toEqual(
      [...HIERARCHY_READ_ACTIONS, ...POLICY_READ_ACTIONS].sort(),
    );
    expect(organizations.find((s) => s.Sid === 'ListAiOptOutPolicies')?.Condition).toEqual(POLICY_TYPE);
    expect(JSON.stringify(organizations.find((s) => s.Sid === 'ReadAiOptOutPolicies')?.Resource)).toContain(
      ':policy/o-*/aiservices_opt_out_policy/*',
    );
    const everyAction = Object.values(
      template.toJSON().Resources as Record<string, { Properties?: unknown }>,
    ).flatMap((r) => JSON.stringify(r.Properties ?? {}).match(/organizations:[A-Za-z*]+/g) ?? []);
    expect(everyAction.length).toBeGreaterThan(0);
    for (const write of ORGANIZATIONS_WRITES) expect(everyAction).not.toContain(write);
  });

  it('enforce: every Organizations write names AI opt-out policies, by policy ARN or by the PolicyType condition', () => {
    const { template: enforce } = synthPipeline({ mode: 'enforce' });
    enforce.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ AI_OPTOUT_MODE_CEILING: 'enforce' }) },
    });
    const statements = statementsOfRole(enforce, reconcilerRoleId(enforce));
    const writes = statements.filter((s) => actionsOf([s]).some((a) => POLICY_WRITE_ACTIONS.includes(a)));
    expect(new Set(actionsOf(writes))).toEqual(new Set(POLICY_WRITE_ACTIONS));
    for (const write of writes) {
      const byArn = JSON.stringify(write.Resource).includes(':policy/o-*/aiservices_opt_out_policy/*"');
      expect(byArn || JSON.stringify(write.Condition) === JSON.stringify(POLICY_TYPE), write.Sid).toBe(true);
      expect(write.Resource, write.Sid).not.toBe('*');
    }
    const unconditioned = statements.filter(
      (s) => !s.Condition && s.Resource === '*' && actionsOf([s]).some((a) => a.startsWith('organizations:')),
    );
    expect(actionsOf(unconditioned).sort()).toEqual([...HIERARCHY_READ_ACTIONS].sort());
  });

  it('with a management-account role the function can only assume it', () => {
    const { template: delegated } = synthPipeline(
      CONFIGURATIONS['enforce, management-account role'] as Record<string, unknown>,
    );
    const statements = statementsOfRole(delegated, reconcilerRoleId(delegated));
    expect(actionsOf(statements).filter((a) => a.startsWith('organizations:'))).toEqual([]);
    const assume = statements.filter((s) => actionsOf([s]).includes('sts:AssumeRole'));
    expect(assume).toHaveLength(1);
    expect(JSON.stringify(assume[0]?.Resource)).toContain(':iam::111122223333:role/ai-optout-enforce');
  });

  it('the management-account role trusts only the reconciler role of the pipeline account', () => {
    const { template: role } = synthManagementRole('audit');
    role.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'ai-optout-audit',
      MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { AWS: Match.anyValue() },
            Condition: { ArnEquals: { 'aws:PrincipalArn': Match.anyValue() } },
          }),
        ],
      },
    });
    const json = JSON.stringify(role.toJSON());
    expect(json).toContain('444455556666');
    expect(json).toContain('role/ai-optout-reconciler-",{"Ref":"AWS::Region"}');
    expect(json).not.toContain('reconciler-*');
    for (const write of POLICY_WRITE_ACTIONS) expect(json).not.toContain(`"${write}"`);
  });

  it('validates its props early', () => {
    const stack = new Stack(new App({ context: CDK_CONTEXT }), 'Bad');
    expect(() => new ReconcilerFunction(stack, 'A', { mode: 'admin' as 'audit' })).toThrow(
      'mode must be audit or enforce, not admin',
    );
    expect(() => new ReconcilerFunction(stack, 'B', { mode: 'audit', managementRoleArn: 'role/x' })).toThrow(
      'is not an IAM role ARN',
    );
  });
});

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

  it('passes the contract parameters to the function', () => {
    const pipeline = Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0];
    const action = pipeline?.Properties.Stages[1].Actions[0];
    expect(JSON.parse(action.Configuration.UserParameters)).toEqual({
      configPath: 'ai-optout.yaml',
      mode: 'audit',
      failOn: 'drift',
      verify: 'states',
      pipelineExecutionId: '#{codepipeline.PipelineExecutionId}',
    });
    const { template: timed } = synthPipeline({ functionTimeoutMinutes: 10, failOn: 'never' });
    timed.hasResourceProperties('AWS::Lambda::Function', { Timeout: 600 });
  });

  it('passes UserParameters the function accepts, for every mode and failOn', () => {
    const pairs = MODES.flatMap((mode) => FAIL_ON.map((failOn) => ({ mode, failOn })));
    expect(pairs).toHaveLength(6);
    for (const { mode, failOn } of pairs) {
      const { template: synthesized } = synthPipeline({ mode, failOn }, { bundling: false });
      const pipeline = Object.values(synthesized.findResources('AWS::CodePipeline::Pipeline'))[0];
      const raw = resolvedAtRunTime(pipeline?.Properties.Stages[1].Actions[0].Configuration.UserParameters);
      expect(parseUserParameters(raw)).toMatchObject({
        mode,
        failOn,
        verify: 'states',
        configPath: 'ai-optout.yaml',
      });
    }
  });

  it('passes the verify setting to the job, and refuses a scope it does not know', () => {
    for (const verify of VERIFY_SCOPES) {
      const { template: synthesized } = synthPipeline({ verify }, { bundling: false });
      const pipeline = Object.values(synthesized.findResources('AWS::CodePipeline::Pipeline'))[0];
      const raw = resolvedAtRunTime(pipeline?.Properties.Stages[1].Actions[0].Configuration.UserParameters);
      expect(parseUserParameters(raw).verify).toBe(verify);
    }
    expect(() => synthPipeline({ verify: 'some' }, { bundling: false })).toThrow(
      /verify: "some" is not allowed; use one of states, all, none/,
    );
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
    const custom = synthPipeline({ lzaPipelineName: 'Acme-Pipeline' }).template;
    expect(JSON.stringify(custom.toJSON())).toContain(':Acme-Pipeline');
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

  it('reads the LZA S3 configuration zip, the CodeCommit branch or the CodeConnections repository without triggers', () => {
    const lza = synthPipeline({ configSource: 'lza-s3' }).template;
    lza.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Stages: Match.arrayWith([
        Match.objectLike({
          Name: 'Source',
          Actions: [
            Match.objectLike({
              Configuration: {
                S3Bucket: Match.anyValue(),
                S3ObjectKey: 'zipped/aws-accelerator-config.zip',
                PollForSourceChanges: false,
              },
            }),
          ],
        }),
      ]),
    });
    expect(JSON.stringify(lza.toJSON())).toContain('aws-accelerator-config-');

    const codecommit = synthPipeline(
      CONFIGURATIONS['audit, codecommit (repository derived)'] as Record<string, unknown>,
    ).template;
    codecommit.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Stages: Match.arrayWith([
        Match.objectLike({
          Actions: [
            Match.objectLike({
              Configuration: {
                RepositoryName: 'aws-accelerator-config',
                BranchName: 'main',
                PollForSourceChanges: false,
              },
            }),
          ],
        }),
      ]),
    });
    // after LZA, on failure, and on Organizations events
    expect(Object.keys(codecommit.findResources('AWS::Events::Rule')).length).toBe(3);

    const connections = synthPipeline(
      CONFIGURATIONS['audit, codeconnections'] as Record<string, unknown>,
    ).template;
    connections.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Stages: Match.arrayWith([
        Match.objectLike({
          Actions: [
            Match.objectLike({
              Configuration: Match.objectLike({
                FullRepositoryId: 'example/aws-accelerator-config',
                DetectChanges: false,
              }),
            }),
          ],
        }),
      ]),
    });
  }, 120_000); // three bundled synths (three functions each): slow on a loaded machine
});

/** The first statement of any IAM policy in the template that allows `action`, with the roles it is attached to. */
/** UserParameters as the function receives them: CodePipeline resolves #{codepipeline.PipelineExecutionId}. */
function resolvedAtRunTime(userParameters: string): string {
  return userParameters.replace(
    '#{codepipeline.PipelineExecutionId}',
    '5c4a1f2e-8d3b-4e6a-9f70-1b2c3d4e5f60',
  );
}

function statementsAllowing(template: Template, action: string): { roles: unknown; resource: unknown }[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
      .filter((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).includes(action))
      .map((s) => ({ roles: policy.Properties.Roles, resource: s.Resource })),
  );
}

/**
 * The custom resource that reads SSM parameter `name` at deploy time (with a role allowed
 * ssm:GetParameter on that parameter only); returns the token of the value it reads.
 */
function ssmParameterReading(template: Template, name: string): unknown {
  const readers = Object.entries(template.findResources('Custom::LzaInstallerKeyArn')).filter(
    ([, r]) => JSON.parse(r.Properties.Create).parameters.Name === name,
  );
  expect(readers, `a custom resource reading ${name}`).toHaveLength(1);
  const [id, reader] = readers[0] as [string, { Properties: { Create: string; Update: string } }];
  for (const call of [reader.Properties.Create, reader.Properties.Update])
    expect(JSON.parse(call)).toMatchObject({ service: 'SSM', action: 'GetParameter' });
  const grants = statementsAllowing(template, 'ssm:GetParameter');
  expect(grants.map((g) => JSON.stringify(g.resource))).toEqual([
    JSON.stringify({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':ssm:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          `:parameter${name}`,
        ],
      ],
    }),
  ]);
  return { 'Fn::GetAtt': [id, 'Parameter.Value'] };
}

function sourceConfiguration(template: Template): Record<string, unknown> {
  const pipeline = Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0];
  return pipeline?.Properties.Stages[0].Actions[0].Configuration;
}

function afterLzaRule(template: Template): {
  EventPattern: Record<string, unknown>;
  Targets: { Arn: unknown }[];
} {
  const rules = Object.entries(template.findResources('AWS::Events::Rule')).filter(([id]) =>
    id.includes('AfterLzaSucceeded'),
  );
  expect(rules).toHaveLength(1);
  return (rules[0] as [string, { Properties: never }])[1].Properties;
}

/**
 * Every physical name a template sets: top-level properties named `…Name` (RoleName, the pipeline's
 * Name, FunctionName, TopicName, BucketName, LogGroupName, …) whose value is a name rather than a
 * reference to another resource of the stack (a Ref or GetAtt, alone or joined into the name, such as a
 * log group named after its function); PolicyName (an inline policy's name, unique only within its
 * role) and DisplayName (a label) name nothing account-wide. Names CloudFormation generates start with
 * the stack name, which is compared too.
 */
function physicalNames(template: Template, stackName: string): string[] {
  const names = [`stack ${stackName}`];
  const resources = template.toJSON().Resources as Record<
    string,
    { Type: string; Properties?: Record<string, unknown> }
  >;
  const ownReference = new RegExp(`\\{"(Ref|Fn::GetAtt)":\\[?"(${Object.keys(resources).join('|')})"`);
  for (const resource of Object.values(resources)) {
    for (const [key, value] of Object.entries(resource.Properties ?? {})) {
      // MetricName names a metric to read (the reconciler's own, told apart by its FunctionName dimension).
      if (!key.endsWith('Name') || ['PolicyName', 'DisplayName', 'MetricName'].includes(key)) continue;
      if (ownReference.test(JSON.stringify(value))) continue;
      names.push(`${resource.Type}.${key} ${JSON.stringify(value)}`);
    }
  }
  return names;
}

describe('LZA installs: names derived as LZA derives them', () => {
  it('lza-s3 reads the installer key ARN from /accelerator/installer/kms/key-arn at deploy time and grants kms:Decrypt on it to the source action only', () => {
    const { template } = synthPipeline({ configSource: 'lza-s3' });
    const keyArn = ssmParameterReading(template, '/accelerator/installer/kms/key-arn');
    const decrypts = statementsAllowing(template, 'kms:Decrypt').filter(
      (s) => JSON.stringify(s.resource) === JSON.stringify(keyArn),
    );
    expect(decrypts).toHaveLength(1);
    expect(JSON.stringify(decrypts[0]?.roles)).toMatch(/PipelineSourceLzaConfigCodePipelineActionRole/);
    expect(sourceConfiguration(template)).toMatchObject({
      S3Bucket: {
        'Fn::Join': ['', ['aws-accelerator-config-', { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }]],
      },
      S3ObjectKey: 'zipped/aws-accelerator-config.zip',
    });
  });

  it('an explicit lzaConfigKeyArn wins: no SSM parameter, kms:Decrypt on that key', () => {
    const raw = CONFIGURATIONS['enforce, lza-s3 with a customer key'] as Record<string, unknown>;
    const { template } = synthPipeline(raw);
    expect(template.findResources('Custom::LzaInstallerKeyArn')).toEqual({});
    expect(JSON.stringify(template.toJSON())).not.toContain('installer/kms/key-arn');
    expect(statementsAllowing(template, 'kms:Decrypt').map((s) => s.resource)).toContainEqual(
      raw.lzaConfigKeyArn,
    );
  });

  it('-c lzaPrefix=ACME: ACME-Pipeline, acme-config-<account>-<region>, /ACME/installer/kms/key-arn', () => {
    const { template } = synthPipeline(
      CONFIGURATIONS['audit, lza-s3, prefix ACME'] as Record<string, unknown>,
    );
    ssmParameterReading(template, '/ACME/installer/kms/key-arn');
    expect(JSON.stringify(sourceConfiguration(template).S3Bucket)).toContain('"acme-config-"');
    expect(JSON.stringify(afterLzaRule(template).EventPattern.resources)).toContain(':ACME-Pipeline"');
    expect(JSON.stringify(statementsAllowing(template, 'codepipeline:ListActionExecutions'))).toContain(
      ':ACME-Pipeline"',
    );
  });

  it('-c lzaQualifier=blue: blue-pipeline, blue-config-…, /accelerator/blue/installer/kms/key-arn, and every name of ours carries blue', () => {
    const raw = CONFIGURATIONS['enforce, lza-s3, qualifier blue, management-account role'] as Record<
      string,
      unknown
    >;
    const { template, settings } = synthPipeline(raw);
    ssmParameterReading(template, '/accelerator/blue/installer/kms/key-arn');
    expect(JSON.stringify(sourceConfiguration(template).S3Bucket)).toContain('"blue-config-"');
    expect(JSON.stringify(afterLzaRule(template).EventPattern.resources)).toContain(':blue-pipeline"');
    expect(settings.stackName).toBe('AiOptOutPipeline-blue');
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', { Name: 'ai-optout-blue' });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: { 'Fn::Join': ['', ['ai-optout-blue-reconciler-', { Ref: 'AWS::Region' }]] },
    });
    expect(JSON.stringify(template.toJSON())).toContain(':iam::111122223333:role/ai-optout-blue-enforce"');
    const role = synthManagementRole('enforce', 'blue').template;
    role.hasResourceProperties('AWS::IAM::Role', { RoleName: 'ai-optout-blue-enforce' });
    expect(JSON.stringify(role.toJSON())).toContain('role/ai-optout-blue-reconciler-",{"Ref":"AWS::Region"}');
  });

  it('two qualifiers in one account: the two stacks (and their management roles) share no physical name', () => {
    const of = (qualifier: string) => {
      const { template, settings } = synthPipeline({
        ...CONFIGURATIONS['enforce, lza-s3, qualifier blue, management-account role'],
        lzaQualifier: qualifier,
      });
      const role = synthManagementRole('enforce', qualifier);
      return [
        ...physicalNames(template, settings.stackName),
        ...physicalNames(role.template, `${settings.stackName}-ManagementRole`),
      ];
    };
    const blue = of('blue');
    const green = of('green');
    expect(blue.length).toBeGreaterThanOrEqual(5);
    expect(blue.filter((name) => green.includes(name))).toEqual([]);
    expect(blue.filter((name) => !name.includes('blue'))).toEqual([]);
  });

  it('codecommit needs no repositoryName: aws-accelerator-config, <prefix>-config, <qualifier>-config', () => {
    const { template } = synthPipeline(
      CONFIGURATIONS['audit, codecommit (repository derived)'] as Record<string, unknown>,
    );
    expect(sourceConfiguration(template).RepositoryName).toBe('aws-accelerator-config');
    const derived = (raw: Record<string, unknown>) =>
      validateSettings({ configSource: 'codecommit', ...raw }).repositoryName;
    expect(derived({ lzaPrefix: 'ACME' })).toBe('ACME-config');
    expect(derived({ lzaPrefix: 'ACME', lzaQualifier: 'green' })).toBe('green-config');
    expect(derived({ lzaQualifier: 'green', repositoryName: 'mine' })).toBe('mine');
    expect(validateSettings({ configSource: 'lza-s3' }).repositoryName).toBeUndefined();
  });

  it('explicit names win over the derived ones', () => {
    const settings = validateSettings({
      lzaPrefix: 'ACME',
      lzaQualifier: 'blue',
      lzaPipelineName: 'My-Pipeline',
      lzaConfigKey: 'mine.zip',
      stackName: 'Mine',
    });
    expect(settings).toMatchObject({
      lzaPipelineName: 'My-Pipeline',
      lzaConfigKey: 'mine.zip',
      stackName: 'Mine',
    });
  });

  it('refuses a prefix or qualifier LZA would refuse, or one that would blur our role names', () => {
    expect(() => validateSettings({ lzaPrefix: 'awsome' })).toThrow(
      'lzaPrefix: "awsome": LZA refuses a custom prefix that starts with aws or ssm',
    );
    expect(() => validateSettings({ lzaQualifier: 'Blue' })).toThrow(
      /lzaQualifier: LZA allows 3 to 63 lower-case letters/,
    );
    expect(() => validateSettings({ lzaQualifier: 'q'.repeat(29) })).toThrow(
      /lzaQualifier: at most 28 characters/,
    );
    expect(() => validateSettings({ lzaQualifier: 'reconciler' })).toThrow(/must not contain "reconciler"/);
    expect(validateSettings({ lzaPrefix: 'awsaccelerator' }).lzaPipelineName).toBe('AWSAccelerator-Pipeline');
  });
});

describe('LZA installs: which run starts ours', () => {
  it('pipeline installer with an LZA source: the starter function, allowed to read the LZA execution and start ours only', () => {
    const { template } = synthPipeline({ configSource: 'lza-s3' });
    const starter = logicalIdOf(template, 'AWS::Lambda::Function', (p) =>
      JSON.stringify(p.Environment ?? {}).includes('AI_OPTOUT_LZA_PIPELINE'),
    );
    expect(JSON.stringify(afterLzaRule(template).Targets[0]?.Arn)).toContain(starter);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Environment: {
        Variables: Match.objectLike({
          AI_OPTOUT_LZA_PIPELINE: 'AWSAccelerator-Pipeline',
          AI_OPTOUT_LZA_ACTION: 'Configuration',
          AI_OPTOUT_SOURCE_ACTION: 'LzaConfig',
          AI_OPTOUT_REVISION_TYPE: 'S3_OBJECT_VERSION_ID',
        }),
      },
    });
    const functions = template.findResources('AWS::Lambda::Function');
    const role = (functions[starter]?.Properties.Role as { 'Fn::GetAtt': string[] } | undefined)?.[
      'Fn::GetAtt'
    ][0];
    expect(role).toMatch(/^StarterRole/);
    const codepipelineStatements = statementsOfRole(template, role as string).filter((s) =>
      actionsOf([s]).some((a) => a.startsWith('codepipeline:')),
    );
    expect(codepipelineStatements.map((s) => [s.Action, JSON.stringify(s.Resource)])).toEqual([
      [
        [
          'codepipeline:GetPipelineExecution',
          'codepipeline:ListActionExecutions',
          'codepipeline:ListPipelineExecutions',
        ],
        expect.stringContaining(':AWSAccelerator-Pipeline"'),
      ],
      ['codepipeline:StartPipelineExecution', expect.stringContaining('{"Ref":"PipelineC660917D"}')],
    ]);
  });

  it('bundled source: no revision to pass, so the rule starts the pipeline itself', () => {
    const { template } = synthPipeline();
    expect(afterLzaRule(template).Targets[0]?.Arn).toMatchObject({ 'Fn::Join': expect.anything() });
    expect(JSON.stringify(template.toJSON())).not.toContain('AI_OPTOUT_LZA_PIPELINE');
  });

  it('-c lzaInstaller=container: starts after the SSM Automation execution of AWSAccelerator-RunEngine succeeds, reading lza/aws-accelerator-config.zip', () => {
    const { template } = synthPipeline(
      CONFIGURATIONS['audit, container installer, lza-s3'] as Record<string, unknown>,
    );
    const rule = afterLzaRule(template);
    expect(rule.EventPattern).toEqual({
      source: ['aws.ssm'],
      'detail-type': ['EC2 Automation Execution Status-change Notification'],
      detail: { Definition: ['AWSAccelerator-RunEngine'], Status: ['Success'] },
    });
    expect(rule.Targets[0]?.Arn).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':codepipeline:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':',
          { Ref: 'PipelineC660917D' },
        ],
      ],
    });
    expect(sourceConfiguration(template).S3ObjectKey).toBe('lza/aws-accelerator-config.zip');
    ssmParameterReading(template, '/accelerator/installer/kms/key-arn');
    const blue = synthPipeline({
      lzaInstaller: 'container',
      configSource: 'lza-s3',
      lzaQualifier: 'blue',
    }).template;
    expect(afterLzaRule(blue).EventPattern.detail).toEqual({
      Definition: ['blue-RunEngine'],
      Status: ['Success'],
    });
  });

  it('the container installer keeps its configuration in S3 and runs no pipeline: other sources and lzaPipelineName are refused', () => {
    expect(() => validateSettings({ lzaInstaller: 'container', configSource: 'codecommit' })).toThrow(
      "lzaInstaller container keeps LZA's configuration in S3 only: use configSource lza-s3 (or bundled), not codecommit",
    );
    expect(() => validateSettings({ lzaInstaller: 'container', lzaPipelineName: 'X-Pipeline' })).toThrow(
      /drop lzaPipelineName/,
    );
  });

  it('a misspelt -c setting fails naming the setting; cdk context keys (feature flags, aws:cdk:…) are not settings', () => {
    const context: Record<string, unknown> = { lzaprefix: 'ACME' };
    const cdkKeys = [
      '@aws-cdk/core:enablePartitionLiterals',
      'aws:cdk:enable-path-metadata',
      'aws:cdk:bundling-stacks',
      'acknowledged-issue-numbers',
    ];
    expect(() => resolveSettings((key) => context[key], ['lzaprefix', ...cdkKeys])).toThrow(
      /^invalid deployment settings: unknown setting lzaprefix \(did you mean `lzaPrefix`\?\); known settings: .*lzaPrefix, lzaQualifier, lzaInstaller/,
    );
    expect(resolveSettings(() => undefined, [...cdkKeys, 'settingsFile', 'mode']).mode).toBe('audit');
  });
});

describe('deployment settings', () => {
  it('reject an unknown source and name the allowed ones', () => {
    expect(() => validateSettings({ configSource: 'github' })).toThrow(
      'configSource: "github" is not allowed; use one of bundled, lza-s3, codecommit, codeconnections',
    );
  });

  it('reject an unknown setting, a missing repository and conflicting roles', () => {
    expect(() => validateSettings({ mdoe: 'enforce' })).toThrow(
      /unknown setting mdoe; known settings: mode, failOn/,
    );
    expect(() => validateSettings({ configSource: 'codeconnections', connectionArn: 'arn:x' })).toThrow(
      'configSource codeconnections needs connectionArn, repositoryOwner and repositoryName',
    );
    expect(() => validateSettings({ managementAccountId: '111122223333' })).toThrow(
      /needs pipelineAccountId/,
    );
    expect(() =>
      validateSettings({
        managementAccountId: '111122223333',
        pipelineAccountId: '444455556666',
        managementRoleArn: 'arn:aws:iam::111122223333:role/x',
      }),
    ).toThrow(/not both/);
  });

  it('read context strings and a settings file, context winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ai-optout-settings-'));
    try {
      const file = join(dir, 'deploy.json');
      writeFileSync(
        file,
        JSON.stringify({ mode: 'enforce', failOn: 'violations', functionTimeoutMinutes: 10 }),
      );
      const context: Record<string, unknown> = {
        settingsFile: file,
        failOn: 'never',
        functionTimeoutMinutes: '12',
      };
      const settings = resolveSettings((key) => context[key]);
      expect(settings).toMatchObject({
        mode: 'enforce',
        failOn: 'never',
        functionTimeoutMinutes: 12,
        configSource: 'bundled',
      });
      writeFileSync(file, '{ not json');
      expect(() => resolveSettings((key) => context[key])).toThrow(SettingsError);
      writeFileSync(file, JSON.stringify({ lzaprefix: 'ACME' }));
      expect(() => resolveSettings((key) => (key === 'settingsFile' ? file : undefined))).toThrow(
        /unknown setting lzaprefix \(did you mean `lzaPrefix`\?\)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('cdk-nag and cfn-lint', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'ai-optout-templates-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it.each(Object.entries(CONFIGURATIONS))('%s: no unacknowledged AwsSolutions finding', (_name, raw) => {
    const { stack } = synthPipeline(raw);
    expect(nagFindings(stack)).toEqual([]);
  });

  it('the management-account role stack has no unacknowledged finding', () => {
    expect(nagFindings(synthManagementRole('enforce').stack)).toEqual([]);
  });

  it('the checks do find problems (a non-compliant bucket is reported)', () => {
    const stack = new Stack(new App({ context: CDK_CONTEXT }), 'NonCompliant');
    new s3.Bucket(stack, 'Plain');
    const findings = nagFindings(stack);
    expect(findings).toContain('AwsSolutions-S1 @ NonCompliant/Plain/Resource');
    expect(findings).toContain('AwsSolutions-S10 @ NonCompliant/Plain/Resource');
  });

  it('cfn-lint reports nothing on any synthesized template', () => {
    const files = Object.entries(CONFIGURATIONS).map(([name, raw], i) => {
      const file = join(outDir, `pipeline-${i}.template.json`);
      writeFileSync(file, JSON.stringify(synthPipeline(raw).template.toJSON()));
      return { name, file };
    });
    for (const mode of ['audit', 'enforce'] as const) {
      const file = join(outDir, `management-${mode}.template.json`);
      writeFileSync(file, JSON.stringify(synthManagementRole(mode).template.toJSON()));
      files.push({ name: `management role ${mode}`, file });
    }
    const continuous = join(outDir, 'continuous-compliance.template.json');
    writeFileSync(
      continuous,
      JSON.stringify(synthPipeline(CONTINUOUS_COMPLIANCE, { bundling: false }).template.toJSON()),
    );
    files.push({ name: 'Security Hub, Config rule, hourly schedule', file: continuous });
    const forwarder = new OrganizationsEventForwarderStack(newApp({ bundling: false }), 'Forwarder', {
      env: { region: 'us-east-1' },
      destinationRegion: 'eu-west-1',
    });
    const forwarderFile = join(outDir, 'forwarder.template.json');
    writeFileSync(forwarderFile, JSON.stringify(Template.fromStack(forwarder).toJSON()));
    files.push({ name: 'Organizations event forwarder', file: forwarderFile });
    const config = fileURLToPath(new URL('../../.cfnlintrc.yaml', import.meta.url));
    let output = '';
    let status = 0;
    try {
      output = execFileSync(
        process.env.CFN_LINT ?? 'cfn-lint',
        ['--config-file', config, '--', ...files.map((f) => f.file)],
        {
          encoding: 'utf8',
        },
      );
    } catch (error) {
      status = (error as { status: number }).status;
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output.trim()).toBe('');
    expect(status).toBe(0);
    // cfn-lint is a Python process over every configuration's template: minutes on a loaded machine.
  }, 180_000);
});

describe('template snapshots (asset hashes scrubbed)', () => {
  function scrubbed(template: Template): unknown {
    const text = JSON.stringify(template.toJSON(), null, 2)
      .replace(/[0-9a-f]{64}(\.zip|\.json)?/g, '<asset-hash>$1')
      .replace(/"cdk-hnb659fds-[a-z-]+-\$\{AWS::AccountId\}-\$\{AWS::Region\}"/g, '"<bootstrap-bucket>"');
    return JSON.parse(text);
  }

  it('audit, bundled', () => {
    expect(scrubbed(synthPipeline().template)).toMatchSnapshot();
  });

  it('enforce, management-account role', () => {
    expect(
      scrubbed(
        synthPipeline(CONFIGURATIONS['enforce, management-account role'] as Record<string, unknown>).template,
      ),
    ).toMatchSnapshot();
    expect(scrubbed(synthManagementRole('enforce').template)).toMatchSnapshot();
  });
});

describe('npx cdk synth', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const out = mkdtempSync(join(tmpdir(), 'ai-optout-cdk-out-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it.each([
    ['default settings', []],
    ['-c mode=enforce', ['-c', 'mode=enforce']],
  ])(
    'works with no AWS credentials and no Docker: %s',
    (_name, args) => {
      const env = Object.fromEntries(
        Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && !key.startsWith('CDK_')),
      );
      const output = join(out, args.length === 0 ? 'default' : 'enforce');
      execFileSync('npx', ['cdk', 'synth', '--quiet', '--output', output, ...args], {
        cwd: root,
        env: { ...env, HOME: out },
        encoding: 'utf8',
        stdio: 'pipe',
      });
      const template = JSON.parse(readFileSync(join(output, 'AiOptOutPipeline.template.json'), 'utf8'));
      const text = JSON.stringify(template);
      expect(text).toContain('"Runtime":"nodejs24.x"');
      if (args.length === 0) expect(text).not.toContain('organizations:CreatePolicy');
      else expect(text).toContain('organizations:CreatePolicy');
    },
    120_000,
  );

  it('fails on a misspelt setting, naming the setting it meant: -c lzaprefix=ACME', () => {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && !key.startsWith('CDK_')),
    );
    let status = 0;
    let stderr = '';
    try {
      execFileSync(
        'npx',
        ['cdk', 'synth', '--quiet', '--output', join(out, 'typo'), '-c', 'lzaprefix=ACME'],
        {
          cwd: root,
          env: { ...env, HOME: out },
          encoding: 'utf8',
          stdio: 'pipe',
        },
      );
    } catch (error) {
      status = (error as { status: number }).status;
      stderr = String((error as { stderr?: string }).stderr);
    }
    expect(status).not.toBe(0);
    expect(stderr).toContain(
      'error: invalid deployment settings: unknown setting lzaprefix (did you mean `lzaPrefix`?)',
    );
  }, 120_000);
});
