/**
 * An in-memory Organizations endpoint answering the read calls from an organization snapshot, for
 * organizations too large to build in moto in a short benchmark (moto's list calls scan every account:
 * about 0.1 s a ListAccounts page at 10,000 accounts, which a time-scaled clock would multiply).
 *
 * It answers like AWS's JSON protocol (X-Amz-Target, application/x-amz-json-1.1), pages every list at
 * MaxResults (default and most 20), and waits `latencyMs` (real milliseconds) before each answer.
 */
import { createServer } from 'node:http';
import type { OrgSnapshot } from '../lambdas/domain/model.ts';
import { AI_POLICY_TYPE } from '../lambdas/domain/policy-types/ai-optout/facts.ts';
import { EFFECTIVE_POLICY_OPERATIONS, EffectivePolicyModel } from '../test/support/effective-policy-model.ts';
import { bodyOf, listenOnLoopback, sendJson as send } from './support.ts';

export interface OrgModelServer {
  endpoint: string;
  stop(): Promise<void>;
}

type Input = Record<string, unknown>;
type Answer = Record<string, unknown>;

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** One page of `items` and the token of the next, from the offset in `input.NextToken`. */
function page<T>(items: readonly T[], input: Input, member: string): Answer {
  const start = Number(input.NextToken ?? 0);
  const size = Math.min(20, Number(input.MaxResults ?? 20) || 20);
  const end = start + size;
  return { [member]: items.slice(start, end), ...(end < items.length ? { NextToken: String(end) } : {}) };
}

function handlers(snapshot: OrgSnapshot): Record<string, (input: Input) => Answer> {
  const accounts = snapshot.accounts.map((a) => ({
    Id: a.id,
    Name: a.name,
    Email: a.email,
    Status: a.status,
    State: a.status,
    parentId: a.parentId,
  }));
  const accountsUnder = groupBy(accounts, (a) => a.parentId);
  const ousUnder = groupBy(snapshot.organizationalUnits, (ou) => ou.parentId);
  const policies = new Map(snapshot.policies.map((p) => [p.id, p]));
  const summary = (id: string) => {
    const p = policies.get(id);
    if (!p) throw new Error(`PolicyNotFoundException ${id}`);
    return { Id: p.id, Name: p.name, Description: p.description, Type: AI_POLICY_TYPE, AwsManaged: false };
  };
  const account = ({ parentId: _, ...rest }: (typeof accounts)[number]) => rest;
  const parent = (input: Input) => String(input.ParentId);
  return {
    DescribeOrganization: () => ({
      Organization: {
        Id: snapshot.organization.id,
        MasterAccountId: snapshot.organization.managementAccountId,
      },
    }),
    ListRoots: (input) =>
      page(
        [
          {
            Id: snapshot.root.id,
            Name: snapshot.root.name,
            PolicyTypes: snapshot.root.policyTypes.map((t) => ({ Type: t.type, Status: t.status })),
          },
        ],
        input,
        'Roots',
      ),
    ListOrganizationalUnitsForParent: (input) =>
      page(
        (ousUnder.get(parent(input)) ?? []).map((ou) => ({ Id: ou.id, Name: ou.name })),
        input,
        'OrganizationalUnits',
      ),
    ListAccountsForParent: (input) =>
      page((accountsUnder.get(parent(input)) ?? []).map(account), input, 'Accounts'),
    ListChildren: (input) => {
      const children =
        input.ChildType === 'ACCOUNT'
          ? (accountsUnder.get(parent(input)) ?? []).map((a) => ({ Id: a.Id, Type: 'ACCOUNT' }))
          : (ousUnder.get(parent(input)) ?? []).map((ou) => ({ Id: ou.id, Type: 'ORGANIZATIONAL_UNIT' }));
      return page(children, input, 'Children');
    },
    ListAccounts: (input) => page(accounts.map(account), input, 'Accounts'),
    ListPolicies: (input) => page([...policies.keys()].map(summary), input, 'Policies'),
    DescribePolicy: (input) => {
      const id = String(input.PolicyId);
      return { Policy: { PolicySummary: summary(id), Content: policies.get(id)?.content } };
    },
    ListTagsForResource: (input) => {
      const tags = Object.entries(policies.get(String(input.ResourceId))?.tags ?? {});
      return page(
        tags.map(([Key, Value]) => ({ Key, Value })),
        input,
        'Tags',
      );
    },
    ListTargetsForPolicy: (input) =>
      page(
        (policies.get(String(input.PolicyId))?.targets ?? []).map((TargetId) => ({ TargetId })),
        input,
        'Targets',
      ),
  };
}

/**
 * Organizations' read calls answered from `snapshot`, and (with `effectivePolicies`) the effective-policy
 * operations moto lacks, answered by the tests' model (test/support/effective-policy-model.ts) with the
 * local engine's documents for `snapshot`: an AWS that agrees, listing no invalid account. The bench
 * counts the calls a run makes; fidelity itself is the tests' business.
 */
export async function startOrgModel(
  snapshot: OrgSnapshot,
  options: { latencyMs?: number; readCalls?: boolean } = {},
): Promise<OrgModelServer> {
  const read = options.readCalls === false ? {} : handlers(snapshot);
  const effectivePolicies = new EffectivePolicyModel(snapshot);
  const server = createServer(async (req, res) => {
    const text = (await bodyOf(req)).toString('utf8');
    const input = (text ? JSON.parse(text) : {}) as Input;
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.slice(target.lastIndexOf('.') + 1);
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    if ((EFFECTIVE_POLICY_OPERATIONS as readonly string[]).includes(operation)) {
      const answer = await effectivePolicies.answer(operation, input);
      return send(res, answer.status, answer.payload);
    }
    const handler = read[operation];
    if (!handler) return send(res, 400, { __type: 'UnsupportedAPIEndpointException', Message: target });
    try {
      send(res, 200, handler(input));
    } catch (error) {
      send(res, 400, { __type: 'InvalidInputException', Message: String(error) });
    }
  });
  return listenOnLoopback(server);
}
