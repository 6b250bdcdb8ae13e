import { describe, expect, it } from 'vitest';
import { describeTriggers, MAX_TRIGGER_LENGTH, SCHEDULE_SOURCE } from '../../../lambdas/domain/triggers.ts';
import { startOnTriggers } from '../../../lambdas/pipeline-starter/triggers.ts';
import { createLogger } from '../../../lambdas/runtime/logger.ts';
import { useCodePipelineEndpoint } from '../../support/use-codepipeline.ts';
import { logSink } from '../pipeline-job/pipeline-fixtures.ts';

const OURS = 'ai-optout';

/**
 * An Organizations call as EventBridge delivers it (the AttachPolicy record of the Organizations user
 * guide, "orgs_security_incident-response": requestParameters policyId and targetId), with an e-mail
 * address in it that must never reach the trigger text.
 */
function orgEvent(eventName: string, requestParameters: Record<string, unknown>) {
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.organizations',
    account: '111122223333',
    region: 'us-east-1',
    detail: {
      eventSource: 'organizations.amazonaws.com',
      eventName,
      userIdentity: { arn: 'arn:aws:sts::111122223333:assumed-role/Admin/jane@example.com' },
      requestParameters,
    },
  };
}

const schedule = { source: SCHEDULE_SOURCE, schedule: 'rate(1 day)' };

/** An SQS event of these bodies (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html). */
function batch(bodies: unknown[], firstId = 0) {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `0000000${firstId + i}-aaaa-bbbb-cccc-dddddddddddd`,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      eventSource: 'aws:sqs',
    })),
  };
}

const codePipeline = useCodePipelineEndpoint((endpoint) => endpoint.addPipeline(OURS));

async function run(event: unknown) {
  const sink = logSink();
  const id = await startOnTriggers(event, codePipeline.client, OURS, createLogger(sink, 'debug'));
  return { id, logs: sink.lines() };
}

describe('trigger function', () => {
  it('ten attachments in one batch start one run whose trigger names them', async () => {
    // Prepare
    const attachments = Array.from({ length: 10 }, (_, i) =>
      orgEvent('AttachPolicy', {
        policyId: 'p-abcd1234',
        targetId: `ou-ab12-cdefgh${String(i).padStart(2, '0')}`,
      }),
    );

    // Act
    const { id } = await run(batch(attachments));

    // Assess
    const started = codePipeline.fake.started();
    expect(started).toHaveLength(1);
    expect(started[0]?.pipelineExecutionId).toBe(id);
    expect(started[0]?.sourceRevisions).toBeUndefined();
    const [variable] = started[0]?.variables ?? [];
    expect(variable?.name).toBe('trigger');
    expect(variable?.value).toMatch(
      /^10 Organizations events: AttachPolicy ×10 \(p-abcd1234 → ou-ab12-cdefgh00, /,
    );
    expect(variable?.value).not.toContain('example.com');
  });

  it('the same batch delivered again is the same request: still one run', async () => {
    const event = batch([
      schedule,
      orgEvent('MoveAccount', { accountId: '444455556666', destinationParentId: 'ou-ab12-cdefgh12' }),
    ]);

    const first = await run(event);
    const second = await run(event);

    expect(second.id).toBe(first.id);
    expect(codePipeline.fake.started()).toHaveLength(1);
    expect(codePipeline.fake.started()[0]?.variables?.[0]?.value).toBe(
      'schedule rate(1 day); Organizations event: MoveAccount (444455556666 → ou-ab12-cdefgh12)',
    );
  });

  it('a batch of nothing it knows starts nothing, and says so', async () => {
    const { id, logs } = await run(batch(['not json', { source: 'aws.ec2' }]));

    expect(id).toBeUndefined();
    expect(codePipeline.fake.started()).toEqual([]);
    expect(logs.map((l) => l.msg)).toEqual([
      'messages that are no trigger were ignored',
      'no trigger in the batch; not starting ai-optout',
    ]);
  });
});

describe('describeTriggers', () => {
  it('keeps ids only, names the account a CreateAccountResult made, and stays within a pipeline variable', () => {
    const created = {
      source: 'aws.organizations',
      detail: {
        eventName: 'CreateAccountResult',
        serviceEventDetails: {
          createAccountStatus: { accountId: '777788889999', accountName: 'secret-name' },
        },
      },
    };
    const ou = orgEvent('CreateOrganizationalUnit', { parentId: 'r-ab12', name: 'Confidential Project' });
    expect(describeTriggers([created, ou]).description).toBe(
      '2 Organizations events: CreateAccountResult (777788889999); CreateOrganizationalUnit (r-ab12)',
    );
    const many = Array.from({ length: 300 }, (_, i) =>
      orgEvent('DetachPolicy', { policyId: `p-${String(i).padStart(8, '0')}`, targetId: 'r-ab12' }),
    );
    const long = describeTriggers(many).description as string;
    expect(long).toHaveLength(MAX_TRIGGER_LENGTH);
    expect(long.endsWith('…')).toBe(true);
  });
});
