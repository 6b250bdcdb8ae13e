/**
 * `npm run bench:live [sizes...]`: builds organizations of 100, 1,000 and 5,000 accounts in moto (the
 * AWS emulator) and measures, in the same run and against the same organization:
 *
 * - plan: what `ai-optout plan` does (readLive through planLive, then the local plan);
 * - walk: the per-account inheritance walk peer scanners do: ListAccounts, then for every account
 *   ListParents up to the root and ListPoliciesForTarget for the account and each node of its chain
 *   (per account, no per-node cache), DescribePolicy once per distinct policy.
 *
 * For each it prints calls per operation, wall time against moto, and the time that call mix takes at
 * AWS's published per-operation rates. With `--aws-rates` it runs live-rates.ts instead: the read
 * through an AWS-rate simulator, before and after spreading it over the throttling table's rows. Both measures see at most CONCURRENCY requests in flight, and
 * the walk's effective attachments are checked against the plan's snapshot for every account.
 */

import {
  AttachPolicyCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  CreatePolicyCommand,
  DescribePolicyCommand,
  EnablePolicyTypeCommand,
  ListAccountsCommand,
  type ListAccountsCommandOutput,
  ListParentsCommand,
  type ListParentsCommandOutput,
  ListPoliciesForTargetCommand,
  type ListPoliciesForTargetCommandOutput,
  ListRootsCommand,
  MoveAccountCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { createOrganizationsClient } from '../lambdas/adapters/aws/clients.ts';
import { OrganizationsReader } from '../lambdas/adapters/organizations/reader.ts';
import { PUBLISHED_RATES, Throttle } from '../lambdas/adapters/organizations/throttle.ts';
import { loadDesiredState } from '../lambdas/domain/desired-state/loader.ts';
import type { DesiredState } from '../lambdas/domain/desired-state/types.ts';
import { MANAGED_TAG_KEY, type OrgSnapshot } from '../lambdas/domain/model.ts';
import { OrgTree } from '../lambdas/domain/organization.ts';
import type { Plan } from '../lambdas/domain/planner.ts';
import {
  type ParsedPolicyDocument,
  parsePolicyDocument,
  renderPolicyDocument,
} from '../lambdas/domain/policy-types/ai-optout/document.ts';
import {
  type EffectiveState,
  EMPTY_STATE,
  effectivePoliciesOf,
  mergeNode,
  resolve,
  servicesOf,
} from '../lambdas/domain/policy-types/ai-optout/engine.ts';
import { AI_POLICY_TYPE } from '../lambdas/domain/policy-types/ai-optout/facts.ts';
import type { AttachedPolicy } from '../lambdas/domain/policy-types/policy-type.ts';
import { planLive } from '../lambdas/reconciler.ts';
import { type CallCounts, countCalls, secondsAtPublishedRates } from '../test/support/call-counts.ts';
import { type MotoServer, startMoto } from '../test/support/moto.ts';
import { fmtN, fmtS, nameMotoAccount, pool, seconds, table } from './support.ts';

/** Requests in flight at once, for the build and for both measures. */
const CONCURRENCY = 8;
const PAGE_SIZE = 20;
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
/** Rows in reading order: the plan's calls, then the walk's. */
const OPERATION_ORDER = [
  'DescribeOrganization',
  'ListRoots',
  'ListOrganizationalUnitsForParent',
  'ListAccountsForParent',
  'ListPolicies',
  'DescribePolicy',
  'ListTagsForResource',
  'ListTargetsForPolicy',
  'ListAccounts',
  'ListParents',
  'ListPoliciesForTarget',
];
const DESCRIPTION = 'AI services opt-out policy managed by ai-optout';

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);

// ---- helpers ---------------------------------------------------------------------------------

/** A small deterministic PRNG (mulberry32), as in generate-org.ts. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Caps the requests a client has in flight, whatever issues them (the same cap for both measures). */
function limitInFlight(client: OrganizationsClient, limit: number): void {
  let active = 0;
  const waiting: (() => void)[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      if (active < limit) active++;
      else await new Promise<void>((resolveSlot) => waiting.push(resolveSlot)); // slot handed over
      try {
        return await next(args);
      } finally {
        const waiter = waiting.shift();
        if (waiter) waiter();
        else active--;
      }
    },
    { step: 'initialize', name: 'benchInFlightLimit' },
  );
}

