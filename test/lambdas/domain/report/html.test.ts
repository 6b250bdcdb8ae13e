/**
 * The HTML report: its sections match the markdown report's, names are escaped, nothing is loaded from
 * anywhere, and headless Chromium renders the demo organization's report without a console message,
 * drawing the OU tree with the non-compliant OUs in red (read back from the screenshot's pixels).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../../../lambdas/domain/report/html.ts';
import { renderMarkdown } from '../../../../lambdas/domain/report/markdown.ts';
import { renderPage } from '../../../support/chromium.ts';
import { examplePlan } from '../../../support/example-plan.ts';
import { readPng } from '../../../support/png.ts';

const result = examplePlan();
const html = renderHtml(result, {
  generatedAt: new Date('2026-12-01T06:00:00Z'),
  context: { revision: 'rev-1', trigger: 'Organizations events: AttachPolicy (3)' },
});

/** `rgb` fills from the stylesheet: a non-compliant box, a compliant one. */
const NONCOMPLIANT_FILL = [0xfd, 0xe2, 0xe1];
const COMPLIANT_FILL = [0xe8, 0xf5, 0xe9];

describe('the HTML report', () => {
  it('has the markdown report’s sections, in its order, with the same counts', () => {
    const headings = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((m) => m[1]);
    expect(headings(html, /<h2>([^<]+)<\/h2>/g)).toEqual(headings(renderMarkdown(result), /^### (.+)$/gm));
    expect(html).toContain(`<p class="summary">${result.summary}</p>`);
    expect(html).toContain('triggered by Organizations events: AttachPolicy (3)');
    expect(html).toContain('configuration revision <code>rev-1</code>');
  });

  it('is one self-contained file: no script, no external reference, and a policy that loads nothing', () => {
    expect(html).not.toMatch(/<script|<link|@import|url\(|src=/i);
    expect(html.match(/https?:\/\/[^"\s]+/g)).toEqual(['http://www.w3.org/2000/svg']);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });

  it('draws every OU as an SVG box, marking exactly the ones with non-compliant accounts', () => {
    const boxes = [...html.matchAll(/<g class="node (\w+)" data-id="([^"]+)">/g)].map((m) => [m[2], m[1]]);
    expect(boxes).toHaveLength(result.nodes.length);
    const marked = boxes.filter(([, kind]) => kind === 'noncompliant').map(([id]) => id);
    expect(marked.sort()).toEqual(
      result.nodes
        .filter((n) => n.nonCompliant > 0)
        .map((n) => n.id)
        .sort(),
    );
    expect(marked.length).toBeGreaterThan(0);
  });

  it('escapes names from the organization', () => {
    const name = `<b id="x">&'`;
    const hostile = { ...result, nodes: result.nodes.map((n, i) => (i === 1 ? { ...n, name } : n)) };
    const page = renderHtml(hostile);
    expect(page).not.toContain('<b id');
    expect(page).toContain('&#60;b id=&#34;x&#34;&#62;&#38;&#39;');
  });
});

describe('the HTML report in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ai-optout-html-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const size = { width: 1400, height: 2000 };

  /** Pixels of exactly this colour in the screenshot. */
  function count(png: string, rgb: number[]): number {
    const pixels = readPng(readFileSync(png));
    let n = 0;
    for (let y = 0; y < pixels.height; y++)
      for (let x = 0; x < pixels.width; x++) {
        const [r, g, b] = pixels.at(x, y);
        if (r === rgb[0] && g === rgb[1] && b === rgb[2]) n++;
      }
    return n;
  }

  it('renders the demo report without a console message, and the screenshot shows the tree with its red boxes', async () => {
    // Prepare: the report, and a control page (no tree, one external image) that must be caught
    const page = join(dir, 'report.html');
    writeFileSync(page, html);
    const control = join(dir, 'control.html');
    writeFileSync(
      control,
      html
        .replace(/<svg[\s\S]*<\/svg>/, '<img src="https://fonts.example.invalid/x.png" alt="">')
        .replace('</body>', '<script>console.error("control")</script></body>'),
    );

    // Act
    const [rendered, controlled] = await Promise.all([
      renderPage(page, join(dir, 'report.png'), size),
      renderPage(control, join(dir, 'control.png'), size),
    ]);

    // Assess: the control page's blocked image and script are reported, the report has nothing to report
    expect(controlled.console.join('\n')).toMatch(
      /Loading the image 'https:\/\/fonts\.example\.invalid\/x\.png' violates/,
    );
    expect(controlled.console.join('\n')).toMatch(/Executing inline script violates/);
    expect(rendered.console).toEqual([]);
    // 2 non-compliant and 6 compliant boxes of 210×50 px (the legend adds a little): the tree is drawn
    const box = (210 - 6) * (50 - 6);
    const red = result.nodes.filter((n) => n.nonCompliant > 0).length;
    const green = result.nodes.filter((n) => n.nonCompliant === 0 && n.accounts > 0).length;
    expect(count(join(dir, 'report.png'), NONCOMPLIANT_FILL)).toBeGreaterThan(red * box);
    expect(count(join(dir, 'report.png'), COMPLIANT_FILL)).toBeGreaterThan(green * box);
    expect(count(join(dir, 'control.png'), NONCOMPLIANT_FILL)).toBeLessThan(box);
  });
});
