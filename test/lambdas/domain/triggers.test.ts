/**
 * The one line that tells the report what started a run (lambdas/domain/triggers.ts): the schedule's
 * body and the Organizations events of one SQS batch, as the stack's rule delivers them
 * [ORG-CLOUDTRAIL-EVENTS], in at most a pipeline variable's 1,000 characters [CP-VARIABLES]. The trigger
 * function's own test (test/lambdas/pipeline-starter/triggers.test.ts) runs it against a CodePipeline
 * endpoint; these are the rules of the text alone.
 */
import { describe, expect, it } from 'vitest';
import { describeTriggers, MAX_TRIGGER_LENGTH, TRIGGER_VARIABLE } from '../../../lambdas/domain/triggers.ts';

/** An Organizations call as EventBridge delivers it: `detail.eventName` and the request's parameters. */
function call(eventName: string, requestParameters?: Record<string, unknown> | null) {
  return { source: 'aws.organizations', detail: { eventName, requestParameters } };
}

/** The service event that ends a CreateAccount, naming the account it made. */
function created(accountId: unknown) {
  return {
    source: 'aws.organizations',
    detail: {
      eventName: 'CreateAccountResult',
      serviceEventDetails: { createAccountStatus: { accountId, accountName: 'secret-name' } },
    },
  };
}

/** The schedule's body (lib/compliance-triggers.ts sends this source). */
function schedule(expression?: string) {
  return expression === undefined
    ? { source: 'ai-optout.schedule' }
    : { source: 'ai-optout.schedule', schedule: expression };
}

describe('describeTriggers: what an event is about', () => {
  // Each id field alone, so that the order of the fallbacks and each field's own reading show.
  const cases: [string, unknown, string][] = [
    ['a policy', call('UpdatePolicy', { policyId: 'p-abcd1234' }), 'UpdatePolicy (p-abcd1234)'],
    [
      'an account',
      call('RemoveAccountFromOrganization', { accountId: '111122223333' }),
      'RemoveAccountFromOrganization (111122223333)',
    ],
    [
      'an OU',
      call('DeleteOrganizationalUnit', { organizationalUnitId: 'ou-ab12-cdefgh12' }),
      'DeleteOrganizationalUnit (ou-ab12-cdefgh12)',
    ],
    ['the created account', created('777788889999'), 'CreateAccountResult (777788889999)'],
    ['a target', call('DetachPolicy', { targetId: 'r-ab12' }), 'DetachPolicy (r-ab12)'],
    [
      'a destination',
      call('MoveAccount', { destinationParentId: 'ou-ab12-cdefgh12' }),
      'MoveAccount (ou-ab12-cdefgh12)',
    ],
    [
      'a parent',
      call('CreateOrganizationalUnit', { parentId: 'r-ab12' }),
      'CreateOrganizationalUnit (r-ab12)',
    ],
    [
      'a root',
      call('EnablePolicyType', { rootId: 'r-0123456789abcdef' }),
      'EnablePolicyType (r-0123456789abcdef)',
    ],
    ['a handshake', call('AcceptHandshake', { handshakeId: 'h-abcdefgh12' }), 'AcceptHandshake'],
    [
      'what, then where',
      call('AttachPolicy', { policyId: 'p-abcd1234', targetId: '111122223333' }),
      'AttachPolicy (p-abcd1234 → 111122223333)',
    ],
    [
      'the policy before the account, the target before the parents',
      call('AttachPolicy', {
        accountId: '111122223333',
        policyId: 'p-abcd1234',
        rootId: 'r-ab12',
        parentId: 'r-cd34',
        destinationParentId: 'ou-ab12-cdefgh12',
        targetId: 'ou-ab12-zzzzzzzz',
      }),
      'AttachPolicy (p-abcd1234 → ou-ab12-zzzzzzzz)',
    ],
    [
      'the account before the OU',
      call('MoveAccount', { organizationalUnitId: 'ou-ab12-cdefgh12', accountId: '111122223333' }),
      'MoveAccount (111122223333)',
    ],
    [
      'the OU before the created account',
      {
        ...created('777788889999'),
        detail: {
          ...created('777788889999').detail,
          requestParameters: { organizationalUnitId: 'ou-ab12-cdefgh12' },
        },
      },
      'CreateAccountResult (ou-ab12-cdefgh12)',
    ],
    [
      'the destination before the parent',
      call('MoveAccount', { parentId: 'r-ab12', destinationParentId: 'ou-ab12-cdefgh12' }),
      'MoveAccount (ou-ab12-cdefgh12)',
    ],
    [
      'the parent before the root',
      call('CreateOrganizationalUnit', { rootId: 'r-cd34', parentId: 'r-ab12' }),
      'CreateOrganizationalUnit (r-ab12)',
    ],
    ['no parameters at all', call('LeaveOrganization', null), 'LeaveOrganization'],
    [
      'service details without a status',
      { source: 'aws.organizations', detail: { eventName: 'CreateAccountResult', serviceEventDetails: {} } },
      'CreateAccountResult',
    ],
  ];
  it.each(cases)('%s', (_, event, named) => {
    expect(describeTriggers([event]).description).toBe(`Organizations event: ${named}`);
  });

  // Ids only [ORG-ID-FORMATS]: a name, an e-mail address or an id with anything around it is left out.
  const ids = [
    'p-abcd1234',
    'p-abcd_1234_efgh',
    'ou-ab12-cdefgh12',
    'r-ab12',
    '111122223333',
    'h-abcdefgh12',
  ];
  const notIds = [
    'Confidential Project',
    'jane@example.com',
    'p-abc',
    'p-ABCD1234',
    'xp-abcd1234',
    'p-abcd1234 ',
    'ou-a-cdefgh12',
    'ou-ab12-cdefg',
    'ou-ab12-CDEFGH12',
    'r-a',
    'r-AB12',
    'r-ab12/x',
    '11112222333',
    '1111222233334',
    'x111122223333',
    'h-abc',
    'h-ABCDEFGH12',
    'aaaaaaaaaaaa',
    111122223333 as unknown as string,
  ];
  it('keeps an id of each kind, and nothing that is not exactly an id', () => {
    for (const id of ids)
      expect(describeTriggers([call('TagResource', { policyId: id })]).description, id).toBe(
        `Organizations event: TagResource (${id})`,
      );
    for (const text of notIds)
      expect(describeTriggers([call('TagResource', { policyId: text })]).description, String(text)).toBe(
        'Organizations event: TagResource',
      );
  });
});

