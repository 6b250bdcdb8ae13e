/** Helpers shared by the text and markdown reports. */
import { compareText } from '../collections.ts';
import type {
  Change,
  ChangeAction,
  EffectiveChange,
  Fidelity,
  NodeSummary,
  Plan,
  Preflight,
  PullRequestPart,
  Violation,
} from '../planner/schema.ts';
import { plural } from '../plural.ts';
import { AI_POLICY_TYPE } from '../policy-types/ai-optout/facts.ts';
import { BEDROCK_FACTS } from '../policy-types/bedrock/facts.ts';

const ACTION_SYMBOL: Record<ChangeAction, string> = {
  'enable-policy-type': '+',
  'create-policy': '+',
  'adopt-policy': '~',
  'update-policy': '~',
  'attach-policy': '+',
  'detach-policy': '-',
  'delete-policy': '-',
  'unmanaged-policy': '!',
};

/** One account's rows of a section, each already in words. */
export interface AccountRows {
  accountId: string;
  accountName: string;
  path: string;
  rows: string[];
}

/** A per-account section of the text and markdown reports. */
export interface AccountSection {
  title: string;
  /** What the section lists, in a sentence (markdown only). */
  intro: string;
  /** Accounts sorted by path, then name. */
  groups: AccountRows[];
}

/** The two per-account sections: effective changes and violations of `expect`. */
export function accountSections(plan: Pick<Plan, 'effectiveChanges' | 'violations'>): AccountSection[] {
  return [
    {
      title: 'Effective changes',
      intro: 'Resolved settings that would change for each account if the plan were applied.',
      groups: byAccount(plan.effectiveChanges, (c) => `${c.service} ${c.from} → ${c.to}`),
    },
    {
      title: 'Violations of expect',
      intro: "Accounts whose current effective setting breaks the file's `expect` block.",
      groups: byAccount(
        plan.violations,
        (v) => `${v.service} is ${v.actual} (expected ${v.expected}; ${v.causeDetail})`,
      ),
    },
  ];
}

function byAccount<T extends EffectiveChange | Violation>(
  rows: readonly T[],
  describe: (row: T) => string,
): AccountRows[] {
  const groups = new Map<string, AccountRows>();
  for (const row of rows) {
    let group = groups.get(row.accountId);
    if (!group) {
      group = { accountId: row.accountId, accountName: row.accountName, path: row.path, rows: [] };
      groups.set(row.accountId, group);
    }
    group.rows.push(describe(row));
  }
  return [...groups.values()].sort(
    (a, b) => compareText(a.path, b.path) || compareText(a.accountName, b.accountName),
  );
}

/**
 * The pull request's own per-account sections (`plan --base-config`): its effective changes go from what
 * the base would leave to what the head would.
 */
export function pullRequestSections(part: Pick<Plan, 'effectiveChanges' | 'violations'>): AccountSection[] {
  const [effective, violations] = accountSections(part) as [AccountSection, AccountSection];
  return [
    {
      ...effective,
      title: 'Effective changes this pull request makes',
      intro: 'Resolved settings the pull request changes, from what its base would leave to what it would.',
    },
    {
      ...violations,
      title: 'Violations of expect this pull request adds',
      intro: 'Accounts that break `expect` with the pull request and did not without it.',
    },
  ];
}

/** The pull-request check's verdict in words, and the reasons a person must review it (text and markdown). */
export function pullRequestVerdict(part: Pick<PullRequestPart, 'verdict' | 'humanReview' | 'violations'>): {
  headline: string;
  reasons: string[];
} {
  const reasons = part.humanReview.length > 0 ? part.humanReview : [];
  if (part.verdict === 'fail')
    return {
      headline: `The check fails: the pull request adds ${plural(part.violations.length, 'violation')} of expect (its own, or its base's: a pull request cannot loosen the guardrail that judges it).${reasons.length > 0 ? ' A person must also review it, because it:' : ''}`,
      reasons,
    };
  if (part.verdict === 'review')
    return {
      headline: 'A person must review this pull request: the check does not approve it, because it:',
      reasons,
    };
  return {
    headline: 'The check passes: the pull request adds no violation and changes no guardrail.',
    reasons,
  };
}

/** The icon of a pull request's verdict in the markdown headline. */
export const VERDICT_ICON = { pass: '✅', review: '👀', fail: '❌' } as const;

/** The snapshot line of the reports: where the organization came from and when it was captured. */
export function snapshotLine(plan: Pick<Plan, 'snapshot'>): string | undefined {
  return plan.snapshot
    ? `Snapshot ${plan.snapshot.source}, captured at ${plan.snapshot.capturedAt}`
    : undefined;
}

/** A change's columns in the text and markdown reports: `+ ~ - !`, what changes, and where. */
/** A row's policy type, in front of it, when it is not AI opt-out's (rows of that type carry none). */
const typeLabel = (row: { policyType?: string | undefined }) => (row.policyType ? `${row.policyType} ` : '');

