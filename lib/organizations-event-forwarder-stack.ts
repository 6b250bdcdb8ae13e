/**
 * A small stack in the Organizations region of the partition (us-east-1 for the commercial regions),
 * where AWS Organizations' CloudTrail events are delivered: one rule that forwards the events that can
 * change the outcome to the default event bus of the region the pipeline lives in, where the pipeline
 * stack's rule (lib/compliance-triggers.ts) matches them as they are.
 *
 * Cross-region routing: the rule's target is the other region's event bus, by ARN, and EventBridge needs
 * a role allowed to events:PutEvents on it [EB-CROSS-REGION]; aws-cdk-lib's EventBus target creates that
 * role. In the same account, the destination bus needs no
 * resource policy (bus policies are for other accounts' principals).
 */
import {
  Aws,
  aws_events as events,
  Stack,
  type StackProps,
  aws_events_targets as targets,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ORGANIZATIONS_EVENT_PATTERN } from './compliance-triggers.ts';
import { pinFeatureFlags } from './feature-flags.ts';

export interface OrganizationsEventForwarderStackProps extends StackProps {
  /** The region of the pipeline stack, whose default bus receives the events. */
  readonly destinationRegion: string;
}

export class OrganizationsEventForwarderStack extends Stack {
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: OrganizationsEventForwarderStackProps) {
    super(scope, id, props);
    pinFeatureFlags(this);
    const destination = events.EventBus.fromEventBusArn(
      this,
      'PipelineRegionBus',
      `arn:${Aws.PARTITION}:events:${props.destinationRegion}:${Aws.ACCOUNT_ID}:event-bus/default`,
    );
    this.rule = new events.Rule(this, 'ForwardOrganizationsEvents', {
      description: `Forwards the AWS Organizations events that can change the ai-optout outcome to ${props.destinationRegion}`,
      eventPattern: ORGANIZATIONS_EVENT_PATTERN,
      targets: [new targets.EventBus(destination)],
    });
  }
}