function client(endpoint: string): OrganizationsClient {
  const created = createOrganizationsClient({ endpoint, credentials: CREDENTIALS });
  limitInFlight(created, CONCURRENCY);
  nameMotoAccount(created);
  return created;
}

const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(1)}x` : a > 0 ? 'inf' : '-');
const total = (counts: CallCounts) => Object.values(counts).reduce((sum, n) => sum + n, 0);
/** Seconds one operation's calls take at its published rate, after the bucket's burst. */
const opSeconds = (operation: string, count: number) => {
  const limit = PUBLISHED_RATES[operation];
  return limit && count > 0 ? Math.max(0, count - limit.burst) / limit.rate : 0;
};
const slowest = (counts: CallCounts) =>
  Object.entries(counts).reduce<[string, number]>(
    (best, [op, n]) => (opSeconds(op, n) > best[1] ? [op, opSeconds(op, n)] : best),
    ['-', 0],
  )[0];

// ---- build the organization in moto (not measured) --------------------------------------------

interface BuiltOrg {
  accounts: number;
  organizationalUnits: number;
  policies: number;
  attachments: number;
  desiredYaml: string;
  buildMs: number;
  buildCalls: number;
}

async function buildOrg(endpoint: string, accountCount: number): Promise<BuiltOrg> {
  const start = performance.now();
  const org = client(endpoint);
  const counts = countCalls(org);
  const rand = random(accountCount);
  await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const rootId = (await org.send(new ListRootsCommand({}))).Roots?.[0]?.Id;
  if (!rootId) throw new Error('moto: no root after CreateOrganization');
  await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: AI_POLICY_TYPE }));

  // LZA-like tree, about one OU per 25 accounts: Security, Infrastructure, Workloads/<BU>/{Prod,Dev}, Sandbox.
  const createOu = async (name: string, parentId: string) => {
    const response = await org.send(new CreateOrganizationalUnitCommand({ ParentId: parentId, Name: name }));
    const id = response.OrganizationalUnit?.Id;
    if (!id) throw new Error(`moto: CreateOrganizationalUnit ${name} returned no id`);
    return id;
  };
  const [security, infrastructure, workloads, sandbox] = await Promise.all(
    ['Security', 'Infrastructure', 'Workloads', 'Sandbox'].map((name) => createOu(name, rootId)),
  );
  if (!security || !infrastructure || !workloads || !sandbox) throw new Error('moto: top-level OUs missing');
  const businessUnits = Math.max(2, Math.floor((Math.max(10, Math.round(accountCount / 25)) - 4) / 3));
  const buNames = Array.from({ length: businessUnits }, (_, i) => `BU-${String(i + 1).padStart(3, '0')}`);
  const stages = await pool(buNames, CONCURRENCY, async (bu) => {
    const buId = await createOu(bu, workloads);
    const [prod, dev] = await Promise.all([createOu('Prod', buId), createOu('Dev', buId)]);
    return { bu, prod: prod as string, dev: dev as string };
  });
  const prodOus = stages.map((s) => s.prod);
  const workloadOus = stages.flatMap((s) => [s.prod, s.dev]);
  const organizationalUnits = 4 + businessUnits * 3;

  // Accounts: the management account stays at the root; the others are created then moved.
  const placements: { name: string; parentId: string }[] = [
    { name: 'log-archive', parentId: security },
    { name: 'audit', parentId: security },
    { name: 'network', parentId: infrastructure },
    { name: 'shared-services', parentId: infrastructure },
  ];
  const sandboxAccounts = Math.max(1, Math.floor(accountCount * 0.05));
  for (let i = 0; i < sandboxAccounts; i++) placements.push({ name: `sandbox-${i}`, parentId: sandbox });
  while (placements.length < accountCount - 1) {
    const parentId = workloadOus[Math.floor(rand() * workloadOus.length)] as string;
    placements.push({ name: `workload-${placements.length}`, parentId });
  }
  let done = 0;
  const idByName = new Map<string, string>();
  await pool(placements, CONCURRENCY, async ({ name, parentId }) => {
    const created = await org.send(
      new CreateAccountCommand({ AccountName: name, Email: `aws+${name}@example.com` }),
    );
    const id = created.CreateAccountStatus?.AccountId;
    if (!id) throw new Error(`moto: CreateAccount ${name} returned no account id`);
    await org.send(
      new MoveAccountCommand({ AccountId: id, SourceParentId: rootId, DestinationParentId: parentId }),
    );
    idByName.set(name, id);
    if (++done % 1000 === 0) process.stderr.write(`    ${done} accounts created\n`);
  });
  // Ids depend on the order concurrent calls reach moto: pick targets by name, so the shape is the same every run.
  const workloadAccounts = placements
    .filter((p) => p.name.startsWith('workload-'))
    .map((p) => idByName.get(p.name) as string);

  // Policies: a managed baseline on the root, a managed locked policy on every Prod OU but one (drift),
  // and hand-made opt-ins on a few workload OUs and accounts.
  const attachments: [string, string][] = [];
  const createPolicy = async (name: string, content: string, managed: boolean, targets: string[]) => {
    const response = await org.send(
      new CreatePolicyCommand({
        Name: name,
        Description: managed ? DESCRIPTION : 'hand-made',
        Type: AI_POLICY_TYPE,
        Content: content,
        ...(managed ? { Tags: [{ Key: MANAGED_TAG_KEY, Value: 'true' }] } : {}),
      }),
    );
    const id = response.Policy?.PolicySummary?.Id;
    if (!id) throw new Error(`moto: CreatePolicy ${name} returned no id`);
    for (const target of targets) attachments.push([id, target]);
  };
  await createPolicy(
    'ai-optout-baseline',
    renderPolicyDocument({ default: 'optOut', lock: 'declared' }),
    true,
    [rootId],
  );
  await createPolicy(
    'ai-optout-production',
    renderPolicyDocument({ default: 'optOut', lock: 'all' }),
    true,
    prodOus.slice(1),
  );
  const services = ['comprehend', 'lex', 'polly', 'rekognition', 'textract', 'transcribe', 'translate'];
  const rogues = Math.max(3, Math.ceil(accountCount / 1000));
  for (let i = 0; i < rogues; i++) {
    const service = services[i % services.length] as string;
    const target =
      i % 2 === 1
        ? (workloadAccounts[Math.floor(rand() * workloadAccounts.length)] as string)
        : (workloadOus[Math.floor(rand() * workloadOus.length)] as string);
    await createPolicy(
      `team-${i}-${service}-optin`,
      JSON.stringify({ services: { [service]: { opt_out_policy: { '@@assign': 'optIn' } } } }, null, 2),
      false,
      [target],
    );
  }
  await pool(attachments, CONCURRENCY, ([PolicyId, TargetId]) =>
    org.send(new AttachPolicyCommand({ PolicyId, TargetId })),
  );

  const prodTargets = stages.map((s) => `      - ou: Workloads/${s.bu}/Prod`).join('\n');
  const desiredYaml = `version: 1
