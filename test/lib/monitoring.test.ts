/**
 * Continuous compliance in the synthesized stack: the alarm and the dashboard on the reconciler's
 * embedded metrics, the schedule and the Organizations event triggers (and their us-east-1 forwarder),
 * the opt-in Security Hub and Config pieces.
 */
import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app.ts';
import { METRICS, METRICS_NAMESPACE } from '../../lambdas/domain/metrics.ts';
import {
  DEFAULT_TRIGGER,
  ORGANIZATIONS_API_TRIGGERS,
  ORGANIZATIONS_SERVICE_TRIGGERS,
  SCHEDULE_SOURCE,
  TRIGGER_VARIABLE,
} from '../../lambdas/domain/triggers.ts';
import { resolveSettings, validateSettings } from '../../lib/settings.ts';
import {
  CONTINUOUS_COMPLIANCE,
  nagFindings,
  newApp,
  synthConstructDefaults,
  synthPipeline,
} from './synth.ts';
import { logicalIdOf } from './template-queries.ts';

describe('metrics, alarm and dashboard', () => {
  const { template } = synthPipeline({}, { bundling: false });
  const functionId = logicalIdOf(template, 'AWS::Lambda::Function', (p) =>
    String(p.Description).includes('reconciles'),
  );
  const topicId = logicalIdOf(template, 'AWS::SNS::Topic', () => true);

  it('alarms on NonCompliantAccounts > 0 of this function, telling the topic when it fires and when it clears', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: METRICS_NAMESPACE,
      MetricName: 'NonCompliantAccounts',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 1,
      TreatMissingData: 'ignore',
      AlarmActions: [{ Ref: topicId }],
      OKActions: [{ Ref: topicId }],
    });
  });

  it('lets CloudWatch publish to the encrypted topic for this alarm only', () => {
    const cloudwatch = { Service: 'cloudwatch.amazonaws.com' };
    const sourceArn = Match.objectLike({ ArnEquals: { 'aws:SourceArn': Match.anyValue() } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: cloudwatch, Action: 'sns:Publish', Condition: sourceArn }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: cloudwatch,
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: sourceArn,
          }),
        ]),
      },
    });
  });

  it('has a dashboard of compliance over time and the last verdict, on metrics the function emits', () => {
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(
      (dashboards[0] as { Properties: { DashboardBody: unknown } }).Properties.DashboardBody,
    );
    expect(body).toContain('Last verdict (0 = in-sync, 1 = drift)');
    expect(body).toContain('Compliance over time');
    const named = [...body.matchAll(/\\"AiOptOut\\",\\"(\w+)\\"/g)].map((m) => m[1]);
    expect(new Set(named)).toEqual(new Set(Object.keys(METRICS)));
  });
});

