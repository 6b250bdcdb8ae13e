/**
 * Following a Landing Zone Accelerator install: the names of LZA's pipeline, configuration bucket, key
 * parameter and repository derived as LZA derives them from its prefix, qualifier and installer; two
 * installs in one account deploying two stacks that share no name; and which run of LZA starts ours.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { validateSettings } from '../../lib/settings.ts';
import { CONFIGURATIONS, synthManagementRole, synthPipeline } from './synth.ts';
import {
  actionsOf,
  afterLzaRule,
  logicalIdOf,
  sourceConfiguration,
  statementsAllowing,
  statementsOfRole,
} from './template-queries.ts';

describe('LZA installs: names derived as LZA derives them', () => {
  it('lza-s3 reads the installer key ARN from /accelerator/installer/kms/key-arn at deploy time and grants kms:Decrypt on it to the source action only', () => {
    const { template } = synthPipeline(CONFIGURATIONS['audit, lza-s3']);
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
    const raw = CONFIGURATIONS['enforce, lza-s3 with a customer key'];
    const { template } = synthPipeline(raw);
    expect(template.findResources('Custom::LzaInstallerKeyArn')).toEqual({});
    expect(JSON.stringify(template.toJSON())).not.toContain('installer/kms/key-arn');
    expect(statementsAllowing(template, 'kms:Decrypt').map((s) => s.resource)).toContainEqual(
      raw.lzaConfigKeyArn,
    );
  });

  it('-c lzaPrefix=ACME: ACME-Pipeline, acme-config-<account>-<region>, /ACME/installer/kms/key-arn', () => {
    const { template } = synthPipeline(CONFIGURATIONS['audit, lza-s3, prefix ACME']);
    ssmParameterReading(template, '/ACME/installer/kms/key-arn');
    expect(JSON.stringify(sourceConfiguration(template).S3Bucket)).toContain('"acme-config-"');
    expect(JSON.stringify(afterLzaRule(template).EventPattern.resources)).toContain(':ACME-Pipeline"');
    expect(JSON.stringify(statementsAllowing(template, 'codepipeline:ListActionExecutions'))).toContain(
      ':ACME-Pipeline"',
    );
  });

  it('-c lzaQualifier=blue: blue-pipeline, blue-config-…, /accelerator/blue/installer/kms/key-arn, and every name of ours carries blue', () => {
    const raw = CONFIGURATIONS['enforce, lza-s3, qualifier blue, management-account role'];
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
    const role = synthManagementRole('enforce', { qualifier: 'blue' }).template;
    role.hasResourceProperties('AWS::IAM::Role', { RoleName: 'ai-optout-blue-enforce' });
    expect(JSON.stringify(role.toJSON())).toContain('role/ai-optout-blue-reconciler-",{"Ref":"AWS::Region"}');
  });

  it('two qualifiers in one account: the two stacks (and their management roles) share no physical name', () => {
    const of = (qualifier: string) => {
      const { template, settings } = synthPipeline({
        ...CONFIGURATIONS['enforce, lza-s3, qualifier blue, management-account role'],
        lzaQualifier: qualifier,
      });
      const role = synthManagementRole('enforce', { qualifier });
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
    const { template } = synthPipeline(CONFIGURATIONS['audit, codecommit (repository derived)']);
    expect(sourceConfiguration(template).RepositoryName).toBe('aws-accelerator-config');
    const derived = (raw: Record<string, unknown>) =>
      validateSettings({ configSource: 'codecommit', ...raw }).repositoryName;
    expect(derived({ lzaPrefix: 'ACME' })).toBe('ACME-config');
    expect(derived({ lzaPrefix: 'ACME', lzaQualifier: 'green' })).toBe('green-config');
    expect(derived({ lzaQualifier: 'green', repositoryName: 'mine' })).toBe('mine');
    expect(validateSettings({ configSource: 'lza-s3' }).repositoryName).toBeUndefined();
  });
});

describe('LZA installs: which run starts ours', () => {
  it('pipeline installer with an LZA source: the starter function, allowed to read the LZA execution and start ours only', () => {
    const { template } = synthPipeline(CONFIGURATIONS['audit, lza-s3']);
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
    const { template } = synthPipeline(CONFIGURATIONS['audit, container installer, lza-s3']);
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
    const blue = synthPipeline(
      { lzaInstaller: 'container', configSource: 'lza-s3', lzaQualifier: 'blue' },
      { bundling: false },
    ).template;
    expect(afterLzaRule(blue).EventPattern.detail).toEqual({
      Definition: ['blue-RunEngine'],
      Status: ['Success'],
    });
  });
});

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