policies:
  - name: ai-optout-baseline
    description: ${DESCRIPTION}
    default: optOut
    lock: declared
    targets: [root]
  - name: ai-optout-production
    description: ${DESCRIPTION}
    default: optOut
    lock: all
    targets:
${prodTargets}
  - name: ai-optout-sandbox
    description: ${DESCRIPTION}
    services: { lex: optIn }
    lock: none
    targets:
      - ou: Sandbox
expect:
  optOut: all
  except:
    - ou: Sandbox
      services: [lex]
`;
  org.destroy();
  return {
    accounts: accountCount,
    organizationalUnits,
    policies: 2 + rogues,
    attachments: attachments.length,
    desiredYaml,
    buildMs: performance.now() - start,
    buildCalls: total(counts),
  };
}

// ---- measure A: ai-optout plan ------------------------------------------------------------------

interface PlanMeasure {
  counts: CallCounts;
  ms: number;
  snapshot: OrgSnapshot;
  plan: Plan;
}

async function measurePlan(endpoint: string, desired: DesiredState): Promise<PlanMeasure> {
  const org = client(endpoint);
  const counts = countCalls(org);
  const throttle = new Throttle({ rates: 'none', maxInFlight: CONCURRENCY });
  const start = performance.now();
  // moto has no DescribeEffectivePolicy: the bench measures the read and the plan, not AWS's check.
  const { snapshot, plan } = await planLive(desired, { client: org, throttle, verify: 'none' });
  const ms = performance.now() - start;
  org.destroy();
  return { counts, ms, snapshot, plan };
}

// ---- measure B: per-account inheritance walk ----------------------------------------------------

interface AccountWalk {
  /** Root first, the account last (the order of OrgTree.chain). */
  chain: string[];
  /** Policy ids attached directly to each node of the chain. */
  attached: Map<string, string[]>;
  state: EffectiveState;
}

interface WalkMeasure {
  counts: CallCounts;
  ms: number;
  accounts: Map<string, AccountWalk>;
}

async function measureWalk(endpoint: string): Promise<WalkMeasure> {
  const org = client(endpoint);
  const counts = countCalls(org);
  // The same throttle settings as the plan, and the reader's own paginate (same error handling).
  const api = new OrganizationsReader(org, {
    throttle: new Throttle({ rates: 'none', maxInFlight: CONCURRENCY }),
  });
  const described = new Map<string, Promise<AttachedPolicy<ParsedPolicyDocument>>>();
  const describe = (id: string) => {
    let policy = described.get(id);
    if (!policy) {
      policy = api
        .call('DescribePolicy', (c) => c.send(new DescribePolicyCommand({ PolicyId: id })))
        .then((response) => ({
          id,
          name: response.Policy?.PolicySummary?.Name ?? '',
          document: parsePolicyDocument(response.Policy?.Content ?? ''),
        }));
      described.set(id, policy);
    }
    return policy;
  };

  const start = performance.now();
  const listed = await api.paginate<ListAccountsCommandOutput, { Id?: string | undefined }>(
    'ListAccounts',
    (c, NextToken) => c.send(new ListAccountsCommand({ NextToken, MaxResults: PAGE_SIZE })),
    (page) => page.Accounts,
  );
  const accountIds = listed.map((a) => a.Id).filter((id): id is string => Boolean(id));
  const walked = await pool(accountIds, CONCURRENCY, async (accountId): Promise<[string, AccountWalk]> => {
    const chain = [accountId];
    for (let child = accountId; ; ) {
      const parents = await api.paginate<ListParentsCommandOutput, { Id?: string; Type?: string }>(
        'ListParents',
        (c, NextToken) => c.send(new ListParentsCommand({ ChildId: child, NextToken })),
        (page) => page.Parents,
      );
      const parent = parents[0];
      if (!parent?.Id) throw new Error(`ListParents ${child} returned no parent`);
      chain.push(parent.Id);
      if (parent.Type === 'ROOT') break;
      child = parent.Id;
    }
    chain.reverse();
    const perNode = await Promise.all(
      chain.map((TargetId) =>
        api.paginate<ListPoliciesForTargetCommandOutput, { Id?: string }>(
          'ListPoliciesForTarget',
          (c, NextToken) =>
            c.send(
              new ListPoliciesForTargetCommand({
                TargetId,
                Filter: AI_POLICY_TYPE,
                NextToken,
                MaxResults: PAGE_SIZE,
              }),
            ),
          (page) => page.Policies,
        ),
      ),
    );
    const attached = new Map<string, string[]>();
    let state = EMPTY_STATE;
    for (const [i, nodeId] of chain.entries()) {
      const ids = (perNode[i] ?? []).map((p) => p.Id).filter((id): id is string => Boolean(id));
      attached.set(nodeId, ids);
      state = mergeNode(state, nodeId, await Promise.all(ids.map(describe))).state;
    }
    return [accountId, { chain, attached, state }];
  });
  const ms = performance.now() - start;
  org.destroy();
  return { counts, ms, accounts: new Map(walked) };
}

// ---- both measures must see the same organization ----------------------------------------------

function checkSameOrganization(planned: PlanMeasure, walk: WalkMeasure): string {
  const { snapshot, plan } = planned;
  const problems: string[] = [];
  const tree = new OrgTree(snapshot);
  const effective = effectivePoliciesOf(tree, snapshot.policies);
  const attachedTo = (nodeId: string) =>
    snapshot.policies.filter((p) => p.targets.includes(nodeId)).map((p) => p.id);
  if (walk.accounts.size !== tree.accounts.length || plan.accounts.total !== walk.accounts.size) {
    problems.push(
      `account counts differ: walk ${walk.accounts.size}, snapshot ${tree.accounts.length}, plan ${plan.accounts.total}`,
    );
  }
  let settings = 0;
  const sorted = (ids: readonly string[]) => [...ids].sort().join(',');
  for (const account of tree.accounts) {
    const walked = walk.accounts.get(account.id);
    if (!walked) {
      problems.push(`${account.id}: in the plan's snapshot, not listed by ListAccounts`);
      continue;
    }
    const chain = tree.chain(account).map((n) => n.id);
    if (chain.join('/') !== walked.chain.join('/')) {
      problems.push(`${account.id}: chain ${chain.join('/')} (plan) vs ${walked.chain.join('/')} (walk)`);
      continue;
    }
    for (const nodeId of chain) {
      const fromPlan = sorted(attachedTo(nodeId));
      const fromWalk = sorted(walked.attached.get(nodeId) ?? []);
      if (fromPlan !== fromWalk)
        problems.push(`${account.id}: on ${nodeId} plan sees [${fromPlan}], walk [${fromWalk}]`);
    }
    const planState = effective.stateOf(account.id);
    for (const service of new Set([...servicesOf(planState), ...servicesOf(walked.state)])) {
      settings++;
      const [a, b] = [resolve(planState, service), resolve(walked.state, service)];
      if (a !== b) problems.push(`${account.id} ${service}: plan resolves ${a}, walk ${b}`);
    }
  }
  for (const violation of plan.violations) {
    const walked = walk.accounts.get(violation.accountId);
    const actual = walked ? resolve(walked.state, violation.service) : 'missing';
    if (actual !== violation.actual) {
      problems.push(
        `plan violation ${violation.accountId} ${violation.service}=${violation.actual}, walk ${actual}`,
      );
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `plan and walk do not see the same organization (${problems.length} differences):\n  ${problems.slice(0, 20).join('\n  ')}`,
    );
  }
  return `same organization: all ${fmtN(tree.accounts.length)} accounts have identical chains and per-node attachments, ${fmtN(settings)} resolved settings agree, ${plan.violations.length} plan violations confirmed by the walk`;
}

