/**
 * A scripted model of the three Organizations operations moto does not have: DescribeEffectivePolicy,
 * ListAccountsWithInvalidEffectivePolicy and ListEffectivePolicyValidationErrors. The fault proxy
 * answers them from here, in AWS's wire format (JSON 1.1; shapes and error codes from botocore,
 * botocore/data/organizations/2016-11-28/service-2.json), so the real SDK parses them.
 *
 * Tests about fidelity script AWS's answers by hand, in the form AWS's documentation prints
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_ai-opt-out_effective.html).
 * Accounts a test does not script get the mirror: the local engine's own answer computed from moto's
 * state (or from a fixed snapshot, for the benches), so tests about something else see an AWS that
 * agrees and nothing more; it proves nothing about fidelity, and no fidelity test relies on it.
 */
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { OrganizationsReader } from '../../lambdas/adapters/organizations/reader.ts';
import { Throttle } from '../../lambdas/adapters/organizations/throttle.ts';
import type { OrgSnapshot } from '../../lambdas/domain/model.ts';
import { OrgTree } from '../../lambdas/domain/organization.ts';
import { effectivePoliciesOf } from '../../lambdas/domain/policy-types/ai-optout/engine.ts';
import { AI_OPT_OUT_FACTS, AI_POLICY_TYPE } from '../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { effectiveDocument } from '../../lambdas/domain/policy-types/ai-optout/printed.ts';
import { BEDROCK_POLICY_TYPE } from '../../lambdas/domain/policy-types/bedrock/facts.ts';
import { policyTypeStatus } from '../../lambdas/domain/policy-types/policy-type.ts';
import { TEST_CREDENTIALS } from './moto-org.ts';

/** AWS's document for an account as text, or `null` for EffectivePolicyNotFoundException. */
export type ScriptedDocument = string | null;

export interface ScriptedValidationError {
  ErrorCode: string;
  ErrorMessage?: string;
  PathToError?: string;
  ContributingPolicies?: string[];
}

export interface ScriptedInvalidAccount {
  id: string;
  name: string;
  errors: ScriptedValidationError[];
}

export interface ModelAnswer {
  status: number;
  payload: Record<string, unknown>;
}

export const EFFECTIVE_POLICY_OPERATIONS = [
  'DescribeEffectivePolicy',
  'ListAccountsWithInvalidEffectivePolicy',
  'ListEffectivePolicyValidationErrors',
] as const;

function error(type: string, message: string): ModelAnswer {
  return { status: 400, payload: { __type: type, Message: message } };
}

/** A page of `items` from NextToken (an index) and MaxResults, as Organizations pages. */
function page<T>(items: readonly T[], body: Record<string, unknown>): { items: T[]; next?: string } {
  const start = Number(body.NextToken ?? 0);
  const size = Number(body.MaxResults ?? 20);
  const next = start + size < items.length ? String(start + size) : undefined;
  return { items: items.slice(start, start + size), ...(next ? { next } : {}) };
}

/** The local engine's document for an account id (see localAnswers). */
type LocalAnswers = (accountId: string) => ScriptedDocument | undefined;

export class EffectivePolicyModel {
  /** AWS's answer per account id, when scripted. */
  readonly documents = new Map<string, ScriptedDocument>();
  /**
   * AWS's DescribeEffectivePolicy answers for BEDROCK_POLICY, per account id: only what a test scripts
   * (no local mirror), and an account not scripted is a test error, never an answer AWS would give.
   */
  readonly bedrockDocuments = new Map<string, ScriptedDocument>();
  /**
   * A test's own rule for the BEDROCK_POLICY answer of an account not in `bedrockDocuments` (what AWS
   * would print as the test's organization changes, across an apply say); without one, such an account
   * is a test error.
   */
  bedrockRule: ((accountId: string) => Promise<ScriptedDocument>) | undefined;
  /** What ListAccountsWithInvalidEffectivePolicy lists, with each account's validation errors. */
  readonly invalid: ScriptedInvalidAccount[] = [];
  /** The same for BEDROCK_POLICY (none unless a test scripts some). */
  readonly bedrockInvalid: ScriptedInvalidAccount[] = [];
  /** Every request the model answered: the operation, its PolicyType, and the account it was about. */
  readonly calls: { operation: string; policyType: string; accountId?: string }[] = [];
  /** Clients to moto by signing region: moto keeps each partition's organization apart. */
  private readonly clients = new Map<string, OrganizationsClient>();
  /** moto's endpoint (its organization read again at every call: tests change it), or a fixed organization's answers. */
  private readonly source: { endpoint: string } | { answers: LocalAnswers };

  /** `organization`: moto's endpoint, or a fixed snapshot (the benches' generated organizations). */
  constructor(organization: string | OrgSnapshot) {
    this.source =
      typeof organization === 'string' ? { endpoint: organization } : { answers: localAnswers(organization) };
  }

  private client(region: string, endpoint: string): OrganizationsClient {
    let client = this.clients.get(region);
    if (!client) {
      client = new OrganizationsClient({ region, endpoint, credentials: TEST_CREDENTIALS });
      this.clients.set(region, client);
    }
    return client;
  }

  clear(): void {
    this.documents.clear();
    this.bedrockDocuments.clear();
    this.bedrockRule = undefined;
    this.invalid.length = 0;
    this.bedrockInvalid.length = 0;
    this.calls.length = 0;
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
  }

