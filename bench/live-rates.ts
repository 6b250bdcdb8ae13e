/**
 * `npm run bench:live -- --aws-rates [sizes...]`: reads generated LZA-shaped organizations (generate-org.ts)
 * through the AWS-rate simulator (rate-simulator.ts) and prints, per size and per throttling model (a
 * bucket per row of AWS's table, or per operation): calls by operation, the time at AWS's published
 * rates, the floor for that organization under the same model (read-floor.ts) and the ratio, for the
 * read before this change (every parent's accounts through ListAccountsForParent, the policies after
 * the walk) and after it (OrganizationSession.readUntil, the pipeline's read). After the pipeline's read it confirms
 * the effective policies as a run does (OrganizationSession.confirm, one DescribeEffectivePolicy per distinct state) and
 * prints those calls, their time and the run's total against the 11-minute budget.
 *
 * Organizations up to MOTO_UP_TO accounts are built in moto and read through the simulator in front of
 * it; larger ones are read from the in-memory model of the same generated organization (moto's list
 * calls scan every account, which the scaled clock would multiply into the measured time).
 */
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { OrganizationsReader, startOfWalk } from '../lambdas/adapters/organizations/reader.ts';
import { type BucketSharing, PUBLISHED_RATES, Throttle } from '../lambdas/adapters/organizations/throttle.ts';
import type { OrgSnapshot } from '../lambdas/domain/model.ts';
import { accountsToVerifyByType } from '../lambdas/domain/planner/type-fidelity.ts';
import { VERSION_1_POLICY_TYPE } from '../lambdas/domain/policy-types/version-1.ts';
import { DEFAULT_VERIFY_CALL_LIMIT, OrganizationSession } from '../lambdas/organization-session.ts';
import { EFFECTIVE_POLICY_OPERATIONS } from '../test/support/effective-policy-model.ts';
import { startMoto } from '../test/support/moto.ts';
import {
  addAccount,
  addOu,
  addPolicy,
  createOrganization,
  enableAiPolicyType,
  TEST_CREDENTIALS,
} from '../test/support/moto-org.ts';
import { generateOrg } from './generate-org.ts';
import { startOrgModel } from './org-model-server.ts';
import { type RateSimulator, ScaledClock, startRateSimulator } from './rate-simulator.ts';
import { readFloorSeconds } from './read-floor.ts';
import { fmtN, fmtS, nameMotoAccount, pool, table } from './support.ts';

const MOTO_UP_TO = 1_000;
/**
 * How much faster than the wall clock the simulator and the reader's pacing run. moto's own time per
 * call (tens of milliseconds for a list at 1,000 accounts) is multiplied too, so moto runs slower.
 */
const SCALE = { moto: 2, model: Number(process.env.BENCH_SCALE ?? 5) };
/**
 * Real milliseconds the in-memory model waits before each answer. 0: this process's own time per call
 * (the SDK, the simulator, the model: tens of milliseconds on a loaded machine), multiplied by the
 * scale, already makes a latency of AWS's order; the summary prints it (ListAccounts pages are sequential).
 */
const MODEL_LATENCY_MS = 0;
const MODELS: readonly BucketSharing[] = ['row', 'operation'];
const STRATEGIES = ['before', 'after'] as const;
type Strategy = (typeof STRATEGIES)[number];
/** The Lambda budget the read must fit: a 14-minute function less its reserve, rounded down. */
const BUDGET_S = 11 * 60;

/** The run's confirmation with AWS after the read (`confirm`, `verify: states`), in the same clock and buckets. */
interface VerifyMeasure {
  seconds: number;
  /** Distinct effective states among the accounts (one DescribeEffectivePolicy call each). */
  states: number;
  calls: Record<string, number>;
}

interface Measure {
  seconds: number;
  calls: Record<string, number>;
  throttled: Record<string, number>;
  /** Scaled seconds between two ListAccounts pages (a chain: each needs the previous page's token). */
  accountsPageS: number | undefined;
  snapshot: OrgSnapshot;
  verify?: VerifyMeasure;
}

/**
 * The SDK with standard retries: adaptive retry's client-side rate limiter runs on the wall clock, which
 * the scaled clock would turn into minutes of waiting after a single throttle.
 */
function client(endpoint: string, moto: boolean): OrganizationsClient {
  const created = new OrganizationsClient({
    region: 'us-east-1',
    endpoint,
    credentials: TEST_CREDENTIALS,
    retryMode: 'standard',
    maxAttempts: 10,
  });
  if (moto) nameMotoAccount(created);
  return created;
}