// ---- run -------------------------------------------------------------------------------------------

interface SizeResult {
  built: BuiltOrg;
  plan: PlanMeasure;
  walk: WalkMeasure;
}

function printSize({ built, plan, walk }: SizeResult, check: string): void {
  const operations = [
    ...new Set([...OPERATION_ORDER, ...Object.keys(plan.counts), ...Object.keys(walk.counts)]),
  ].filter((op) => plan.counts[op] || walk.counts[op]);
  const rows: string[][] = [['operation', 'rate/s (burst)', 'calls: plan', 'walk', 's@rate: plan', 'walk']];
  for (const op of operations) {
    const p = plan.counts[op] ?? 0;
    const w = walk.counts[op] ?? 0;
    const limit = PUBLISHED_RATES[op];
    rows.push([
      op,
      limit ? `${limit.rate} (${limit.burst})` : '?',
      p ? fmtN(p) : '-',
      w ? fmtN(w) : '-',
      p ? opSeconds(op, p).toFixed(1) : '-',
      w ? opSeconds(op, w).toFixed(1) : '-',
    ]);
  }
  const [pc, wc] = [total(plan.counts), total(walk.counts)];
  const [pr, wr] = [secondsAtPublishedRates(plan.counts), secondsAtPublishedRates(walk.counts)];
  rows.push(['total calls', '', fmtN(pc), fmtN(wc), '', '']);
  console.log(
    `\n== ${fmtN(built.accounts)} accounts, ${built.organizationalUnits} OUs, ${built.policies} AI policies (${built.attachments} attachments); built in ${fmtS(seconds(built.buildMs))} with ${fmtN(built.buildCalls)} calls, not measured ==`,
  );
  console.log(table(rows));
  console.log(
    table(
      [
        ['', 'plan', 'walk', 'walk/plan'],
        ['calls', fmtN(pc), fmtN(wc), ratio(wc, pc)],
        ['wall time (moto)', fmtS(seconds(plan.ms)), fmtS(seconds(walk.ms)), ratio(walk.ms, plan.ms)],
        ['at published rates', fmtS(pr), fmtS(wr), ratio(wr, pr)],
        ['slowest operation', slowest(plan.counts), slowest(walk.counts), ''],
      ],
      1,
    ),
  );
  console.log(`check: ${check}`);
}

