/**
 * Runs between LZA runs: a schedule (EventBridge Scheduler) and the Organizations events that can change
 * the outcome (CloudTrail through EventBridge; lambdas/domain/triggers.ts names them) send messages to
 * one SQS queue; the trigger function takes them in batches gathered over a window, and starts the
 * pipeline once per batch with the `trigger` variable naming what started it. So ten attachments in a
 * minute are one run, not ten (a window can still cut a long burst in two; the pipeline queues them).
 *
 * - SQS batching: `MaximumBatchingWindowInSeconds` (0–300) is "the maximum amount of time … that Lambda
 *   spends gathering records before invoking"; a batch size above 10 needs a window of at least 1 s
 *   [LAMBDA-SQS]. `ScalingConfig.MaximumConcurrency` is at least 2.
 * - Organizations events exist only in us-east-1 (the Organizations region of the partition)
 *   [ORG-CLOUDTRAIL-EVENTS]; a stack elsewhere gets them from OrganizationsEventForwarderStack. They need
 *   a CloudTrail trail with management events (LZA's organization trail is one).
 */
import {
  type aws_codepipeline as codepipeline,
  Duration,
  aws_events as events,
  aws_iam as iam,
  type aws_lambda as lambda,
  aws_scheduler as scheduler,
  aws_scheduler_targets as schedulerTargets,
  aws_lambda_event_sources as sources,
  aws_sqs as sqs,
  aws_events_targets as targets,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  ORGANIZATIONS_API_TRIGGERS,
  ORGANIZATIONS_SERVICE_TRIGGERS,
  SCHEDULE_SOURCE,
} from '../lambdas/domain/triggers.ts';
import { writeVariables } from '../lambdas/runtime/environment.ts';
import { TRIGGER_VARIABLES } from '../lambdas/runtime/pipeline-starter-environment.ts';
import {
  acknowledgeLogStreams,
  bundledFunction,
  functionLogGroup,
  functionRole,
} from './bundled-function.ts';
import { pinFeatureFlags } from './feature-flags.ts';

/** The event pattern of the Organizations calls (and service events) that start a run. */
export const ORGANIZATIONS_EVENT_PATTERN: events.EventPattern = {
  source: ['aws.organizations'],
  detailType: ['AWS API Call via CloudTrail', 'AWS Service Event via CloudTrail'],
  detail: {
    eventSource: ['organizations.amazonaws.com'],
    eventName: [...ORGANIZATIONS_API_TRIGGERS, ...ORGANIZATIONS_SERVICE_TRIGGERS],
    // A failed call changes nothing; CloudTrail delivers it with an errorCode
    // [EB-EXISTS-MATCHING].
    errorCode: [{ exists: false }],
  },
};

/** How long the queue gathers messages before the function takes them: one run per burst. */
export const TRIGGER_BATCH_WINDOW = Duration.minutes(2);

export interface ComplianceTriggersProps {
  readonly pipeline: codepipeline.IPipeline;
  /** A Scheduler expression (`rate(1 day)`, `cron(0 6 * * ? *)`). @default - no schedule */
  readonly schedule?: string;
  /** Whether Organizations events of this account reach this region's default bus (directly or forwarded). */
  readonly organizationsEvents: boolean;
}

export class ComplianceTriggers extends Construct {
  readonly queue: sqs.Queue;
  readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: ComplianceTriggersProps) {
    super(scope, id);
    pinFeatureFlags(this);
    const deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Lambda's guidance: at least the function timeout plus the batching window, with room for retries.
      visibilityTimeout: Duration.minutes(10),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: 5 },
    });
    this.function = this.createFunction(props.pipeline);
    this.function.addEventSource(
      new sources.SqsEventSource(this.queue, {
        batchSize: 1000,
        maxBatchingWindow: TRIGGER_BATCH_WINDOW,
        maxConcurrency: 2,
      }),
    );
    if (props.schedule) {
      new scheduler.Schedule(this, 'Schedule', {
        description: `Starts the ai-optout pipeline on its schedule, ${props.schedule}`,
        schedule: scheduler.ScheduleExpression.expression(props.schedule),
        target: new schedulerTargets.SqsSendMessage(this.queue, {
          input: scheduler.ScheduleTargetInput.fromObject({
            source: SCHEDULE_SOURCE,
            schedule: props.schedule,
          }),
        }),
      });
    }
    if (props.organizationsEvents) {
      new events.Rule(this, 'OrganizationsEvents', {
        description: 'Starts the ai-optout pipeline when an AWS Organizations change can change the outcome',
        eventPattern: ORGANIZATIONS_EVENT_PATTERN,
        targets: [new targets.SqsQueue(this.queue)],
      });
    }
  }

  /** The trigger function: reads its queue, starts this pipeline only. */
  private createFunction(pipeline: codepipeline.IPipeline): lambda.Function {
    const logGroup = functionLogGroup(this);
    const role = functionRole(this, logGroup, { description: 'ai-optout trigger: starts the pipeline' });
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'StartOwnPipeline',
        actions: ['codepipeline:StartPipelineExecution'],
        resources: [pipeline.pipelineArn],
      }),
    );
    const fn = bundledFunction(this, 'Function', 'pipeline-trigger', {
      memorySize: 256,
      timeout: Duration.minutes(1),
      role,
      logGroup,
      description: `ai-optout: starts ${pipeline.pipelineName} on its schedule and on Organizations changes`,
      environment: writeVariables(TRIGGER_VARIABLES, { pipelineName: pipeline.pipelineName }),
    });
    acknowledgeLogStreams(role, logGroup);
    return fn;
  }
}
