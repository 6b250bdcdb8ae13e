/**
 * The state bucket's lifecycle rules and object grants, made from its layout table
 * (lambdas/runtime/state-bucket.ts), so the prefixes the functions write and the ones the stack expires
 * and grants cannot drift apart.
 */
import { type CfnElement, Duration, Stack, type aws_s3 as s3 } from 'aws-cdk-lib';
import {
  STATE_BUCKET_LAYOUT,
  STATE_PREFIX,
  type StateArea,
  type StateAreaName,
} from '../lambdas/runtime/state-bucket.ts';

/** Days the dated snapshot copies are kept by default (PostLzaPipelineStack's snapshotRetention). */
export const DEFAULT_SNAPSHOT_RETENTION_DAYS = STATE_BUCKET_LAYOUT.snapshotHistory.expiresAfterDays;

/**
 * One expiring rule per area that has one, each after its table's days; `expiresAfterDays` overrides
 * them by area (the snapshot history's retention is a setting).
 */
export function stateLifecycleRules(
  expiresAfterDays: Partial<Record<StateAreaName, number>> = {},
): s3.LifecycleRule[] {
  const areas = Object.entries(STATE_BUCKET_LAYOUT) as [StateAreaName, StateArea][];
  return areas.flatMap(([name, area]) => {
    const days = expiresAfterDays[name] ?? area.expiresAfterDays;
    if (!area.lifecycleRuleId || days === undefined) return [];
    return [{ id: area.lifecycleRuleId, prefix: area.prefix, expiration: Duration.days(days) }];
  });
}

/** The pattern of keys a grant on `area` covers: every object of the area, or one `file` in it. */
export function stateKeys(area: StateAreaName | 'all', file = '*'): string {
  return `${area === 'all' ? STATE_PREFIX : STATE_BUCKET_LAYOUT[area].prefix}${file}`;
}

/** The ARN of the keys `stateKeys` names, in `bucket`. */
export function stateObjectsArn(bucket: s3.IBucket, area: StateAreaName | 'all', file = '*'): string {
  return bucket.arnForObjects(stateKeys(area, file));
}

/**
 * cdk-nag's name for a grant on every object of the area (`AwsSolutions-IAM5[<finding>]`), for a bucket
 * defined in a stack of this app; undefined for an imported bucket, whose ARN cdk-nag prints as it is.
 */
export function stateObjectsFinding(bucket: s3.IBucket, area: StateAreaName | 'all'): string | undefined {
  const resource = bucket.node.defaultChild as CfnElement | undefined;
  if (!resource) return undefined;
  return `Resource::<${Stack.of(resource).getLogicalId(resource)}.Arn>/${stateKeys(area)}`;
}