/** Builds the generated organization in moto, through the live tests' builders (OUs by path, accounts by name). */
async function buildInMoto(endpoint: string, snapshot: OrgSnapshot): Promise<void> {
  const admin = client(endpoint, true);
  const org = await createOrganization(admin);
  await enableAiPolicyType(admin, org);
  const ous = new Map(snapshot.organizationalUnits.map((ou) => [ou.id, ou]));
  const pathOf = (id: string): string | undefined => {
    const ou = ous.get(id);
    if (!ou) return undefined; // the root
    const parent = pathOf(ou.parentId);
    return parent ? `${parent}/${ou.name}` : ou.name;
  };
  for (const ou of snapshot.organizationalUnits) await addOu(admin, org, pathOf(ou.id) as string);
  const members = snapshot.accounts.filter((a) => a.id !== snapshot.organization.managementAccountId);
  await pool(members, 8, (account) => addAccount(admin, org, account.name, pathOf(account.parentId)));
  const names = new Map(snapshot.accounts.map((a) => [a.id, a.name]));
  for (const policy of snapshot.policies) {
    const targets = policy.targets.map((id) =>
      id === snapshot.root.id ? 'root' : (pathOf(id) ?? (names.get(id) as string)),
    );
    await addPolicy(admin, org, policy.name, policy.content, targets, {
      tags: policy.tags,
      description: policy.description,
    });
  }
  admin.destroy();
}

/** The read on main before this change: OUs and accounts per parent, then the root and policies. */
async function readBefore(reader: OrganizationsReader): Promise<OrgSnapshot> {
  const [organization, root] = await Promise.all([reader.describeOrganization(), reader.readRoot()]);
  const walked = await reader.walkHierarchy(startOfWalk(root.id));
  const [fresh, policies] = await Promise.all([reader.fetchRoot(), reader.readPolicies()]);
  const { organizationalUnits, accounts } = walked;
  return {
    snapshotVersion: 1,
    capturedAt: '',
    organization,
    root: fresh,
    organizationalUnits,
    accounts,
    policies,
  };
}

async function measure(
  simulator: RateSimulator,
  clock: ScaledClock,
  sharing: BucketSharing,
  strategy: Strategy,
  moto: boolean,
): Promise<Measure> {
  simulator.reset();
  const org = client(simulator.endpoint, moto);
  const throttle = new Throttle({ rates: 'published', sharing, now: clock.now, sleep: clock.sleep });
  const start = clock.now();
  let snapshot: OrgSnapshot;
  if (strategy === 'before') {
    const reader = new OrganizationsReader(org, { throttle, memberListings: ['ListAccountsForParent'] });
    snapshot = await readBefore(reader);
  } else {
    const session = new OrganizationSession({ client: org, throttle });
    const read = await session.readUntil(new AbortController().signal);
    if (!read.complete) throw new Error('the read stopped without a stop signal');
    snapshot = read.snapshot;
  }
  const seconds = (clock.now() - start) / 1000;
  const read = { calls: { ...simulator.calls }, throttled: { ...simulator.throttled } };
  const verify =
    strategy === 'after' ? await measureVerify(simulator, clock, org, throttle, snapshot) : undefined;
  org.destroy();
  const throttled = read.throttled;
  const span = simulator.spans.ListAccounts;
  const pages = simulator.calls.ListAccounts ?? 0;
  const accountsPageS = span && pages > 1 ? (span.last - span.first) / 1000 / (pages - 1) : undefined;
  return { seconds, calls: read.calls, throttled, accountsPageS, snapshot, ...(verify ? { verify } : {}) };
}

/**
 * What the pipeline's run does after the read: DescribeEffectivePolicy for one account per distinct
 * state, ListAccountsWithInvalidEffectivePolicy, through the same simulator. moto has none of these
 * operations, so the simulator sends them to a model answering with the local engine's documents for
 * the snapshot just read (moto's ids).
 */
