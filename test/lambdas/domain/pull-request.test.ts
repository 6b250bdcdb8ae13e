/**
 * What a pull request itself changes: the head plan against the base plan on one organization, the head
 * judged by the base's `expect` as well as its own. The organization has drift of its own (an unmanaged
 * policy opting the Dev accounts in to lex, which both base and head detach), and the head adds an
 * exception opting the Sandbox accounts in to lex. The verdict: fail when it adds violations (of either
 * file's `expect`), review when a person must look (a guardrail changed, a service opened), else pass.
 */
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../../lambdas/domain/desired-state/loader.ts';
import type { DesiredState } from '../../../lambdas/domain/desired-state/types.ts';
import { type Plan, plan } from '../../../lambdas/domain/planner.ts';
import { pullRequestPart } from '../../../lambdas/domain/pull-request.ts';
import { renderMarkdown } from '../../../lambdas/domain/report/markdown.ts';
import { entry, OrgBuilder } from '../../support/org-builder.ts';

const BASE = `version: 1
unmanaged: detach
policies:
  - name: ai-optout-baseline
    default: optOut
    lock: declared
    targets: [root]
expect:
  optOut: all
`;

const HEAD = `version: 1
unmanaged: detach
policies:
  - name: ai-optout-baseline
    default: optOut
    lock: declared
    targets: [root]
  - name: ai-optout-sandbox-exception
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

function state(text: string, file: string): DesiredState {
  const loaded = loadDesiredState(text, { file });
  if (!loaded.ok) throw new Error(`${file} does not load: ${JSON.stringify(loaded.diagnostics)}`);
  return loaded.state;
}

function organization() {
  const org = new OrgBuilder()
    .account('management')
    .account('prod-1', 'Workloads/Prod')
    .account('dev-1', 'Workloads/Dev')
    .account('dev-2', 'Workloads/Dev')
    .account('sandbox-1', 'Sandbox')
    .account('sandbox-2', 'Sandbox')
    .account('sandbox-3', 'Sandbox');
  const baseline = state(BASE, 'base.yaml').policies[0]?.content as string;
  org.policy('ai-optout-baseline', baseline, ['root'], {
    managed: true,
    description: 'AI services opt-out policy managed by ai-optout',
  });
  // Drift that was there before the pull request: a hand-made policy opting Dev in to lex.
  org.policy('hand-made', { services: { lex: entry('optIn') } }, ['Workloads/Dev']);
  return org.build();
}

const rows = (list: readonly { accountName: string; service: string; from?: string; to?: string }[]) =>
  list.map((r) => `${r.accountName} ${r.service} ${r.from ?? ''}→${r.to ?? ''}`);

/** The pull request's part as the CLI makes it: the head planned with the base's `expect`, both files compared. */
function review(baseText: string, headText: string, snapshot = organization()) {
  const baseState = state(baseText, 'base.yaml');
  const headState = state(headText, 'ai-optout.yaml');
  const base = plan(baseState, snapshot);
  const head: Plan = plan(headState, snapshot, baseState.expect ? { baseExpect: baseState.expect } : {});
  return { base, head, part: pullRequestPart(base, head, 'base.yaml', { base: baseState, head: headState }) };
}

describe('the pull request part', () => {
  const snapshot = organization();
  // The plans are made inside each test: Stryker counts code run while the file loads as no test's.
  const made = () => review(BASE, HEAD, snapshot);

  it('lists exactly the accounts the exception flips, and none of the drift that was there before', () => {
    const { base, head, part } = made();
    // The drift is in both plans: the hand-made policy is detached and Dev goes back to lex optOut
    expect(rows(base.effectiveChanges)).toEqual(['dev-1 lex optIn→optOut', 'dev-2 lex optIn→optOut']);
    expect(rows(head.effectiveChanges)).toEqual([
      'dev-1 lex optIn→optOut',
      'dev-2 lex optIn→optOut',
      'sandbox-1 lex optOut→optIn',
      'sandbox-2 lex optOut→optIn',
      'sandbox-3 lex optOut→optIn',
    ]);
    expect(rows(part.effectiveChanges)).toEqual([
      'sandbox-1 lex optOut→optIn',
      'sandbox-2 lex optOut→optIn',
      'sandbox-3 lex optOut→optIn',
    ]);
    expect(part.changes.map((c) => `${c.action} ${c.policy} ${c.target?.path ?? ''}`)).toEqual([
      'create-policy ai-optout-sandbox-exception ',
      'attach-policy ai-optout-sandbox-exception Root/Sandbox',
    ]);
    expect(head.changes.map((c) => c.action)).toContain('detach-policy');
    expect(head.violations.map((v) => `${v.accountName} ${v.service}`)).toEqual(['dev-1 lex', 'dev-2 lex']);
  });

  it("fails a head that writes its own exception into expect: the base's expect still judges it", () => {
    const { part } = made();
    expect(part.violations.map((v) => `${v.accountName} ${v.service} ${v.actual} ${v.causeDetail}`)).toEqual([
      "sandbox-1 lex optIn ai-optout-sandbox-exception on Root/Sandbox, once applied: the base's expect does not allow it",
      "sandbox-2 lex optIn ai-optout-sandbox-exception on Root/Sandbox, once applied: the base's expect does not allow it",
      "sandbox-3 lex optIn ai-optout-sandbox-exception on Root/Sandbox, once applied: the base's expect does not allow it",
    ]);
    expect(part.verdict).toBe('fail');
    expect(part.humanReview).toEqual([
      'changes expect',
      'adds policy ai-optout-sandbox-exception with lock none',
      'opts 3 accounts in to lex',
    ]);
    expect(part.summary).toBe(
      'this pull request opts 3 accounts in to lex (2 policy changes, 3 new violations of expect)',
    );
  });

  it('fails a head that deletes expect and opts the root in: removing a guardrail does not pass it', () => {
    const optInEverything =
      'version: 1\nunmanaged: detach\npolicies:\n  - name: ai-optout-baseline\n    default: optIn\n    lock: declared\n    targets: [root]\n';

    const { head: loosened, part: loosening } = review(BASE, optInEverything);

    expect(loosening.verdict).toBe('fail');
    // By path, then account: every account's default, which the base's `optOut: all` requires
    expect(loosening.violations.map((v) => `${v.path} ${v.accountName} ${v.service} ${v.actual}`)).toEqual([
      'Root management default optIn',
      'Root/Sandbox sandbox-1 default optIn',
      'Root/Sandbox sandbox-2 default optIn',
      'Root/Sandbox sandbox-3 default optIn',
      'Root/Workloads/Dev dev-1 default optIn',
      'Root/Workloads/Dev dev-2 default optIn',
      'Root/Workloads/Prod prod-1 default optIn',
    ]);
    // Dev's lex, which the base would opt out (it detaches the hand-made opt-in), now follows the default
    expect(loosening.humanReview).toEqual([
      'removes expect',
      'sets the default of 7 accounts to optIn',
      'opts 2 accounts in to lex',
    ]);
    // The base's expect still counts today's drift in the whole organization's plan
    expect(loosened.violations.map((v) => `${v.accountName} ${v.service}`)).toEqual([
      'dev-1 lex',
      'dev-2 lex',
    ]);
  });

  it('needs a person for each change of a guardrail or switch, and for a service it stops opting out of', () => {
    const cases: [string, string, string[]][] = [
      ['tightened expect', BASE.replace('optOut: all', 'optOut: [lex]'), ['changes expect']],
      [
        'a lock',
        BASE.replace('lock: declared', 'lock: none'),
        ['changes the lock of ai-optout-baseline from declared to none'],
      ],
      [
        'unmanaged',
        BASE.replace('unmanaged: detach', 'unmanaged: report'),
        [
          'changes unmanaged from detach to report',
          // the hand-made policy now stays, and Dev keeps lex opted in where the base would opt it out
          'opts 2 accounts in to lex',
        ],
      ],
      ['mode', `mode: enforce\n${BASE}`, ['changes mode from audit to enforce']],
    ];
    for (const [what, headText, reasons] of cases) {
      const { part: changed } = review(BASE, headText);
      expect({ what, verdict: changed.verdict, reasons: changed.humanReview }).toEqual({
        what,
        verdict: 'review',
        reasons,
      });
    }
    // No expect in either file: dropping the root's opt-out leaves every default unset, which a person must see
    const noExpect = BASE.replace(/expect:[\s\S]*$/, '');
    const dropped = noExpect.replace('default: optOut', 'services: { rekognition: optOut }');
    const { part: unset } = review(noExpect, dropped);
    expect(unset.verdict).toBe('review');
    expect(unset.humanReview).toEqual([
      'leaves 7 accounts with no default',
      'leaves lex unset for 2 accounts',
    ]);
  });

  it('passes a head that only adds an opt-out, and says so', () => {
    const optOutSandbox = `${BASE.replace('expect:', `  - name: ai-optout-sandbox\n    services: { lex: optOut }\n    targets:\n      - ou: Sandbox\nexpect:`)}`;

    const { part: tighter } = review(BASE, optOutSandbox);

    expect(tighter).toMatchObject({ verdict: 'pass', humanReview: [], violations: [] });
    expect(
      renderMarkdown({ ...tighter, ...plan(state(optOutSandbox, 'h.yaml'), snapshot), pullRequest: tighter })
        .split('\n')
        .slice(0, 3),
    ).toEqual([
      `## ✅ AI services opt-out: ${tighter.summary}`,
      '',
      '**The check passes: the pull request adds no violation and changes no guardrail.**',
    ]);
  });

  it('passes a head that removes an opt-in: opting out opens nothing, and the summary says it', () => {
    const withoutException = HEAD.replace(
      '  - name: ai-optout-sandbox-exception\n    services: { lex: optIn }\n    lock: none\n    targets:\n      - ou: Sandbox\n',
      '',
    );
    const sandboxOptedIn = organization();
    const { base: before, part: removal } = review(HEAD, withoutException, sandboxOptedIn);

    expect(rows(before.effectiveChanges).filter((r) => r.startsWith('sandbox'))).toHaveLength(3);
    expect(rows(removal.effectiveChanges)).toEqual([
      'sandbox-1 lex optIn→optOut',
      'sandbox-2 lex optIn→optOut',
      'sandbox-3 lex optIn→optOut',
    ]);
    expect(removal).toMatchObject({ verdict: 'pass', humanReview: [], violations: [] });
    expect(removal.summary).toBe('this pull request opts 3 accounts out of lex (0 policy changes)');
  });

  it('goes from what the base would leave, not from today, where both plans change a setting', () => {
    // A head that opts Dev in to lex by a declared policy: today optIn (hand-made), base optOut, head optIn.
    const optInDev = HEAD.replace(
      'targets:\n      - ou: Sandbox',
      'targets:\n      - ou: Sandbox\n      - ou: Workloads/Dev',
    ).replace(
      '    - ou: Sandbox\n      services: [lex]',
      '    - ou: Sandbox\n      services: [lex]\n    - ou: Workloads/Dev\n      services: [lex]',
    );
    const { head: devHead, part: devPart } = review(BASE, optInDev, snapshot);
    expect(rows(devHead.effectiveChanges).filter((r) => r.startsWith('dev'))).toEqual([]);
    expect(rows(devPart.effectiveChanges)).toEqual([
      'sandbox-1 lex optOut→optIn',
      'sandbox-2 lex optOut→optIn',
      'sandbox-3 lex optOut→optIn',
      'dev-1 lex optOut→optIn',
      'dev-2 lex optOut→optIn',
    ]);
    // The Dev accounts break the base's expect once applied, as do the Sandbox ones
    expect(devPart.violations.map((v) => `${v.path} ${v.accountName}`)).toEqual([
      'Root/Sandbox sandbox-1',
      'Root/Sandbox sandbox-2',
      'Root/Sandbox sandbox-3',
      'Root/Workloads/Dev dev-1',
      'Root/Workloads/Dev dev-2',
    ]);
    expect(devPart.summary).toBe(
      'this pull request opts 5 accounts in to lex (3 policy changes, 5 new violations of expect)',
    );
  });

  it('is empty, and passes, for a head equal to its base', () => {
    const { base } = made();
    const same = pullRequestPart(base, base, 'base.yaml', {
      base: state(BASE, 'base.yaml'),
      head: state(BASE, 'ai-optout.yaml'),
    });
    expect(same).toEqual({
      summary: 'this pull request changes no account’s effective settings (0 policy changes)',
      baseConfig: 'base.yaml',
      verdict: 'pass',
      humanReview: [],
      changes: [],
      effectiveChanges: [],
      violations: [],
    });
  });

  it('without the two desired states, never passes: it cannot rule out a changed guardrail', () => {
    const { base } = made();
    const blind = pullRequestPart(base, base, 'base.yaml');
    expect(blind.verdict).toBe('review');
    expect(blind.humanReview).toEqual([
      'the desired states were not given, so changes to expect, lock, unmanaged and mode cannot be ruled out',
    ]);
  });

  it('leads the markdown comment with the verdict and the reasons a person must look', () => {
    const { head, part } = made();
    const markdown = renderMarkdown({ ...head, pullRequest: part });
    const lines = markdown.split('\n');
    expect(lines.slice(0, 8)).toEqual([
      '## ❌ AI services opt-out: this pull request opts 3 accounts in to lex (2 policy changes, 3 new violations of expect)',
      '',
      "**The check fails: the pull request adds 3 violations of expect (its own, or its base's: a pull request cannot loosen the guardrail that judges it). A person must also review it, because it:**",
      '',
      '- changes expect',
      '- adds policy ai-optout-sandbox-exception with lock none',
      '- opts 3 accounts in to lex',
      '',
    ]);
    expect(markdown.indexOf('### Effective changes this pull request makes (3 accounts)')).toBeLessThan(
      markdown.indexOf('## ❌ The whole organization: drift'),
    );
    expect(markdown).toContain('| Root/Sandbox | sandbox-1 (`');
  });
});