/** A heading's name for what a plan covers: AI opt-out, and Bedrock when the file has a `bedrock:` section. */
export function planSubject(plan: Pick<Plan, 'preflight'>): string {
  // `preflight` is present exactly when the file declares Bedrock policies (not run, or run).
  return plan.preflight ? `AI services opt-out and ${BEDROCK_FACTS.title}` : 'AI services opt-out';
}

export function changeColumns(change: Change): { symbol: string; subject: string; where: string } {
  return {
    symbol: ACTION_SYMBOL[change.action],
    // A row of another type than AI opt-out names its type, so a reader of a plan of both can tell
    // a Bedrock policy's change from an AI opt-out policy's.
    subject:
      change.action === 'enable-policy-type'
        ? (change.policyType ?? AI_POLICY_TYPE)
        : `${typeLabel(change)}${change.policy ?? ''}`,
    where: change.target ? change.target.path : '',
  };
}

/** Rows shown per section before "… and N more"; the JSON report always has everything. */
export const DEFAULT_ROW_LIMIT = 100;

/** The fidelity section of the text and markdown reports: AWS's confirmation, each disagreement in words. */
export interface FidelitySection {
  title: string;
  summary: string;
  disagreements: {
    heading: string;
    differences: string[];
    local: string;
    aws: string;
  }[];
  settled: string[];
  /** Accounts AWS listed as invalid that had left the organization. */
  left?: string;
}

export function fidelitySection(fidelity: Fidelity): FidelitySection {
  return {
    title: 'Confirmed by AWS (DescribeEffectivePolicy)',
    summary: fidelity.summary,
    disagreements: fidelity.disagreements.map((d) => ({
      heading: `${typeLabel(d)}${d.state}: AWS's answer for account ${d.accountId} decides the verdict for ${plural(d.accounts, 'account')}`,
      differences: d.error
        ? [`AWS's document could not be read (${d.error}); the local computation stands`]
        : d.differences.map((x) => `${x.service}: computed ${x.local}, AWS ${x.aws}`),
      local: JSON.stringify(d.local),
      aws: d.aws === '' ? '(no effective policy: EffectivePolicyNotFoundException)' : d.aws,
    })),
    settled: fidelity.settledConflicts.map(
      (c) =>
        `${typeLabel(c)}${c.node}: ${c.candidates.map((x) => `${x.policyName}=${x.value}`).join(', ')} on ${c.service}; AWS applies ${c.value} (account ${c.accountId})`,
    ),
    ...(fidelity.leftOrganization?.length
      ? {
          left: `AWS listed ${plural(fidelity.leftOrganization.length, 'account')} with an invalid effective policy that left the organization before its errors were read (${fidelity.leftOrganization.join(', ')}): not counted`,
        }
      : {}),
  };
}

/** The OU tree's nodes to draw (markdown's Mermaid graph, HTML's SVG): all of them when few, else the non-compliant ones and their ancestors. */
export function graphNodes(
  nodes: readonly NodeSummary[],
  max: number,
): { shown: NodeSummary[]; omitted: number } {
  if (nodes.length <= max) return { shown: [...nodes], omitted: 0 };
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const keep = new Set<string>();
  for (const node of nodes) {
    if (node.nonCompliant === 0) continue;
    let current: NodeSummary | undefined = node;
    while (current && !keep.has(current.id)) {
      keep.add(current.id);
      current = current.parentId ? byId.get(current.parentId) : undefined;
    }
  }
  const root = nodes.find((n) => n.parentId === undefined);
  if (root) keep.add(root.id);
  const shown = nodes.filter((n) => keep.has(n.id)).slice(0, max);
  return { shown, omitted: nodes.length - shown.length };
}

/** A node's accounts in words: `2 of 3 accounts non-compliant`, `3 accounts, compliant`, or '' for none. */
export function nodeCounts(node: Pick<NodeSummary, 'accounts' | 'nonCompliant'>): string {
  if (node.accounts === 0) return '';
  return node.nonCompliant > 0
    ? `${node.nonCompliant} of ${plural(node.accounts, 'account')} non-compliant`
    : `${plural(node.accounts, 'account')}, compliant`;
}

/** The Bedrock guardrails' pre-flight as report lines: a heading, then per guardrail a mark and its failed checks. */
export interface PreflightSection {
  title: string;
  summary: string;
  guardrails: { mark: 'ok' | 'failed' | 'not-run'; heading: string; failures: string[] }[];
}

export function preflightSection(preflight: Preflight): PreflightSection {
  return {
    title: 'Guardrail pre-flight (GetGuardrail, GetResourcePolicy)',
    summary: preflight.summary,
    guardrails: preflight.guardrails.map((g) => ({
      mark: g.passed === undefined ? 'not-run' : g.passed ? 'ok' : 'failed',
      heading: `${g.region} ${g.guardrail}:${g.version} (${g.policies.join(', ')})`,
      failures: g.checks.filter((c) => !c.ok).map((c) => `${c.check}: ${c.detail}`),
    })),
  };
}
