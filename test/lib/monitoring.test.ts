/**
 * Continuous compliance in the synthesized stack: the alarm and the dashboard on the reconciler's
 * embedded metrics, the schedule and the Organizations event triggers (and their us-east-1 forwarder),
 * the opt-in Security Hub and Config pieces.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { METRICS, METRICS_NAMESPACE } from '../../lambdas/domain/metrics.ts';
import { logicalIdOf, synthPipeline } from './synth.ts';

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
