/**
 * The report registry: every format renders the one input (`ReportInput`) as its own renderer does, with
 * each field of the input reaching the formats that read it; the pipeline's artifact files and the latest
 * run's files are the registered formats' own; a format added to the list (a toy, here) is offered and
 * rendered from the same input object as the others. The example organization with a warning in the file.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../../../lambdas/domain/desired-state/loader.ts';
import { plan } from '../../../../lambdas/domain/planner.ts';
import { diagnosticFindings, planFindings } from '../../../../lambdas/domain/report/findings.ts';
import { defineFormat, type ReportInput } from '../../../../lambdas/domain/report/format.ts';
import { renderGithub } from '../../../../lambdas/domain/report/github.ts';
import { renderHtml } from '../../../../lambdas/domain/report/html.ts';
import { renderJson } from '../../../../lambdas/domain/report/json.ts';
import { renderJunitPlan } from '../../../../lambdas/domain/report/junit.ts';
import { renderMarkdown } from '../../../../lambdas/domain/report/markdown.ts';
import {
  type FormatName,
  formatRegistry,
  REPORT_CONTENT_TYPES,
  REPORTS,
} from '../../../../lambdas/domain/report/registry.ts';
import { renderSarif } from '../../../../lambdas/domain/report/sarif.ts';
import { renderText } from '../../../../lambdas/domain/report/text.ts';
import { parseSnapshot } from '../../../../lambdas/domain/snapshot.ts';

const CONFIG = readFileSync(new URL('../../../../config/ai-optout.yaml', import.meta.url), 'utf8').replace(
  '      lex: optIn\n',
  '      lex: optIn\n      notaservice: optOut\n',
);
const SNAPSHOT = readFileSync(
  new URL('../../../../examples/lza-organization.snapshot.json', import.meta.url),
  'utf8',
);

const loaded = loadDesiredState(CONFIG, { file: '/repo/config/ai-optout.yaml' });
if (!loaded.ok) throw new Error('the example configuration does not load');
const { state, diagnostics } = loaded;
const snapshot = parseSnapshot(SNAPSHOT, 'example.json');
const planned = plan(state, snapshot);

/** One input with every field set to something that shows in the formats that read it. */
const INPUT: ReportInput = {
  plan: planned,
  generatedAt: new Date('2026-11-27T09:30:00.123Z'),
  applied: [{ action: 'attach-policy', policy: 'p', outcome: 'done', detail: 'attached' }],
  run: { revision: 'rev-42', trigger: 'a manual start' },
  limit: 2,
  color: true,
  state,
  snapshot,
  diagnostics,
  toolVersion: '9.9.9',
  root: '/repo',
};