async function main(): Promise<void> {
  const list = sizes.length > 0 ? sizes : [100, 1000, 5000];
  const moto: MotoServer = await startMoto();
  const results: SizeResult[] = [];
  const overall = performance.now();
  console.log(
    `ai-optout live benchmark against moto (node ${process.version}, ${CONCURRENCY} requests in flight at most for the build and both measures, throttle rates 'none', page size ${PAGE_SIZE})`,
  );
  console.log(
    'plan = readLive + plan (DescribeOrganization, ListRoots, per parent ListOrganizationalUnitsForParent + ListAccountsForParent, per policy DescribePolicy + ListTagsForResource + ListTargetsForPolicy)',
  );
  console.log(
    'walk = what peer scanners do: ListAccounts, then per account ListParents up to the root and ListPoliciesForTarget for the account and each node of its chain, asked per account (no per-node cache), DescribePolicy once per distinct policy (cached)',
  );
  console.log(
    'every request names its account (x-moto-account-id), so moto skips its per-request scan of every account (O(accounts) a call in moto 5.2.1, not an AWS cost)',
  );
  console.log(
    "s@rate: each operation is paced by its own token bucket (AWS's published rate and burst) and all run in parallel, so the slowest operation decides the total",
  );
  try {
    for (const size of list) {
      await moto.reset();
      await moto.seed(size);
      process.stderr.write(`  ${fmtN(size)} accounts: building in moto...\n`);
      const built = await buildOrg(moto.endpoint, size);
      const loaded = loadDesiredState(built.desiredYaml, { file: `bench-live-${size}.yaml` });
      if (!loaded.ok) throw new Error(`desired state invalid: ${JSON.stringify(loaded.diagnostics)}`);
      process.stderr.write(
        `  ${fmtN(size)} accounts: built in ${fmtS(seconds(built.buildMs))}; measuring plan...\n`,
      );
      const planned = await measurePlan(moto.endpoint, loaded.state);
      process.stderr.write(`  ${fmtN(size)} accounts: measuring per-account walk...\n`);
      const walk = await measureWalk(moto.endpoint);
      const check = checkSameOrganization(planned, walk);
      const result = { built, plan: planned, walk };
      results.push(result);
      printSize(result, check);
      console.log(`plan: ${planned.plan.summary}`);
    }
  } finally {
    await moto.stop();
  }

  console.log('\n== summary ==');
  const rows: string[][] = [
    [
      'accounts',
      'OUs',
      'policies',
      'calls: plan',
      'walk',
      'ratio',
      'wall: plan',
      'walk',
      'ratio',
      '@rates: plan',
      'walk',
      'ratio',
      'build',
    ],
  ];
  for (const { built, plan, walk } of results) {
    const [pc, wc] = [total(plan.counts), total(walk.counts)];
    const [pr, wr] = [secondsAtPublishedRates(plan.counts), secondsAtPublishedRates(walk.counts)];
    rows.push([
      fmtN(built.accounts),
      String(built.organizationalUnits),
      String(built.policies),
      fmtN(pc),
      fmtN(wc),
      ratio(wc, pc),
      fmtS(seconds(plan.ms)),
      fmtS(seconds(walk.ms)),
      ratio(walk.ms, plan.ms),
      fmtS(pr),
      fmtS(wr),
      ratio(wr, pr),
      fmtS(seconds(built.buildMs)),
    ]);
  }
  console.log(table(rows, 0));
  console.log(
    `\nwall times are against moto on this machine: moto scans its lists on every call, so they show how much work each approach asks for, not AWS latency. The @rates columns are the floor AWS's throttling sets. Total run ${fmtS(seconds(performance.now() - overall))}.`,
  );
}

if (process.argv.includes('--aws-rates')) {
  const { runAwsRates } = await import('./live-rates.ts');
  await runAwsRates(sizes);
} else {
  await main();
}
