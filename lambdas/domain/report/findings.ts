/**
 * Findings: what the SARIF and GitHub reports say, each at a place in the desired-state file. Written
 * once from the three things a check can produce: diagnostics (validate, and the warnings plan prints),
 * a configuration error (its diagnostics, or its message at the top of the file), and a plan (violations
 * of `expect` at the `expect` block, changes at the declared policy they concern, the plan's warnings,
 * and the pull request's own summary).
 */
import { isAbsolute, relative } from 'node:path';
import type { DesiredState } from '../desired-state/types.ts';
import type { Diagnostic, SourceLocation } from '../diagnostics.ts';
import type { Change, Plan } from '../planner/schema.ts';
import type { CheckInput, ReportInput } from './format.ts';

export type FindingLevel = 'error' | 'warning' | 'note';

export interface Finding {
  /** A rule of RULES, or a diagnostic's code. */
  rule: string;
  level: FindingLevel;
  message: string;
  location: SourceLocation;
  /** Stable across runs for the same finding (SARIF's partial fingerprint). */
  key: string;
}

export interface Rule {
  name: string;
  description: string;
}

/** The plan's own rules; each diagnostic code is a rule of its own (`desired-state` describes them). */
export const RULES: Readonly<Record<string, Rule>> = {
  'expect-violation': {
    name: 'ExpectViolation',
    description: "An account's effective AI opt-out setting breaks the desired state's expect block today.",
  },
  'policy-change': {
    name: 'PolicyChange',
    description: 'The organization differs from the desired state: apply would make this change.',
  },
  'plan-warning': {
    name: 'PlanWarning',
    description: 'The plan holds, but something about it needs a look (attachment order, snapshot age, ...).',
  },
  'pull-request': {
    name: 'PullRequestEffect',
    description: 'What this pull request itself changes in the organization, against its base.',
  },
  'pull-request-review': {
    name: 'PullRequestNeedsReview',
    description:
      'This pull request changes a guardrail (expect, lock, unmanaged, mode) or opens an AI service to accounts: a person must review it.',
  },
  'configuration-error': {
    name: 'ConfigurationError',
    description: 'The desired state cannot be planned against this organization.',
  },
  'desired-state': {
    name: 'DesiredStateCheck',
    description: 'A check of the desired-state file (ai-optout.yaml): its syntax, schema and references.',
  },
};

function top(file: string): SourceLocation {
  return { file, line: 1, col: 1 };
}

export function diagnosticFindings(diagnostics: readonly Diagnostic[]): Finding[] {
  return diagnostics.map((d) => ({
    rule: d.code,
    level: d.severity,
    message: d.hint ? `${d.message}; ${d.hint}` : d.message,
    location: d.location,
    key: `${d.code}/${d.location.line}/${d.location.col}`,
  }));
}

/** A configuration error: its diagnostics, or its message at the top of the file. */
export function errorFindings(
  error: { message: string; diagnostics: readonly Diagnostic[] },
  file: string,
): Finding[] {
  if (error.diagnostics.length > 0) return diagnosticFindings(error.diagnostics);
  return [
    {
      rule: 'configuration-error',
      level: 'error',
      message: error.message,
      location: top(file),
      key: 'configuration-error',
    },
  ];
}

function changeLocation(change: Change, state: DesiredState): SourceLocation {
  return state.policies.find((p) => p.name === change.policy)?.location ?? top(state.file);
}

/** A plan's findings, errors first: violations, changes, warnings, then the pull request's summary. */
export function planFindings(plan: Plan, state: DesiredState): Finding[] {
  const expectAt = state.expect?.location ?? top(state.file);
  const violations: Finding[] = plan.violations.map((v) => ({
    rule: 'expect-violation',
    level: 'error',
    message: `${v.accountName} (${v.accountId}) in ${v.path}: ${v.service} is ${v.actual}, expected ${v.expected} (${v.causeDetail})`,
    location: expectAt,
    key: `expect-violation/${v.accountId}/${v.service}`,
  }));
  const changes: Finding[] = plan.changes.map((c) => ({
    rule: 'policy-change',
    level: 'warning',
    message: `${c.action}${c.policy ? ` ${c.policy}` : ''}${c.target ? ` → ${c.target.path}` : ''}: ${c.detail}`,
    location: changeLocation(c, state),
    key: `policy-change/${c.action}/${c.policy ?? ''}/${c.target?.id ?? ''}`,
  }));
  const warnings: Finding[] = plan.warnings.map((w) => ({
    rule: 'plan-warning',
    level: 'warning',
    message: w.message,
    location: top(state.file),
    key: `plan-warning/${w.code}/${w.policyId ?? ''}/${w.nodeId ?? ''}`,
  }));
  return [...violations, ...changes, ...warnings, ...pullRequestFindings(plan, state)];
}

/**
 * The pull request's own findings: the violations it adds that today's organization does not have (its
 * policies breaking the base's `expect` once applied), why a person must review it, and its summary.
 */
function pullRequestFindings(plan: Plan, state: DesiredState): Finding[] {
  const part = plan.pullRequest;
  if (!part) return [];
  const today = new Set(plan.violations.map((v) => `${v.accountId}/${v.service}`));
  const added: Finding[] = part.violations
    .filter((v) => !today.has(`${v.accountId}/${v.service}`))
    .map((v) => ({
      rule: 'expect-violation',
      level: 'error',
      message: `${v.accountName} (${v.accountId}) in ${v.path}: ${v.service} would be ${v.actual}, expected ${v.expected} (${v.causeDetail})`,
      location: state.expect?.location ?? top(state.file),
      key: `expect-violation/${v.accountId}/${v.service}/after`,
    }));
  const review: Finding[] =
    part.humanReview.length > 0
      ? [
          {
            rule: 'pull-request-review',
            level: 'warning',
            message: `a person must review this pull request: it ${part.humanReview.join('; it ')}`,
            location: top(state.file),
            key: 'pull-request-review',
          },
        ]
      : [];
  const summary: Finding = {
    rule: 'pull-request',
    level: 'note',
    message: part.summary,
    location: top(state.file),
    key: 'pull-request',
  };
  return [...added, ...review, summary];
}

/** Paths in SARIF and annotations are relative to `root` (the repository root in CI), when one is given. */
function relativeTo(root: string | undefined, findings: Finding[]): Finding[] {
  if (root === undefined) return findings;
  return findings.map((f) =>
    isAbsolute(f.location.file)
      ? { ...f, location: { ...f.location, file: relative(root, f.location.file) } }
      : f,
  );
}

/** A plan's findings with the file's own warnings first (the review formats' `render`). */
export function reviewFindings(input: ReportInput, state: DesiredState): Finding[] {
  return relativeTo(input.root, [
    ...diagnosticFindings(input.diagnostics ?? []),
    ...planFindings(input.plan, state),
  ]);
}

/** A check's findings: a configuration error's, or else the file's diagnostics (the review formats' `renderCheck`). */
export function checkFindings(check: CheckInput): Finding[] {
  return relativeTo(
    check.root,
    check.error ? errorFindings(check.error, check.file) : diagnosticFindings(check.diagnostics),
  );
}
