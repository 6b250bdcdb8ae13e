/**
 * What a pull request itself changes: the head plan against the base plan on one organization. The
 * organization has drift of its own (an unmanaged policy opting the Dev accounts in to lex, which both
 * base and head detach), and the head adds an exception opting the Sandbox accounts in to lex.
 */
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../../lambdas/domain/desired-state/loader.ts';
import type { DesiredState } from '../../../lambdas/domain/desired-state/types.ts';
import { plan } from '../../../lambdas/domain/planner.ts';
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

describe('the pull request part', () => {
  const snapshot = organization();
  const base = plan(state(BASE, 'base.yaml'), snapshot);
  const head = plan(state(HEAD, 'ai-optout.yaml'), snapshot);
  const part = pullRequestPart(base, head, 'base.yaml');

  it('lists exactly the accounts the exception flips, and none of the drift that was there before', () => {
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
    expect(part.violations).toEqual([]);
    expect(part.summary).toBe('this pull request opts 3 accounts in to lex (2 policy changes)');
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
    const devHead = plan(state(optInDev, 'ai-optout.yaml'), snapshot);
    const devPart = pullRequestPart(base, devHead, 'base.yaml');
    expect(rows(devHead.effectiveChanges).filter((r) => r.startsWith('dev'))).toEqual([]);
    expect(rows(devPart.effectiveChanges)).toEqual([
      'sandbox-1 lex optOut→optIn',
      'sandbox-2 lex optOut→optIn',
      'sandbox-3 lex optOut→optIn',
      'dev-1 lex optOut→optIn',
      'dev-2 lex optOut→optIn',
    ]);
    // The Dev violations are gone with the exception: the pull request adds none
    expect(devPart.violations).toEqual([]);
    // create, attach to Sandbox, attach to Dev
    expect(devPart.summary).toBe('this pull request opts 5 accounts in to lex (3 policy changes)');
  });

  it('is empty for a head equal to its base', () => {
    const same = pullRequestPart(base, base, 'base.yaml');
    expect(same).toEqual({
      summary: 'this pull request changes no account’s effective settings (0 policy changes)',
      baseConfig: 'base.yaml',
      changes: [],
      effectiveChanges: [],
      violations: [],
    });
  });

  it('leads the markdown comment', () => {
    const markdown = renderMarkdown({ ...head, pullRequest: part });
    const lines = markdown.split('\n');
    expect(lines[0]).toBe(
      '## 🔀 AI services opt-out: this pull request opts 3 accounts in to lex (2 policy changes)',
    );
    expect(markdown.indexOf('### Effective changes this pull request makes (3 accounts)')).toBeLessThan(
      markdown.indexOf('## ❌ The whole organization: drift'),
    );
    expect(markdown).toContain('| Root/Sandbox | sandbox-1 (`');
  });
});
