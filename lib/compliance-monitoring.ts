/**
 * What people watch between runs: an alarm on non-compliant accounts that tells the stack's topic, an
 * alarm on invocations the reconciler refused (a job CodePipeline did not confirm: someone invoking the
 * function who is not the pipeline, or a stage misconfigured), and a CloudWatch dashboard of compliance
 * over time and the last verdict. All read the metrics the reconciler prints in the embedded metric
 * format (lambdas/domain/metrics.ts: one definition of the names).
 */
import {
  ArnFormat,
  Aws,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cwactions,
  Duration,
  aws_iam as iam,
  type aws_kms as kms,
  type aws_lambda as lambda,
  Stack,
  type aws_sns as sns,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  METRICS_DIMENSION,
  METRICS_NAMESPACE,
  type MetricName,
  REJECTED_INVOCATIONS,
  VERDICT_VALUE,
} from '../lambdas/domain/metrics.ts';

export interface ComplianceMonitoringProps {
  /** The reconciler function: its name is the metrics' dimension. */
  readonly function: lambda.IFunction;
  /** Told when accounts become non-compliant, and again when they are compliant again. */
  readonly topic: sns.ITopic;
  /**
   * The topic's key, when it is encrypted: CloudWatch must be allowed to use it to publish.
   * @default - none: the topic is not encrypted with a customer managed key
   */
  readonly topicKey?: kms.IKey;
  /** The dashboard's name and the alarm's name prefix (unique per deployment). */
  readonly name: string;
}

export class ComplianceMonitoring extends Construct {
  readonly alarm: cloudwatch.Alarm;
  /** Any refused invocation in five minutes: the function was handed a job CodePipeline did not confirm. */
  readonly rejectedAlarm: cloudwatch.Alarm;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ComplianceMonitoringProps) {
    super(scope, id);
    const metric = (name: MetricName, statistic = 'Maximum') =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { [METRICS_DIMENSION]: props.function.functionName },
        statistic,
        period: Duration.hours(1),
      });
    const alarmName = `${props.name}-NonCompliantAccounts`;
    this.alarm = new cloudwatch.Alarm(this, 'NonCompliantAccounts', {
      alarmName,
      alarmDescription:
        'ai-optout: the last run found accounts whose effective AI services opt-out setting breaks the desired state (docs/monitoring.md)',
      metric: metric('NonCompliantAccounts'),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // Runs are hours apart: an hour without a run keeps the last run's state instead of going to OK.
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    });
    const rejectedName = `${props.name}-${REJECTED_INVOCATIONS}`;
    this.rejectedAlarm = new cloudwatch.Alarm(this, REJECTED_INVOCATIONS, {
      alarmName: rejectedName,
      alarmDescription:
        'ai-optout: the reconciler refused an invocation before reading anything, such as a job CodePipeline did not confirm; its log line says why (docs/permissions.md, threat model)',
      metric: new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: REJECTED_INVOCATIONS,
        dimensionsMap: { [METRICS_DIMENSION]: props.function.functionName },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const action = new cwactions.SnsAction(props.topic);
    this.alarm.addAlarmAction(action);
    this.alarm.addOkAction(action);
    this.rejectedAlarm.addAlarmAction(action);
    this.allowAlarmsToPublish(props, [alarmName, rejectedName]);
    this.dashboard = this.createDashboard(props.name, metric);
  }

  /**
   * CloudWatch publishes as its service principal: the topic policy (which enforceSSL makes explicit)
   * and the topic's KMS key must allow it [SNS-KMS-SERVICE-PUBLISHERS].
   */
  private allowAlarmsToPublish(props: ComplianceMonitoringProps, alarmNames: string[]): void {
    const principal = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    // The ARNs written out from the names, not the alarms' attributes: the key's policy cannot refer to
    // an alarm, whose action names the topic, which the key encrypts.
    const alarmArns = alarmNames.map((alarmName) =>
      Stack.of(this).formatArn({
        service: 'cloudwatch',
        resource: 'alarm',
        resourceName: alarmName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    );
    const conditions = {
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      ArnEquals: { 'aws:SourceArn': alarmArns },
    };
    props.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmPublishes',
        principals: [principal],
        actions: ['sns:Publish'],
        resources: [props.topic.topicArn],
        conditions,
      }),
    );
    props.topicKey?.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmPublishesEncrypted',
        principals: [principal],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions,
      }),
    );
  }

  private createDashboard(
    dashboardName: string,
    metric: (name: MetricName, statistic?: string) => cloudwatch.Metric,
  ): cloudwatch.Dashboard {
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName,
      defaultInterval: Duration.days(30),
    });
    const verdicts = Object.entries(VERDICT_VALUE)
      .map(([verdict, value]) => `${value} = ${verdict}`)
      .join(', ');
    dashboard.addWidgets(
      new cloudwatch.SingleValueWidget({
        title: `Last verdict (${verdicts})`,
        metrics: [metric('Verdict')],
        setPeriodToTimeRange: false,
        width: 6,
        height: 5,
      }),
      new cloudwatch.AlarmStatusWidget({
        title: 'Non-compliant accounts alarm',
        alarms: [this.alarm],
        width: 6,
        height: 5,
      }),
      new cloudwatch.SingleValueWidget({
        title: 'Last run',
        metrics: [
          metric('NonCompliantAccounts'),
          metric('Accounts'),
          metric('Violations'),
          metric('Changes'),
        ],
        width: 12,
        height: 5,
      }),
      new cloudwatch.GraphWidget({
        title: 'Compliance over time',
        left: [metric('NonCompliantAccounts'), metric('Accounts')],
        right: [metric('Verdict')],
        leftYAxis: { min: 0, label: 'accounts', showUnits: false },
        rightYAxis: { min: 0, max: 1, label: verdicts, showUnits: false },
        width: 12,
        height: 7,
      }),
      new cloudwatch.GraphWidget({
        title: 'Changes, violations and effort per run',
        left: [metric('Changes'), metric('EffectiveChanges'), metric('Violations')],
        right: [metric('ApiCalls'), metric('DurationMs')],
        leftYAxis: { min: 0, showUnits: false },
        width: 12,
        height: 7,
      }),
    );
    return dashboard;
  }
}