describe('one input, every format', () => {
  const findings = () =>
    [...diagnosticFindings(diagnostics), ...planFindings(planned, state)].map((f) => ({
      ...f,
      location: { ...f.location, file: f.location.file.replace('/repo/', '') },
    }));
  const direct: Partial<Record<FormatName, () => string>> = {
    text: () => renderText(planned, { color: true, limit: 2 }),
    json: () => renderJson(planned, INPUT.generatedAt, INPUT.applied, INPUT.run),
    markdown: () => renderMarkdown(planned, { limit: 2, context: INPUT.run }),
    html: () => renderHtml(planned, { limit: 2, generatedAt: INPUT.generatedAt, context: INPUT.run }),
    sarif: () => renderSarif(findings(), { toolVersion: '9.9.9' }),
    junit: () => renderJunitPlan(planned, snapshot, state.expect),
    github: () => renderGithub(findings(), planned.summary),
  };

  it('text comes first: it is the format every command prints unless told otherwise', () => {
    expect(REPORTS.names()[0]).toBe('text');
  });

  it.each(Object.keys(direct) as FormatName[])('%s renders the input as its own renderer does', (name) => {
    expect(REPORTS.get(name).render(INPUT)).toBe(direct[name]?.());
  });

  it('each field reaches the formats that read it (so the table above can fail when one is dropped)', () => {
    const out = Object.fromEntries(REPORTS.names().map((name) => [name, REPORTS.get(name).render(INPUT)]));
    expect(out.text).toContain('\u001b[31m');
    expect(out.text).toMatch(/… and 3 more accounts/);
    expect(out.markdown).toContain('_Triggered by a manual start; configuration revision `rev-42`_');
    expect(out.html).toContain(
      'Generated 2026-11-27T09:30:00.123Z; configuration revision <code>rev-42</code>',
    );
    expect(JSON.parse(out.json as string)).toMatchObject({
      generatedAt: '2026-11-27T09:30:00Z',
      revision: 'rev-42',
      trigger: 'a manual start',
      applied: [{ action: 'attach-policy', outcome: 'done' }],
    });
    const sarif = JSON.parse(out.sarif as string);
    expect(sarif.runs[0].tool.driver.version).toBe('9.9.9');
    const uris = sarif.runs[0].results.map(
      (r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
        r.locations[0]?.physicalLocation.artifactLocation.uri,
    );
    expect(new Set(uris)).toEqual(new Set(['config/ai-optout.yaml']));
    expect(sarif.runs[0].results[0].ruleId).toBe('unknown-service-key');
    expect(out.github).toMatch(
      /^::warning file=config\/ai-optout.yaml,line=\d+,col=\d+,title=ai-optout unknown-service-key::/m,
    );
    expect((out.junit as string).match(/<testcase /g)).toHaveLength(2 * snapshot.accounts.length);
  });

  it('without a root, paths stay as the file names them', () => {
    const sarif = JSON.parse(REPORTS.get('sarif').render({ ...INPUT, root: undefined }));
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(
      '/repo/config/ai-optout.yaml',
    );
  });

  it('the review formats need the desired state (JUnit the organization too), and say which field', () => {
    for (const name of ['sarif', 'junit', 'github'] as const)
      expect(() => REPORTS.get(name).render({ ...INPUT, state: undefined })).toThrow(
        `the ${name} report places findings in the desired-state file: pass the desired state planned as ReportInput.state`,
      );
    expect(() => REPORTS.get('junit').render({ ...INPUT, snapshot: undefined })).toThrow(
      'the junit report has a case per account: pass the organization planned against as ReportInput.snapshot',
    );
  });

  it('SARIF without a tool version leaves the driver version out (it is optional in SARIF 2.1.0)', () => {
    const driver = JSON.parse(REPORTS.get('sarif').render({ ...INPUT, toolVersion: undefined })).runs[0].tool
      .driver;
    expect(driver.name).toBe('ai-optout');
    expect('version' in driver || 'semanticVersion' in driver).toBe(false);
  });
});

describe('the pipeline artifact and the latest run come from the registry', () => {
  it('artifact files: json, markdown and html, each its format rendering the one input', () => {
    const files = REPORTS.artifactFiles(INPUT);

    expect(Object.keys(files)).toEqual(['report.json', 'report.md', 'report.html']);
    expect(files['report.json']).toBe(REPORTS.get('json').render(INPUT));
    expect(files['report.md']).toBe(REPORTS.get('markdown').render(INPUT));
    expect(files['report.html']).toBe(REPORTS.get('html').render(INPUT));
  });

  it('the latest run keeps the JSON and HTML reports, with their content types', () => {
    const files = REPORTS.artifactFiles(INPUT);

    expect(REPORTS.latestFiles(files)).toEqual({
      'report.json': files['report.json'],
      'report.html': files['report.html'],
    });
    expect(REPORT_CONTENT_TYPES).toEqual({
      'report.json': 'application/json',
      'report.md': 'text/markdown; charset=utf-8',
      'report.html': 'text/html; charset=utf-8',
    });
  });
});

describe('the registry itself', () => {
  it('an unknown name is refused with the names it has', () => {
    expect(() => REPORTS.get('yaml')).toThrow(
      'no report format is called yaml; the formats are text, json, markdown, html, sarif, junit, github',
    );
  });

  it('two formats with one name are refused', () => {
    const twin = defineFormat({ name: 'json', kind: 'report', render: () => '' });
    expect(() => formatRegistry([...REPORTS.formats, twin])).toThrow('two report formats have the same name');
  });

  it('a format added to the list is offered by kind and rendered from the same input object as the others', () => {
    const seen: ReportInput[] = [];
    const toy = defineFormat({
      name: 'toy',
      kind: 'report',
      render: (input) => {
        seen.push(input);
        return `${input.plan.verdict}: ${input.plan.accounts.total} accounts\n`;
      },
      artifact: { file: 'report.toy', contentType: 'text/plain', latest: true },
    });
    const registry = formatRegistry([...REPORTS.formats, toy]);

    expect(registry.names()).toEqual([...REPORTS.names(), 'toy']);
    expect(registry.names((f) => f.kind === 'report')).toEqual([
      ...REPORTS.names((f) => f.kind === 'report'),
      'toy',
    ]);
    expect(registry.names((f) => f.renderCheck !== undefined)).not.toContain('toy');
    const files = registry.artifactFiles(INPUT);
    expect(files['report.toy']).toBe('drift: 18 accounts\n');
    expect(Object.keys(registry.latestFiles(files))).toEqual([
      ...Object.keys(REPORTS.latestFiles(REPORTS.artifactFiles(INPUT))),
      'report.toy',
    ]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBe(INPUT);
    expect(files['report.json']).toBe(REPORTS.get('json').render(INPUT));
  });
});