async function measureVerify(
  simulator: RateSimulator,
  clock: ScaledClock,
  org: OrganizationsClient,
  throttle: Throttle,
  snapshot: OrgSnapshot,
): Promise<VerifyMeasure> {
  const model = await startOrgModel(snapshot, { readCalls: false });
  simulator.route(EFFECTIVE_POLICY_OPERATIONS, model.endpoint);
  try {
    const start = clock.now();
    const session = new OrganizationSession({ client: org, throttle, verify: 'states' });
    const { verification } = await session.confirm(snapshot);
    const seconds = (clock.now() - start) / 1000;
    if (verification.source !== 'aws') throw new Error('the confirmation did not ask AWS');
    const calls = Object.fromEntries(EFFECTIVE_POLICY_OPERATIONS.map((op) => [op, simulator.calls[op] ?? 0]));
    const [aiOptOut] = accountsToVerifyByType(snapshot, 'states', DEFAULT_VERIFY_CALL_LIMIT, [
      VERSION_1_POLICY_TYPE,
    ]);
    return { seconds, states: aiOptOut?.states ?? 0, calls };
  } finally {
    await model.stop();
  }
}

/** The snapshot's content in a fixed order, for comparing reads (capturedAt aside). */
function canonical(snapshot: OrgSnapshot): string {
  const byId = <T extends { id: string }>(items: T[]) => [...items].sort((a, b) => a.id.localeCompare(b.id));
  const policies = byId(snapshot.policies).map((p) => ({ ...p, targets: [...p.targets].sort() }));
  return JSON.stringify({
    organization: snapshot.organization,
    root: snapshot.root,
    organizationalUnits: byId(snapshot.organizationalUnits),
    accounts: byId(snapshot.accounts),
    policies,
  });
}

function printModel(title: string, results: Record<Strategy, Measure>, floor: number): void {
  const seen = STRATEGIES.flatMap((s) => [
    ...Object.keys(results[s].calls),
    ...Object.keys(results[s].throttled),
  ]);
  const operations = [...new Set(seen)].sort();
  const rows = [['operation', 'rate/s (burst)', 'calls: before', 'after']];
  const cell = (m: Measure, op: string) =>
    `${fmtN(m.calls[op] ?? 0)}${m.throttled[op] ? ` (+${m.throttled[op]} throttled)` : ''}`;
  for (const op of operations) {
    const limit = PUBLISHED_RATES[op];
    rows.push([
      op,
      limit ? `${limit.rate} (${limit.burst})` : 'not in the table',
      cell(results.before, op),
      cell(results.after, op),
    ]);
  }
  const sum = (s: Strategy) => Object.values(results[s].calls).reduce((a, b) => a + b, 0);
  rows.push(['total', '', fmtN(sum('before')), fmtN(sum('after'))]);
  const throttled = (m: Measure) => fmtN(Object.values(m.throttled).reduce((a, b) => a + b, 0));
  rows.push([
    'throttled (TooManyRequests, retried)',
    '',
    throttled(results.before),
    throttled(results.after),
  ]);
  const pageS = (m: Measure) =>
    m.accountsPageS === undefined ? '-' : `${(m.accountsPageS * 1000).toFixed(0)} ms`;
  rows.push(['ListAccounts: time a page', '', pageS(results.before), pageS(results.after)]);
  rows.push(['time at published rates', '', fmtS(results.before.seconds), fmtS(results.after.seconds)]);
  rows.push(['floor (same model)', '', fmtS(floor), fmtS(floor)]);
  rows.push([
    'ratio to the floor',
    '',
    `${(results.before.seconds / floor).toFixed(2)}x`,
    `${(results.after.seconds / floor).toFixed(2)}x`,
  ]);
  const verify = results.after.verify;
  if (verify) {
    for (const op of EFFECTIVE_POLICY_OPERATIONS) {
      const limit = PUBLISHED_RATES[op];
      rows.push([
        `then ${op}`,
        limit ? `${limit.rate} (${limit.burst})` : '-',
        '-',
        fmtN(verify.calls[op] ?? 0),
      ]);
    }
    rows.push([`confirming ${fmtN(verify.states)} states with AWS`, '', '-', fmtS(verify.seconds)]);
  }
  console.log(`\n-- ${title}`);
  console.log(table(rows));
}

interface Row {
  size: number;
  ous: number;
  source: string;
  sharing: BucketSharing;
  before: Measure;
  after: Measure;
  floor: number;
}

