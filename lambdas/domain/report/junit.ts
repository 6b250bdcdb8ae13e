/**
 * JUnit XML (`--format junit`), for CodeBuild test reports (report groups read JUNITXML
 * [CODEBUILD-JUNIT]). AWS documents no schema for the elements it reads, so this is the Ant/Surefire shape jest-junit writes, which AWS's own guide
 * points Node users at: `<testsuites>`, a `<testsuite>` per expectation, a `<testcase>` per account
 * (classname: its OU path) with a `<failure>` when it breaks the expectation.
 *
 * The expectations: every account is in line with the desired state (no effective change pending),
 * each `expect` rule (`optOut: all`, or each listed service), and, for a live plan, AWS's confirmation of
 * each policy type's effective policies. A validation gives one case per file.
 */

import type { Expectation } from '../desired-state/types.ts';
import type { Diagnostic } from '../diagnostics.ts';
import { formatDiagnostic } from '../diagnostics.ts';
import type { OrgSnapshot } from '../model.ts';
import type { Plan } from '../planner/schema.ts';
import { AI_POLICY_TYPE } from '../policy-types/ai-optout/facts.ts';
import { escapeXml as xml } from './escape.ts';
import { defineFormat, type ReportInput, reviewState } from './format.ts';

interface Case {
  classname: string;
  name: string;
  /** The case's failures, one a line, when it fails. */
  failures?: string[] | undefined;
}

function suiteXml(name: string, cases: readonly Case[]): string {
  const failures = cases.filter((c) => c.failures !== undefined).length;
  const body = cases.map((c) => {
    const open = `    <testcase classname="${xml(c.classname)}" name="${xml(c.name)}" time="0"`;
    if (c.failures === undefined) return `${open}/>`;
    // Each failure escaped on its own, so a line break in a name shows as `\n` and only ours break lines.
    const lines = c.failures.map(xml);
    return `${open}>\n      <failure message="${lines[0]}" type="${xml(name)}">${lines.join('\n')}</failure>\n    </testcase>`;
  });
  return [
    `  <testsuite name="${xml(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="0">`,
    ...body,
    '  </testsuite>',
  ].join('\n');
}

function document(name: string, suites: readonly { name: string; cases: Case[] }[]): string {
  const tests = suites.reduce((n, s) => n + s.cases.length, 0);
  const failures = suites.reduce((n, s) => n + s.cases.filter((c) => c.failures !== undefined).length, 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(name)}" tests="${tests}" failures="${failures}" errors="0" skipped="0" time="0">`,
    ...suites.map((s) => suiteXml(s.name, s.cases)),
    '</testsuites>',
    '',
  ].join('\n');
}

/** The `expect` rules, each a suite: `optOut: all`, or one per listed service. */
function expectations(expectation: Expectation | undefined): { name: string; services: string[] | 'all' }[] {
  if (!expectation) return [];
  if (expectation.optOut === 'all') return [{ name: 'expect optOut: all', services: 'all' }];
  return expectation.optOut.map((service) => ({ name: `expect optOut: ${service}`, services: [service] }));
}

/**
 * The organization's accounts, each with the path of the root or OU that holds it: the plan's nodes are
 * the root and every OU of the snapshot it was made from, with their paths.
 */
function accountsOf(plan: Plan, snapshot: OrgSnapshot): { id: string; name: string; path: string }[] {
  const paths = new Map(plan.nodes.map((node) => [node.id, node.path]));
  return snapshot.accounts.map(({ id, name, parentId }) => ({ id, name, path: paths.get(parentId) ?? '' }));
}

/** A plan as JUnit: one case per account and expectation. */
export function renderJunitPlan(
  plan: Plan,
  snapshot: OrgSnapshot,
  expectation: Expectation | undefined,
): string {
  const accounts = accountsOf(plan, snapshot);
  const caseOf = (account: (typeof accounts)[number], failures: string[]): Case => ({
    classname: account.path,
    name: `${account.name} (${account.id})`,
    failures: failures.length > 0 ? failures : undefined,
  });
  const desired = accounts.map((account) =>
    caseOf(
      account,
      plan.effectiveChanges
        .filter((c) => c.accountId === account.id)
        .map((c) => `${c.service} is ${c.from}, the desired state makes it ${c.to}`),
    ),
  );
  const suites = [{ name: 'in line with the desired state', cases: desired }];
  for (const rule of expectations(expectation)) {
    const cases = accounts.map((account) =>
      caseOf(
        account,
        plan.violations
          .filter(
            (v) =>
              v.accountId === account.id && (rule.services === 'all' || rule.services.includes(v.service)),
          )
          .map((v) => `${v.service} is ${v.actual}, expected ${v.expected} (${v.causeDetail})`),
      ),
    );
    suites.push({ name: rule.name, cases });
  }
  return document(`ai-optout plan ${plan.organization.id}`, [...suites, ...confirmation(plan)]);
}

/**
 * What AWS confirmed (a live plan): a case per policy type, failing with each state of it on which AWS
 * disagrees with the local computation (AI opt-out's disagreements name no type).
 */
function confirmation({ fidelity }: Plan): { name: string; cases: Case[] }[] {
  if (fidelity?.source !== 'aws') return [];
  const types = fidelity.byPolicyType?.map((t) => t.policyType) ?? [AI_POLICY_TYPE];
  const cases = types.map((type) => {
    const failures = fidelity.disagreements
      .filter((d) => (d.policyType ?? AI_POLICY_TYPE) === type)
      .map(
        (d) =>
          `${d.state}: account ${d.accountId}, ${d.differences.map((x) => `${x.service} computed ${x.local}, AWS ${x.aws}`).join('; ') || d.error || 'AWS differs'}`,
      );
    return {
      classname: 'confirmed by AWS',
      name: type,
      failures: failures.length > 0 ? failures : undefined,
    };
  });
  return [{ name: 'confirmed by AWS (DescribeEffectivePolicy)', cases }];
}

/** A validation (or a configuration error) as JUnit: one case for the file, failing with its errors. */
export function renderJunitDiagnostics(
  file: string,
  diagnostics: readonly Diagnostic[],
  message?: string,
  /** The command that read the file: `plan` reports its configuration errors here too. */
  command: 'validate' | 'plan' = 'validate',
): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
  const lines = message ? [message, ...errors] : errors;
  const cases: Case[] = [
    { classname: 'ai-optout', name: file, failures: lines.length > 0 ? lines : undefined },
  ];
  return document(`ai-optout ${command} ${file}`, [{ name: 'desired state', cases }]);
}

function junitPlan(input: ReportInput): string {
  const state = reviewState(input, 'junit');
  const { snapshot } = input;
  if (!snapshot)
    throw new Error(
      'the junit report has a case per account: pass the organization planned against as ReportInput.snapshot',
    );
  return renderJunitPlan(input.plan, snapshot, state.expect);
}

/** `--format junit`: for CodeBuild test reports. */
export const junitFormat = defineFormat({
  name: 'junit',
  kind: 'review',
  render: junitPlan,
  renderCheck: ({ file, diagnostics, error }) => ({
    // Only plan passes an error (validate reports diagnostics): the suite names the command that ran.
    output: renderJunitDiagnostics(
      file,
      error ? error.diagnostics : diagnostics,
      error?.message,
      error ? 'plan' : 'validate',
    ),
  }),
});
