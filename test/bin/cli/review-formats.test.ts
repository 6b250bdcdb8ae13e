/**
 * The pull-request formats through the real CLI (in process): SARIF validated against the SARIF 2.1.0
 * JSON schema (test/fixtures/sarif, with its source), JUnit XML with one case per account and
 * expectation, GitHub workflow commands with file, line and column. For validate and plan, with a
 * configuration error located at its file:line:col.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { renderGithub } from '../../../lambdas/domain/report/github.ts';
import { runCli } from '../../support/cli-in-process.ts';

const SCHEMA = JSON.parse(
  readFileSync(new URL('../../fixtures/sarif/sarif-schema-2.1.0.json', import.meta.url), 'utf8'),
);
const ajv = new Ajv2020({ strict: false, allErrors: true });
// ajv-formats is CommonJS: under Node's ESM interop the plugin is the module's `default` property.
addFormatsModule.default(ajv);
const validateSarif = ajv.compile(SCHEMA);

const CONFIG = readFileSync(new URL('../../../config/ai-optout.yaml', import.meta.url), 'utf8');
const SNAPSHOT = fileURLToPath(new URL('../../../examples/lza-organization.snapshot.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ai-optout-formats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function cli(args: string[]) {
  return runCli(args, { now: new Date('2026-11-27T09:30:00Z') });
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: {
    physicalLocation: {
      artifactLocation: { uri: string };
      region: { startLine: number; startColumn: number };
    };
  }[];
  partialFingerprints: Record<string, string>;
}

/** Valid against the schema, every region with a startLine (the OASIS file's own rule), rules indexed right. */
function checkedSarif(text: string): { rules: { id: string }[]; results: SarifResult[] } {
  const log = JSON.parse(text);
  const valid = validateSarif(log);
  expect(validateSarif.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
  const run = log.runs[0];
  for (const result of run.results as SarifResult[]) {
    expect(result.locations[0]?.physicalLocation.region.startLine).toBeGreaterThanOrEqual(1);
    expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
  }
  return { rules: run.tool.driver.rules, results: run.results };
}

describe('--format sarif', () => {
  it('the schema check itself rejects a broken log', () => {
    expect(
      validateSarif({
        version: '2.1.0',
        runs: [{ tool: { driver: { name: 'x' } }, results: [{ level: 'fatal', message: { text: 'm' } }] }],
      }),
    ).toBe(false);
    expect(validateSarif({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false);
    expect(
      validateSarif({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [] }] }),
    ).toBe(true);
  });

  it('plan: violations at the expect block, changes at their policy, the pull request as a note', async () => {
    const config = file('ai-optout.yaml', CONFIG);
    const base = file('base.yaml', CONFIG);
    const { code, stdout } = await cli([
      'plan',
      '--config',
      config,
      '--snapshot',
      SNAPSHOT,
      '--base-config',
      base,
      '--format',
      'sarif',
    ]);
    expect(code).toBe(2);
    const { results, rules } = checkedSarif(stdout);
    const expectLine = CONFIG.split('\n').findIndex((l) => l.startsWith('expect:')) + 1;
    const violations = results.filter((r) => r.ruleId === 'expect-violation');
    expect(violations.length).toBeGreaterThan(0);
    for (const v of violations) {
      expect(v.level).toBe('error');
      expect(v.locations[0]?.physicalLocation.artifactLocation.uri).toBe(relative(process.cwd(), config));
      expect(v.locations[0]?.physicalLocation.region.startLine).toBe(expectLine);
    }
    const sandboxLine =
      CONFIG.split('\n').findIndex((l) => l.includes('name: ai-optout-sandbox-exception')) + 1;
    const sandbox = results.find(
      (r) =>
        r.ruleId === 'policy-change' &&
        r.message.text.startsWith('create-policy ai-optout-sandbox-exception'),
    );
    expect(sandbox?.locations[0]?.physicalLocation.region.startLine).toBe(sandboxLine);
    expect(results.filter((r) => r.ruleId === 'pull-request').map((r) => [r.level, r.message.text])).toEqual([
      ['note', 'this pull request changes no account’s effective settings (0 policy changes)'],
    ]);
    expect(new Set(results.map((r) => r.partialFingerprints['aiOptout/v1'])).size).toBe(results.length);
    expect(rules.map((r) => r.id).sort()).toEqual(
      ['expect-violation', 'plan-warning', 'policy-change', 'pull-request']
        .filter((id) => results.some((r) => r.ruleId === id))
        .sort(),
    );
  });

  it('validate and plan: a bad file gives its diagnostics at file:line:col, and exits 1', async () => {
    const bad = file(
      'bad.yaml',
      CONFIG.replace('default: optOut\n    lock: declared', 'default: OptOut\n    lock: declared'),
    );
    const line = CONFIG.split('\n').findIndex((l) => l.includes('default: optOut')) + 1;
    for (const command of ['validate', 'plan']) {
      const args = [
        command,
        '--config',
        bad,
        '--format',
        'sarif',
        ...(command === 'plan' ? ['--snapshot', SNAPSHOT] : []),
      ];
      const { code, stdout, stderr } = await cli(args);
      expect(code).toBe(1);
      const { results } = checkedSarif(stdout);
      const error = results.find((r) => r.level === 'error');
      expect(error?.ruleId).toBe('invalid-value');
      expect(error?.message.text).toMatch(/did you mean `optOut`/);
      expect(error?.locations[0]?.physicalLocation.region).toMatchObject({
        startLine: line,
        startColumn: 14,
      });
      if (command === 'plan') expect(stderr).toMatch(/^error: .*bad\.yaml is not valid/);
    }
  });

  it('a valid file validates to an empty result list', async () => {
    const { code, stdout } = await cli([
      'validate',
      '--config',
      file('ok.yaml', CONFIG),
      '--format',
      'sarif',
    ]);
    expect(code).toBe(0);
    expect(checkedSarif(stdout).results).toEqual([]);
  });
});

describe('--format junit', () => {
  it('one case per account and expectation, failures for the accounts that break them', async () => {
    const { code, stdout } = await cli([
      'plan',
      '--config',
      file('ai-optout.yaml', CONFIG),
      '--snapshot',
      SNAPSHOT,
      '--format',
      'junit',
    ]);
    expect(code).toBe(2);
    expect(stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    const suites = [...stdout.matchAll(/<testsuite name="([^"]+)" tests="(\d+)" failures="(\d+)"/g)].map(
      (m) => [m[1], Number(m[2]), Number(m[3])],
    );
    const snapshot = JSON.parse(readFileSync(SNAPSHOT, 'utf8'));
    const accounts = snapshot.accounts.length;
    expect(suites.map((s) => [s[0], s[1]])).toEqual([
      ['in line with the desired state', accounts],
      ['expect optOut: all', accounts],
    ]);
    const cases = [...stdout.matchAll(/<testcase classname="([^"]*)" name="([^"]*)"/g)];
    expect(cases).toHaveLength(2 * accounts);
    const failing = (stdout.match(/<failure /g) ?? []).length;
    expect(failing).toBe((suites[0]?.[2] as number) + (suites[1]?.[2] as number));
    expect(failing).toBeGreaterThan(0);
    expect(stdout).toMatch(
      /<testcase classname="Root\/Workloads\/Dev" name="[^"]+ \(\d{12}\)" time="0">\n {6}<failure message="default is optIn, expected optOut/,
    );
  });

  it('validate: one case for the file, failing with its errors', async () => {
    const bad = file('bad.yaml', 'version: 2\n');
    const { code, stdout } = await cli(['validate', '--config', bad, '--format', 'junit']);
    expect(code).toBe(1);
    expect(stdout).toContain('<testsuite name="desired state" tests="1" failures="1"');
    expect(stdout).toMatch(/<failure message="[^"]*bad\.yaml:1:1: error: missing required key `policies`/);
    expect(stdout).toMatch(/bad\.yaml:1:10: error: version: unsupported version `2`/);
  });

  it('plan with an invalid file: the suite names plan, the command that ran', async () => {
    const bad = file('bad.yaml', 'version: 2\n');
    const planned = await cli(['plan', '--config', bad, '--snapshot', SNAPSHOT, '--format', 'junit']);
    const validated = await cli(['validate', '--config', bad, '--format', 'junit']);
    expect(planned.code).toBe(1);
    expect(planned.stdout).toContain(`name="ai-optout plan ${bad}"`);
    expect(planned.stdout).not.toContain('ai-optout validate');
    expect(validated.stdout).toContain(`name="ai-optout validate ${bad}"`);
  });
});

