import { describe, expect, it } from 'vitest';
import { toReport } from '../../../../lambdas/domain/report/json.ts';
import { renderMarkdown, renderMermaid } from '../../../../lambdas/domain/report/markdown.ts';
import { ReportSchema } from '../../../../lambdas/domain/report/schema.ts';
import { renderText } from '../../../../lambdas/domain/report/text.ts';
import { examplePlan } from '../../../support/example-plan.ts';

describe('reports', () => {
  const result = examplePlan();

  it('the example plan has drift of every kind the demo promises, in apply order', () => {
    expect(result.verdict).toBe('drift');
    expect(result.changes.map((c) => [c.action, c.policy, c.target?.path])).toEqual([
      ['create-policy', 'ai-optout-sandbox-exception', undefined],
      ['update-policy', 'ai-optout-baseline', undefined],
      ['attach-policy', 'ai-optout-sandbox-exception', 'Root/Sandbox'],
      ['detach-policy', 'ai-optout-legacy-lex', 'Root/Infrastructure'],
      ['detach-policy', 'ai-optout-production', 'Root/Infrastructure'],
      ['delete-policy', 'ai-optout-legacy-lex', undefined],
      ['unmanaged-policy', 'AIOptOutFromGuide', 'Root/Suspended'],
      ['unmanaged-policy', 'dev-experiments', 'Root/Workloads/Dev/data-dev'],
      ['unmanaged-policy', 'sandbox-comprehend-optin', 'Root/Sandbox'],
    ]);
    expect(result.effectiveChanges).toHaveLength(9);
    expect(new Set(result.effectiveChanges.map((c) => c.accountId)).size).toBe(5);
    expect(result.violations).toHaveLength(5);
    expect(new Set(result.violations.map((v) => v.accountId)).size).toBe(5);
    expect(result.accounts).toEqual({ total: 18, compliant: 13, nonCompliant: 5 });
    expect(result.warnings).toHaveLength(1);
    expect(result.summary).toBe(
      'drift: 9 changes, 5 accounts would change effective settings, 5 violations in 5 accounts; 5 of 18 accounts non-compliant',
    );
  });

  it('JSON follows the report contract exactly', () => {
    const report = toReport(result, new Date('2026-11-26T12:00:00.123Z'));
    const parsed = ReportSchema.safeParse(JSON.parse(JSON.stringify(report)));
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    expect(report.generatedAt).toBe('2026-11-26T12:00:00Z');
    expect(report.organization).toEqual({
      id: 'o-k3x9p2m7qa',
      rootId: 'r-7lz4',
      managementAccountId: '381492015573',
    });
    expect(report.accounts.total).toBe(report.accounts.compliant + report.accounts.nonCompliant);
    expect('revision' in report).toBe(false);
  });

  it('JSON names the configuration revision checked, when given (an optional version 1 field)', () => {
    const report = toReport(result, new Date('2026-11-26T12:00:00Z'), undefined, { revision: 'abc123' });
    expect(ReportSchema.parse(JSON.parse(JSON.stringify(report))).revision).toBe('abc123');
    expect(ReportSchema.safeParse({ ...report, revision: '' }).success).toBe(false);
  });

  it('text lists changes with + ~ - ! markers, accounts per OU and the summary last', () => {
    const text = renderText(result);
    const lines = text.trimEnd().split('\n');
    expect(lines.some((l) => /^ {2}\+ create-policy +ai-optout-sandbox-exception$/.test(l))).toBe(true);
    expect(lines.some((l) => /^ {2}~ update-policy +ai-optout-baseline$/.test(l))).toBe(true);
    expect(lines.some((l) => /^ {2}- delete-policy +ai-optout-legacy-lex$/.test(l))).toBe(true);
    expect(
      lines.some((l) => /^ {2}! unmanaged-policy +sandbox-comprehend-optin → Root\/Sandbox$/.test(l)),
    ).toBe(true);
    expect(lines.some((l) => /Root\/Sandbox +4 accounts +4 non-compliant/.test(l))).toBe(true);
    expect(lines.at(-1)).toBe(result.summary);
    expect(text).not.toContain('\u001b[');
    expect(renderText(result, { color: true })).toContain('\u001b[31m');
  });

  it('text and markdown cut long sections and say how many are left', () => {
    expect(renderText(result, { limit: 2 })).toMatch(/… and 3 more accounts/);
    expect(renderMarkdown(result, { limit: 2 })).toMatch(/… and 3 more accounts/);
  });

  it('markdown has tables and a Mermaid tree that marks only the non-compliant OUs', () => {
    const markdown = renderMarkdown(result);
    expect(markdown).toMatch(/^## ❌ AI services opt-out: drift/);
    expect(markdown).toContain('| `+` | create-policy | ai-optout-sandbox-exception |');
    const mermaid = markdown.slice(
      markdown.indexOf('```mermaid'),
      markdown.indexOf('```', markdown.indexOf('```mermaid') + 3),
    );
    expect(mermaid).toContain('n_ou_7lz4_sbx5k6l7["Sandbox<br/>4 of 4 accounts non-compliant"]');
    expect(mermaid).toContain('n_r_7lz4 --> n_ou_7lz4_wkl6e7f8');
    const classLine = mermaid.split('\n').find((l) => l.trim().startsWith('class '));
    expect(classLine?.trim()).toBe('class n_ou_7lz4_dev2i3j4,n_ou_7lz4_sbx5k6l7 noncompliant');
  });

  it('a big tree draws only non-compliant branches', () => {
    const nodes = [
      { id: 'r-1', name: 'Root', path: 'Root', parentId: undefined, accounts: 0, nonCompliant: 0 },
      ...Array.from({ length: 300 }, (_, i) => ({
        id: `ou-${i}`,
        name: `OU "${i}"`,
        path: `Root/OU${i}`,
        parentId: 'r-1',
        accounts: 1,
        nonCompliant: i === 7 ? 1 : 0,
      })),
    ];
    const graph = renderMermaid(nodes, 50);
    expect(graph).toContain('n_ou_7["OU #34;7#34;<br/>1 of 1 account non-compliant"]');
    expect(graph).not.toContain('n_ou_8');
    expect(graph).toContain('_299 compliant OUs are not drawn._');
  });

  it('escapes pipes in table cells', () => {
    const markdown = renderMarkdown({ ...result, summary: 'a | b' });
    expect(markdown).toContain('**a \\| b**');
  });
});
