/**
 * What starts a run besides LZA: the schedule, and the AWS Organizations calls that can change an
 * account's effective AI opt-out setting, delivered by CloudTrail through EventBridge. The stack's event
 * rule (lib/compliance-triggers.ts) matches these names, and the trigger function describes a batch of
 * them in one line for the pipeline's `trigger` variable, which the report shows.
 *
 * Event names are the Organizations API operations ("AWS API Call via CloudTrail" events carry
 * `detail.eventName`). CreateAccount finishes asynchronously: its completion is the service event
 * `CreateAccountResult` ("AWS Service Event via CloudTrail"), so that, not CreateAccount, starts a run
 * [ORG-CLOUDTRAIL-EVENTS]. Invited accounts join with AcceptHandshake.
 */

/** Calls whose success can change the outcome ("AWS API Call via CloudTrail"). */
export const ORGANIZATIONS_API_TRIGGERS = [
  'CreatePolicy',
  'UpdatePolicy',
  'DeletePolicy',
  'AttachPolicy',
  'DetachPolicy',
  'EnablePolicyType',
  'DisablePolicyType',
  'MoveAccount',
  'AcceptHandshake',
  'RemoveAccountFromOrganization',
  'LeaveOrganization',
  'CreateOrganizationalUnit',
  'DeleteOrganizationalUnit',
] as const;

/** Service events that can change the outcome ("AWS Service Event via CloudTrail"). */
export const ORGANIZATIONS_SERVICE_TRIGGERS = ['CreateAccountResult'] as const;

/** The body the schedule sends. */
export const SCHEDULE_SOURCE = 'ai-optout.schedule';

/** The pipeline variable that carries the description (`#{variables.trigger}`). */
export const TRIGGER_VARIABLE = 'trigger';
/** Its value when nothing set it: the LZA starter rule, or someone pressing "Release change". */
export const DEFAULT_TRIGGER = 'an LZA run or a manual start';

/** A pipeline variable's value holds at most 1000 characters [CP-VARIABLES]. */
export const MAX_TRIGGER_LENGTH = 1000;

interface TriggerMessage {
  source?: unknown;
  schedule?: unknown;
  detail?: {
    eventName?: unknown;
    requestParameters?: Record<string, unknown> | null;
    serviceEventDetails?: { createAccountStatus?: { accountId?: unknown } } | null;
  };
}

/** Ids only (policy, OU, root, account, handshake): never names or e-mail addresses from the request. */
const ID = /^(p-[0-9a-z_]{8,128}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32}|\d{12}|h-[0-9a-z]{8,64})$/;

function id(value: unknown): string | undefined {
  return typeof value === 'string' && ID.test(value) ? value : undefined;
}

/** The ids an event is about, as `p-1 → ou-2`, `123456789012 → ou-3`, or ''. */
function subject(detail: NonNullable<TriggerMessage['detail']>): string {
  const request = detail.requestParameters ?? {};
  const created = detail.serviceEventDetails?.createAccountStatus?.accountId;
  const what =
    id(request.policyId) ?? id(request.accountId) ?? id(request.organizationalUnitId) ?? id(created);
  const where =
    id(request.targetId) ?? id(request.destinationParentId) ?? id(request.parentId) ?? id(request.rootId);
  return [what, where].filter(Boolean).join(' → ');
}

export interface TriggerSummary {
  /** One line for the `trigger` variable, or undefined when no message was a trigger. */
  description: string | undefined;
  /** Messages that were neither the schedule nor an Organizations event (logged, not run for). */
  unrecognized: number;
}

/** Describes a batch of trigger messages (the SQS bodies, parsed) in at most MAX_TRIGGER_LENGTH characters. */
export function describeTriggers(messages: readonly unknown[]): TriggerSummary {
  const schedules = new Set<string>();
  const events = new Map<string, string[]>();
  let unrecognized = 0;
  for (const message of messages as TriggerMessage[]) {
    if (message?.source === SCHEDULE_SOURCE) schedules.add(String(message.schedule ?? 'the schedule'));
    else if (message?.source === 'aws.organizations' && typeof message.detail?.eventName === 'string') {
      const subjects = events.get(message.detail.eventName) ?? [];
      subjects.push(subject(message.detail));
      events.set(message.detail.eventName, subjects);
    } else unrecognized++;
  }
  const parts = [...schedules].map((s) => `schedule ${s}`);
  if (events.size > 0) {
    const count = [...events.values()].reduce((n, list) => n + list.length, 0);
    const names = [...events].map(([name, subjects]) => {
      const shown = [...new Set(subjects.filter(Boolean))];
      return `${name}${subjects.length > 1 ? ` ×${subjects.length}` : ''}${shown.length > 0 ? ` (${shown.join(', ')})` : ''}`;
    });
    parts.push(
      `${count === 1 ? 'Organizations event' : `${count} Organizations events`}: ${names.join('; ')}`,
    );
  }
  const text = parts.join('; ');
  const description =
    text.length === 0
      ? undefined
      : text.length <= MAX_TRIGGER_LENGTH
        ? text
        : `${text.slice(0, MAX_TRIGGER_LENGTH - 1)}…`;
  return { description, unrecognized };
}