describe('--format github', () => {
  it('one workflow command per finding, errors first, with file, line and col; the summary as a notice', async () => {
    const config = file('ai-optout.yaml', CONFIG);
    const { code, stdout } = await cli([
      'plan',
      '--config',
      config,
      '--snapshot',
      SNAPSHOT,
      '--format',
      'github',
    ]);
    expect(code).toBe(2);
    const lines = stdout.trimEnd().split('\n');
    const expectLine = CONFIG.split('\n').findIndex((l) => l.startsWith('expect:')) + 1;
    const rel = relative(process.cwd(), config);
    expect(lines[0]).toMatch(
      new RegExp(
        `^::error file=${rel.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')},line=${expectLine},col=1,title=ai-optout expect-violation::`,
      ),
    );
    const kinds = lines.map((l) => l.slice(2, l.indexOf(' ')));
    expect(kinds.indexOf('warning')).toBeGreaterThan(kinds.lastIndexOf('error'));
    expect(lines.at(-1)).toMatch(/^::notice title=ai-optout::drift: /);
  });

  it('escapes as the Actions toolkit does (% in data, and : , in properties), with control characters shown', () => {
    const text = renderGithub([
      {
        rule: 'r',
        level: 'warning',
        message: '100% a\r\nb',
        location: { file: 'a,b:c.yaml', line: 2, col: 3 },
        key: 'k',
      },
    ]);
    expect(text).toBe('::warning file=a%2Cb%3Ac.yaml,line=2,col=3,title=ai-optout r::100%25 a\\r\\nb\n');
  });
});