describe('triggers: schedule and Organizations events', () => {
  const { template } = synthPipeline({}, { bundling: false });

  it('a daily schedule by default sends the schedule message to the trigger queue', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 day)',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TriggersQueue'), 'Arn'] },
        Input: JSON.stringify({ source: SCHEDULE_SOURCE, schedule: 'rate(1 day)' }),
      },
    });
  });

  it('the Organizations calls that can change the outcome, succeeded, go to the same queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.organizations'],
        'detail-type': ['AWS API Call via CloudTrail', 'AWS Service Event via CloudTrail'],
        detail: {
          eventSource: ['organizations.amazonaws.com'],
          eventName: [...ORGANIZATIONS_API_TRIGGERS, ...ORGANIZATIONS_SERVICE_TRIGGERS],
          errorCode: [{ exists: false }],
        },
      },
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TriggersQueue'), 'Arn'] } }),
      ],
    });
    for (const name of [
      'AttachPolicy',
      'DetachPolicy',
      'CreatePolicy',
      'UpdatePolicy',
      'DeletePolicy',
      'EnablePolicyType',
      'DisablePolicyType',
      'MoveAccount',
      'CreateOrganizationalUnit',
      'DeleteOrganizationalUnit',
      'RemoveAccountFromOrganization',
      'AcceptHandshake',
      'CreateAccountResult',
    ])
      expect([...ORGANIZATIONS_API_TRIGGERS, ...ORGANIZATIONS_SERVICE_TRIGGERS]).toContain(name);
  });

  it('the queue gathers a burst for two minutes into one batch for the trigger function, which may only start this pipeline', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 120,
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    const roleId = logicalIdOf(template, 'AWS::IAM::Role', (p) =>
      String(p.Description).startsWith('ai-optout trigger'),
    );
    const starts = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[])
      .filter((s) => JSON.stringify(s.Action).includes('codepipeline'));
    expect(starts).toEqual([
      expect.objectContaining({
        Action: 'codepipeline:StartPipelineExecution',
        Resource: expect.objectContaining({ 'Fn::Join': expect.anything() }),
      }),
    ]);
    expect(JSON.stringify(starts[0]?.Resource)).toContain('Pipeline');
  });

  it('the pipeline has the trigger variable; the function reads it from the execution, never from UserParameters', () => {
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Variables: [Match.objectLike({ Name: TRIGGER_VARIABLE, DefaultValue: DEFAULT_TRIGGER })],
    });
    const pipeline = Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0];
    expect(JSON.stringify(pipeline)).not.toContain('#{variables.');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ AI_OPTOUT_TRIGGER_VARIABLE: TRIGGER_VARIABLE }) },
    });
  });

  it('schedule off leaves the schedule out (ComplianceTriggers without a schedule, its default); a management-account role leaves the event rule out', () => {
    const off = synthPipeline({ schedule: 'off' }, { bundling: false }).template;
    off.resourceCountIs('AWS::Scheduler::Schedule', 0);
    const cron = synthPipeline({ schedule: 'cron(0 6 * * ? *)' }, { bundling: false }).template;
    cron.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 6 * * ? *)' });
    const role = synthPipeline(
      { managementAccountId: '111122223333', pipelineAccountId: '444455556666' },
      { bundling: false },
    ).template;
    const rules = Object.values(role.findResources('AWS::Events::Rule'));
    expect(rules.some((r) => JSON.stringify(r).includes('aws.organizations'))).toBe(false);
    role.resourceCountIs('AWS::Scheduler::Schedule', 1);
  });

  it('a schedule that is no Scheduler expression is refused, naming the forms allowed', () => {
    expect(() => validateSettings({ schedule: 'daily' })).toThrow(
      'invalid deployment settings: schedule: use rate(<n> minutes|hours|days), cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>) or off',
    );
    expect(() => validateSettings({ schedule: 'cron(0 6 * * ?)' })).toThrow(/schedule: use rate/);
  });
});

describe('the us-east-1 forwarder', () => {
  function build(region: string | undefined, extra: Record<string, string> = {}) {
    const app = newApp({ bundling: false });
    for (const [key, value] of Object.entries(extra)) app.node.setContext(key, value);
    // What the cdk CLI sets from the credentials and the profile's region (none: an agnostic synth).
    const saved = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
    const set = (key: string, value: string | undefined) => {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    };
    set('CDK_DEFAULT_ACCOUNT', '111122223333');
    set('CDK_DEFAULT_REGION', region);
    try {
      return buildApp(app).app;
    } finally {
      set('CDK_DEFAULT_ACCOUNT', saved.account);
      set('CDK_DEFAULT_REGION', saved.region);
    }
  }

  it('a stack in eu-west-1 gets a forwarder stack in us-east-1 that sends the same events to its default bus', () => {
    const app = build('eu-west-1');
    const forwarder = app.node.findChild('AiOptOutPipeline-OrganizationsEvents') as Stack;
    expect(forwarder.region).toBe('us-east-1');
    expect((app.node.findChild('AiOptOutPipeline') as Stack).region).toBe('eu-west-1');
    const template = Template.fromStack(forwarder);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ source: ['aws.organizations'] }),
      Targets: [
        Match.objectLike({
          Arn: {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':events:eu-west-1:',
                { Ref: 'AWS::AccountId' },
                ':event-bus/default',
              ],
            ],
          },
          RoleArn: Match.anyValue(),
        }),
      ],
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: 'events:PutEvents',
            Resource: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
          }),
        ],
      },
    });
    expect(nagFindings(forwarder)).toEqual([]);
  });

  it('no forwarder in us-east-1, without a known region, or with a management-account role', () => {
    const stacks = (app: ReturnType<typeof build>) => app.node.children.map((c) => c.node.id).sort();
    expect(stacks(build('us-east-1'))).toEqual(['AiOptOutPipeline']);
    expect(stacks(build(undefined))).toEqual(['AiOptOutPipeline']);
    expect(
      stacks(build('eu-west-1', { managementRoleArn: 'arn:aws:iam::111122223333:role/ai-optout' })),
    ).toEqual(['AiOptOutPipeline']);
  });
});