describe('describeTriggers: a batch', () => {
  it('counts each event, names each subject once, in the order they came', () => {
    const batch = [
      call('AttachPolicy', { policyId: 'p-abcd1234', targetId: 'r-ab12' }),
      call('DetachPolicy', { policyId: 'p-abcd1234', targetId: 'r-ab12' }),
      call('AttachPolicy', { policyId: 'p-abcd1234', targetId: 'r-ab12' }),
      call('AttachPolicy', { policyId: 'p-efgh5678', targetId: 'r-ab12' }),
      call('AttachPolicy', { name: 'no id here' }),
    ];
    expect(describeTriggers(batch)).toEqual({
      description:
        '5 Organizations events: AttachPolicy ×4 (p-abcd1234 → r-ab12, p-efgh5678 → r-ab12); DetachPolicy (p-abcd1234 → r-ab12)',
      unrecognized: 0,
    });
  });

  it('an event without ids is still counted and named, without parentheses', () => {
    expect(describeTriggers([call('LeaveOrganization'), call('LeaveOrganization')]).description).toBe(
      '2 Organizations events: LeaveOrganization ×2',
    );
  });

  it('names each schedule once before the events; a schedule body without an expression is "the schedule"', () => {
    expect(
      describeTriggers([
        schedule('rate(1 day)'),
        call('DeletePolicy', { policyId: 'p-abcd1234' }),
        schedule('rate(1 day)'),
        schedule(),
      ]),
    ).toEqual({
      description:
        'schedule rate(1 day); schedule the schedule; Organizations event: DeletePolicy (p-abcd1234)',
      unrecognized: 0,
    });
    expect(describeTriggers([schedule('cron(0 6 * * ? *)')]).description).toBe('schedule cron(0 6 * * ? *)');
  });

  it('counts what is neither: other sources, an Organizations body without an event name, null', () => {
    const others = [
      { source: 'aws.ec2' },
      { source: 'aws.organizations', detail: {} },
      { source: 'aws.organizations' },
      null,
      'text',
      {},
    ];
    expect(describeTriggers(others)).toEqual({ description: undefined, unrecognized: 6 });
    expect(describeTriggers([...others, schedule('rate(1 day)')])).toEqual({
      description: 'schedule rate(1 day)',
      unrecognized: 6,
    });
    expect(describeTriggers([])).toEqual({ description: undefined, unrecognized: 0 });
  });

  it('keeps a description of exactly 1,000 characters; cuts a longer one to 1,000 ending in …', () => {
    // "schedule " is 9 characters.
    const exact = 'x'.repeat(MAX_TRIGGER_LENGTH - 9);
    expect(describeTriggers([schedule(exact)]).description).toBe(`schedule ${exact}`);
    const over = `${exact}yz`;
    const cut = describeTriggers([schedule(over)]).description;
    expect(cut).toBe(`schedule ${exact.slice(0, -1)}…`);
    expect(cut).toHaveLength(MAX_TRIGGER_LENGTH);
  });

  it('fills the pipeline variable `trigger`, which the pipeline reads as #{variables.trigger}', () => {
    expect(TRIGGER_VARIABLE).toBe('trigger');
  });
});