async function measureSize(
  size: number,
  moto: Awaited<ReturnType<typeof startMoto>> | undefined,
): Promise<Row[]> {
  const { snapshot } = generateOrg(size);
  const viaMoto = moto !== undefined && size <= MOTO_UP_TO;
  let upstream: { endpoint: string; stop(): Promise<void> };
  if (viaMoto) {
    await moto.reset();
    process.stderr.write(`  ${fmtN(size)} accounts: building in moto...\n`);
    await buildInMoto(moto.endpoint, snapshot);
    upstream = { endpoint: moto.endpoint, stop: async () => {} };
  } else {
    upstream = await startOrgModel(snapshot, { latencyMs: MODEL_LATENCY_MS });
  }
  const source = viaMoto ? 'moto' : 'in-memory model';
  const rows: Row[] = [];
  try {
    for (const sharing of MODELS) {
      const clock = new ScaledClock(viaMoto ? SCALE.moto : SCALE.model);
      const simulator = await startRateSimulator(upstream.endpoint, { sharing, clock });
      try {
        const results = {} as Record<Strategy, Measure>;
        for (const strategy of STRATEGIES) {
          process.stderr.write(
            `  ${fmtN(size)} accounts, buckets per ${sharing}: reading (${strategy})...\n`,
          );
          results[strategy] = await measure(simulator, clock, sharing, strategy, viaMoto);
        }
        const same = canonical(results.before.snapshot) === canonical(results.after.snapshot);
        if (!same) throw new Error(`${size} accounts: the reads before and after give different snapshots`);
        if (!viaMoto && canonical(results.after.snapshot) !== canonical(snapshot))
          throw new Error(`${size} accounts: the read differs from the generated organization`);
        const floor = readFloorSeconds(snapshot, sharing);
        printModel(
          `${fmtN(size)} accounts, ${fmtN(snapshot.organizationalUnits.length)} OUs, ${snapshot.policies.length} AI policies, through ${source}, buckets per ${sharing} (snapshots before and after identical${viaMoto ? '' : ', and equal to the generated organization'})`,
          results,
          floor,
        );
        rows.push({ size, ous: snapshot.organizationalUnits.length, source, sharing, ...results, floor });
      } finally {
        await simulator.stop();
      }
    }
  } finally {
    await upstream.stop();
  }
  return rows;
}

function printSummary(rows: Row[]): void {
  const header = ['accounts', 'OUs', 'read from', 'buckets per', 'before', 'after', 'floor', 'after/floor'];
  const lines = [
    [...header, 'calls after', 'states', 'DescribeEffectivePolicy', 'verify', 'read+verify', 'fits 11 min'],
  ];
  for (const r of rows) {
    const verify = r.after.verify;
    const run = r.after.seconds + (verify?.seconds ?? 0);
    lines.push([
      fmtN(r.size),
      fmtN(r.ous),
      r.source,
      r.sharing,
      fmtS(r.before.seconds),
      fmtS(r.after.seconds),
      fmtS(r.floor),
      `${(r.after.seconds / r.floor).toFixed(2)}x`,
      fmtN(Object.values(r.after.calls).reduce((a, b) => a + b, 0)),
      fmtN(verify?.states ?? 0),
      fmtN(verify?.calls.DescribeEffectivePolicy ?? 0),
      fmtS(verify?.seconds ?? 0),
      fmtS(run),
      run < BUDGET_S ? 'yes' : 'NO',
    ]);
  }
  console.log("\n== summary: time at AWS's published rates ==");
  console.log(table(lines, 4));
}

export async function runAwsRates(sizes: readonly number[]): Promise<void> {
  const list = sizes.length > 0 ? sizes : [1_000, 10_000, 50_000];
  console.log(
    `ai-optout read at AWS's published rates (node ${process.version}): an AWS-rate simulator in front of moto (up to ${fmtN(MOTO_UP_TO)} accounts) or of an in-memory model of the same generated organization (larger), time running ${SCALE.moto}x (moto) or ${SCALE.model}x (model) the wall clock`,
  );
  console.log(
    "buckets per row: the operations of one row of AWS's throttling table share one bucket (what the reader paces for by default); per operation: each has its own at the row's rate (the reader paced to match)",
  );
  console.log(
    "before: each parent's accounts through ListAccountsForParent, policies after the walk (main before this change); after: readUntil (ListAccountsForParent or ListChildren, whichever is free first, ListAccounts for details, policies alongside)",
  );
  const moto = list.some((n) => n <= MOTO_UP_TO) ? await startMoto() : undefined;
  const rows: Row[] = [];
  const started = performance.now();
  try {
    for (const size of list) rows.push(...(await measureSize(size, moto)));
  } finally {
    await moto?.stop();
  }
  printSummary(rows);
  console.log(
    `\nfloor: the least time any mix of list calls needs under the same buckets, ignoring latency (read-floor.ts). Wall time ${fmtS((performance.now() - started) / 1000)}.`,
  );
}
