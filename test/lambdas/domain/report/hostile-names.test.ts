/**
 * Hostile names × every report format. An account's owner can rename it, an OU admin names OUs, and a
 * policy's name comes from whoever created it: each of them can hold a carriage return, HTML, markdown
 * link syntax, an @mention or an ANSI escape. The example organization gets one hostile string as an
 * account name (a Sandbox account with violations), as the Dev OU's name and as the unmanaged policy's
 * name; the plan is rendered in every format, and each format must show the string as the exact text
 * below (the table docs/pull-requests.md shows) and must not carry what the string would do there.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../../../lambdas/domain/desired-state/loader.ts';
import { plan } from '../../../../lambdas/domain/planner.ts';
import { REPORTS } from '../../../../lambdas/domain/report/registry.ts';
import { renderText } from '../../../../lambdas/domain/report/text.ts';
import { parseSnapshot } from '../../../../lambdas/domain/snapshot.ts';
import { EXAMPLE_YAML } from '../../../support/example-desired-state.ts';

const CONFIG = EXAMPLE_YAML;
const SNAPSHOT = JSON.parse(
  readFileSync(new URL('../../../../examples/lza-organization.snapshot.json', import.meta.url), 'utf8'),
);
const ZWSP = '\u200B';

/** Every registered format but JSON, which carries names as data (JSON-encoded) for its readers to escape. */
const FORMATS = ['text', 'markdown', 'html', 'sarif', 'junit', 'github'] as const;
type Format = (typeof FORMATS)[number];

interface HostileCase {
  what: string;
  name: string;
  /** How each format shows the name (SARIF: the message text, before JSON encoding). */
  shown: Record<Format, string>;
  /** What must not be anywhere in a format's output (a pattern: unescaped syntax). */
  absent: Partial<Record<Format | 'all', (string | RegExp)[]>>;
}