describe('opt-in: Security Hub and the Config rule', () => {
  const { template } = synthPipeline({ securityHub: true, configRule: true }, { bundling: false });

  it('every opt-in at once has no unacknowledged cdk-nag finding (cfn-lint: test/lib/template-checks.test.ts)', () => {
    expect(synthPipeline(CONTINUOUS_COMPLIANCE, { bundling: false }).findings).toEqual([]);
  });

  it('securityHub true sets AI_OPTOUT_SECURITY_HUB on the reconciler only; off by default', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('reconciles'),
      Environment: { Variables: Match.objectLike({ AI_OPTOUT_SECURITY_HUB: 'true' }) },
    });
    const plain = synthPipeline({}, { bundling: false }).template;
    expect(JSON.stringify(plain.toJSON())).not.toContain('AI_OPTOUT_SECURITY_HUB');
    expect(JSON.stringify(plain.toJSON())).not.toContain('securityhub:');
  });

  it('configRule true: a periodic custom rule, daily, invoked by Config for this account, on a function that reads one state object', () => {
    const functionId = logicalIdOf(template, 'AWS::Lambda::Function', (p) =>
      String(p.Description).includes('AWS Config rule'),
    );
    template.hasResourceProperties('AWS::Config::ConfigRule', {
      Source: {
        Owner: 'CUSTOM_LAMBDA',
        SourceIdentifier: { 'Fn::GetAtt': [functionId, 'Arn'] },
        SourceDetails: [
          {
            EventSource: 'aws.config',
            MessageType: 'ScheduledNotification',
            MaximumExecutionFrequency: 'TwentyFour_Hours',
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
      Principal: 'config.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('/ai-optout/latest/ai-optout.yaml');
    expect(policies).toContain('config:PutEvaluations');
    synthPipeline({}, { bundling: false }).template.resourceCountIs('AWS::Config::ConfigRule', 0);
  });

  it('configRule with a management-account role is refused, saying why', () => {
    expect(() =>
      validateSettings({ configRule: true, managementRoleArn: 'arn:aws:iam::111122223333:role/x' }),
    ).toThrow('invalid deployment settings: configRule runs in the management account only');
  });

  it('-c securityHub=true and -c configRule=true are read as switches; another value is refused', () => {
    const context: Record<string, string> = { securityHub: 'true', configRule: 'false' };
    const settings = resolveSettings((key) => context[key]);
    expect([settings.securityHub, settings.configRule]).toEqual([true, false]);
    expect(() => resolveSettings((key) => (key === 'securityHub' ? 'yes' : undefined))).toThrow(
      /securityHub/,
    );
  });
});

describe('construct defaults of continuous compliance', () => {
  it('ComplianceMonitoring topicKey: none, so no key policy is written for CloudWatch', () => {
    const { template } = synthConstructDefaults();
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    expect(JSON.stringify(template.toJSON())).not.toContain('CloudWatchAlarmPublishesEncrypted');
  });
});