  /** The answer to one of EFFECTIVE_POLICY_OPERATIONS. */
  async answer(operation: string, body: Record<string, unknown>, region = 'us-east-1'): Promise<ModelAnswer> {
    const policyType = String(body.PolicyType ?? '');
    const about = body.TargetId ?? body.AccountId;
    this.calls.push({ operation, policyType, ...(about ? { accountId: String(about) } : {}) });
    const bedrock = policyType === BEDROCK_POLICY_TYPE;
    if (bedrock && operation === 'DescribeEffectivePolicy') {
      return this.describeBedrock(String(body.TargetId ?? ''));
    }
    if (!bedrock && policyType !== AI_POLICY_TYPE) {
      return error('InvalidInputException', 'unsupported policy type');
    }
    if (operation === 'DescribeEffectivePolicy') return this.describe(String(body.TargetId ?? ''), region);
    const invalid = bedrock ? this.bedrockInvalid : this.invalid;
    if (operation === 'ListAccountsWithInvalidEffectivePolicy') {
      const { items, next } = page(invalid, body);
      const accounts = items.map((a) => ({
        Id: a.id,
        Name: a.name,
        Email: `${a.name}@example.com`,
        State: 'ACTIVE',
      }));
      return { status: 200, payload: { Accounts: accounts, PolicyType: policyType, NextToken: next } };
    }
    const accountId = String(body.AccountId ?? '');
    if (!(await this.isMember(accountId, region))) {
      return error(
        'AccountNotFoundException',
        `We can't find an AWS account with the AccountId ${accountId}.`,
      );
    }
    const errors = invalid.find((a) => a.id === accountId)?.errors ?? [];
    const { items, next } = page(errors, body);
    return {
      status: 200,
      payload: {
        AccountId: accountId,
        PolicyType: policyType,
        EffectivePolicyValidationErrors: items,
        NextToken: next,
      },
    };
  }

  private async describeBedrock(accountId: string): Promise<ModelAnswer> {
    if (!this.bedrockDocuments.has(accountId) && !this.bedrockRule) {
      const message = `no BEDROCK_POLICY answer scripted for ${accountId}`;
      return { status: 400, payload: { __type: 'NotScriptedByTheTest', Message: message } };
    }
    const scripted = this.bedrockDocuments.has(accountId)
      ? this.bedrockDocuments.get(accountId)
      : await this.bedrockRule?.(accountId);
    if (scripted === null || scripted === undefined) {
      return error(
        'EffectivePolicyNotFoundException',
        "The account doesn't have an effective policy of this type.",
      );
    }
    const policy = { PolicyContent: scripted, LastUpdatedTimestamp: 1_764_000_000, TargetId: accountId };
    return { status: 200, payload: { EffectivePolicy: { ...policy, PolicyType: BEDROCK_POLICY_TYPE } } };
  }

  private async describe(accountId: string, region: string): Promise<ModelAnswer> {
    const scripted = this.documents.has(accountId)
      ? this.documents.get(accountId)
      : await this.mirror(accountId, region);
    if (scripted === undefined) {
      return error('TargetNotFoundException', `We can't find an account with the TargetId ${accountId}.`);
    }
    if (scripted === null) {
      return error(
        'EffectivePolicyNotFoundException',
        "The account doesn't have an effective policy of this type.",
      );
    }
    return {
      status: 200,
      payload: {
        EffectivePolicy: {
          PolicyContent: scripted,
          LastUpdatedTimestamp: 1_764_000_000,
          TargetId: accountId,
          PolicyType: AI_POLICY_TYPE,
        },
      },
    };
  }

  /** The local engine's answers for the organization as it is now. */
  private async engine(region: string): Promise<LocalAnswers> {
    if ('answers' in this.source) return this.source.answers;
    const reader = new OrganizationsReader(this.client(region, this.source.endpoint), {
      throttle: new Throttle({ rates: 'none' }),
    });
    return localAnswers(await reader.read());
  }

  /** The local engine's answer (see the file comment). */
  private async mirror(accountId: string, region: string): Promise<ScriptedDocument | undefined> {
    return (await this.engine(region))(accountId);
  }

  /** Whether the account is in the organization: AWS answers AccountNotFoundException for one that is not. */
  private async isMember(accountId: string, region: string): Promise<boolean> {
    return (await this.engine(region))(accountId) !== undefined;
  }
}

/**
 * The local engine's answers for the accounts of `snapshot` (the tree and its states computed once):
 * `null` when nothing applies (AWS's EffectivePolicyNotFoundException), undefined for an account not in
 * it (TargetNotFoundException).
 */
export function localAnswers(snapshot: OrgSnapshot): LocalAnswers {
  const tree = new OrgTree(snapshot);
  const enabled = policyTypeStatus(snapshot.root, AI_OPT_OUT_FACTS) === 'ENABLED';
  const effective = effectivePoliciesOf(tree, snapshot.policies);
  return (accountId) => {
    if (!tree.get(accountId)) return undefined;
    if (!enabled) return null;
    const document = effectiveDocument(effective.stateOf(accountId));
    return Object.keys(document.services).length === 0 ? null : JSON.stringify(document);
  };
}