const CASES: HostileCase[] = [
  {
    what: 'carriage return',
    name: 'ml-prod\r## ✅ all clear',
    shown: {
      text: 'ml-prod\\r## ✅ all clear',
      markdown: 'ml-prod\\\\r\\#\\# ✅ all clear',
      html: 'ml-prod\\r## ✅ all clear',
      sarif: 'ml-prod\\\\r## ✅ all clear',
      junit: 'ml-prod\\r## ✅ all clear',
      github: 'ml-prod\\r## ✅ all clear',
    },
    absent: { all: ['\r'] },
  },
  {
    what: 'HTML',
    name: '<img src=x onerror=alert(1)>',
    shown: {
      text: '<img src=x onerror=alert(1)>',
      markdown: '\\<img src=x onerror=alert(1)\\>',
      html: '&#60;img src=x onerror=alert(1)&#62;',
      sarif: '<img src=x onerror=alert(1)>',
      junit: '&lt;img src=x onerror=alert(1)&gt;',
      github: '<img src=x onerror=alert(1)>',
    },
    absent: { markdown: [/(?<!\\)<img/], html: ['<img'], junit: ['<img'] },
  },
  {
    what: 'markdown link',
    name: '[approve](https://evil.example/x)',
    shown: {
      text: '[approve](https://evil.example/x)',
      markdown: `\\[approve\\](https:${ZWSP}//evil.example/x)`,
      html: '[approve](https://evil.example/x)',
      sarif: '\\[approve\\](https://evil.example/x)',
      junit: '[approve](https://evil.example/x)',
      github: '[approve](https://evil.example/x)',
    },
    absent: { markdown: [/(?<!\\)\[approve/, 'https://'], sarif: ['[approve]('] },
  },
  {
    what: '@mention',
    name: '@octo-org/admins',
    shown: {
      text: '@octo-org/admins',
      markdown: `@${ZWSP}octo-org/admins`,
      html: '@octo-org/admins',
      sarif: '@octo-org/admins',
      junit: '@octo-org/admins',
      github: '@octo-org/admins',
    },
    absent: { markdown: ['@octo'] },
  },
  {
    what: 'ANSI escape',
    name: '\u001b[2K\u001b[1Aok',
    shown: {
      text: '\\x1b[2K\\x1b[1Aok',
      markdown: '\\\\x1b\\[2K\\\\x1b\\[1Aok',
      html: '\\x1b[2K\\x1b[1Aok',
      sarif: '\\\\x1b\\[2K\\\\x1b\\[1Aok',
      junit: '\\x1b[2K\\x1b[1Aok',
      github: '\\x1b[2K\\x1b[1Aok',
    },
    absent: { all: ['\u001b'] },
  },
  {
    what: 'backticks and a bidirectional override',
    name: '```\u202Eevil',
    shown: {
      text: '```\\u202eevil',
      markdown: '\\`\\`\\`\\\\u202eevil',
      html: '```\\u202eevil',
      sarif: '```\\\\u202eevil',
      junit: '```\\u202eevil',
      github: '```\\u202eevil',
    },
    absent: { all: ['\u202E'], markdown: [/(?<!\\)```/] },
  },
];

const SANDBOX_ACCOUNT = '561829304715';
const DEV_OU = 'ou-7lz4-dev2i3j4';
const UNMANAGED_POLICY = 'sandbox-comprehend-optin';

/** The example configuration planned against `snapshot` (parsed and validated as a file would be). */
function plannedWith(snapshot: unknown) {
  const org = parseSnapshot(JSON.stringify(snapshot), 'hostile.json');
  const loaded = loadDesiredState(CONFIG, { file: 'ai-optout.yaml' });
  if (!loaded.ok) throw new Error('the example configuration does not load');
  return { org, state: loaded.state, result: plan(loaded.state, org) };
}

/** Every format's output for the example organization with `name` as an account, an OU and a policy name. */
function renderAll(name: string): Record<Format, string> {
  const snapshot = structuredClone(SNAPSHOT);
  snapshot.accounts.find((a: { id: string }) => a.id === SANDBOX_ACCOUNT).name = name;
  snapshot.organizationalUnits.find((o: { id: string }) => o.id === DEV_OU).name = name;
  snapshot.policies.find((p: { name: string }) => p.name === UNMANAGED_POLICY).name = name;
  const { org, state, result } = plannedWith(snapshot);
  // Through the registry, as the CLI and the pipeline render them: one input for every format.
  const input = { plan: result, generatedAt: new Date(0), state, snapshot: org, toolVersion: '0.0.0' };
  return Object.fromEntries(FORMATS.map((format) => [format, REPORTS.get(format).render(input)])) as Record<
    Format,
    string
  >;
}

/**
 * The markdown outside its Mermaid graph: inside the code fence GitHub neither links nor mentions, and
 * the graph's labels have an escaping of their own (tested below).
 */
function markdownText(markdown: string): string {
  return markdown.replace(/```mermaid\n[\s\S]*?\n```/, '');
}

/** SARIF's message texts, decoded from the JSON. */
function sarifMessages(sarif: string): string[] {
  const log = JSON.parse(sarif) as { runs: { results: { message: { text: string } }[] }[] };
  return log.runs.flatMap((run) => run.results.map((r) => r.message.text));
}

describe('hostile names in every report format', () => {
  it('covers every registered format: a new one must say here how it shows each name', () => {
    expect([...FORMATS, 'json'].sort()).toEqual([...REPORTS.names()].sort());
  });

  it.each(CASES)(
    '$what: each format shows the name as text and carries none of its effect',
    ({ name, shown, absent }) => {
      const outputs = renderAll(name);

      for (const format of FORMATS) {
        const haystack = format === 'sarif' ? sarifMessages(outputs.sarif).join('\n') : outputs[format];
        expect(haystack, `${format} shows the name`).toContain(shown[format]);
        // Control characters anywhere in the output; syntax where it is read (SARIF: its messages).
        const read = format === 'markdown' ? markdownText(outputs.markdown) : haystack;
        const checks = [
          ...(absent.all ?? []).map((fragment) => ({ output: outputs[format], fragment })),
          ...(absent[format] ?? []).map((fragment) => ({ output: read, fragment })),
        ];
        for (const { output, fragment } of checks) {
          const found = typeof fragment === 'string' ? output.includes(fragment) : fragment.test(output);
          expect(found, `${format} has ${String(fragment)}`).toBe(false);
        }
      }
    },
  );

  it('the text report keeps its own colours: the only escape sequences are the ones it paints', () => {
    const snapshot = structuredClone(SNAPSHOT);
    snapshot.accounts.find((a: { id: string }) => a.id === SANDBOX_ACCOUNT).name =
      '\u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007';
    const text = renderText(plannedWith(snapshot).result, { color: true });

    // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape sequences are what it counts
    const sequences = text.match(/\u001b[^m]*m/g) ?? [];
    expect(sequences.length).toBeGreaterThan(0);
    expect(new Set(sequences)).toEqual(
      new Set([
        '\u001b[0m',
        '\u001b[1m',
        '\u001b[2m',
        '\u001b[31m',
        '\u001b[32m',
        '\u001b[33m',
        '\u001b[36m',
      ]),
    );
    expect(text).toContain('\\x1b]8;;https://evil.example\\x07link');
  });

  it('a name cannot close the Mermaid label or the code fence around the graph', () => {
    const { markdown } = renderAll('Dev"]\n```\n## owned');

    const graph = markdown.slice(markdown.indexOf('```mermaid'));
    const fenceEnd = graph.indexOf('\n```', 3);
    expect(graph.slice(0, fenceEnd)).toContain(`["Dev#34;]\\n#96;#96;#96;\\n#35;#35; owned`);
    expect(markdown.match(/^```/gm)).toHaveLength(2);
  });
});
