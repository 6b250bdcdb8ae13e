/**
 * The seam a new report format plugs into, shown with the real CLI: the registry module is stood in for by
 * one whose list has one more line, a toy format. With nothing else changed, the toy is among the
 * `--format` choices of plan, apply and demo and not of validate (it renders no check of the file),
 * `plan --format toy` prints it (to `--out` too), and it is given the same input as every other format:
 * the plan that `--format json` reports, the desired state, the organization, the file's warnings.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReportInput } from '../../../lambdas/domain/report/format.ts';
import { toReport } from '../../../lambdas/domain/report/json.ts';
import type * as Registry from '../../../lambdas/domain/report/registry.ts';
import type * as CliInProcess from '../../support/cli-in-process.ts';

const REGISTRY = '../../../lambdas/domain/report/registry.ts';
const CONFIG = fileURLToPath(new URL('../../../config/ai-optout.yaml', import.meta.url));
const SNAPSHOT = fileURLToPath(new URL('../../../examples/lza-organization.snapshot.json', import.meta.url));
const VERSION = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).version;
const NOW = new Date('2026-11-27T09:30:00Z');

/** What the toy was given, one input per render. */
const seen: ReportInput[] = [];
const dir = mkdtempSync(join(tmpdir(), 'ai-optout-toy-format-'));

let runCli: typeof CliInProcess.runCli;
const cli = (...args: string[]) => runCli(args, { now: NOW });

// Test files share their worker's modules (vitest.config.ts `isolate: false`): the CLI is imported afresh
// with the stand-in, and the real registry is put back for the files after this one.
beforeAll(async () => {
  vi.resetModules();
  vi.doMock(REGISTRY, async (importOriginal) => {
    const real = await importOriginal<typeof Registry>();
    const { defineFormat } = await import('../../../lambdas/domain/report/format.ts');
    const toy = defineFormat({
      name: 'toy',
      kind: 'report',
      render: (input) => {
        seen.push(input);
        return `toy: ${input.plan.verdict}, ${input.plan.accounts.nonCompliant} non-compliant\n`;
      },
    });
    return { ...real, REPORTS: real.formatRegistry([...real.REPORTS.formats, toy]) };
  });
  ({ runCli } = await import('../../support/cli-in-process.ts'));
});

afterAll(() => {
  vi.doUnmock(REGISTRY);
  vi.resetModules();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  seen.length = 0;
});

describe('a report format added to the registry', () => {
  it.each([
    ['plan', '`text`, `json`, `markdown`, `html`, `sarif`, `junit`, `github`, `toy`'],
    ['apply', '`text`, `json`, `markdown`, `html`, `toy`'],
    ['demo', '`text`, `json`, `markdown`, `html`, `toy`'],
    ['validate', '`text`, `json`, `sarif`, `junit`, `github`'],
  ])('%s --format offers what the registry says: %s', async (command, choices) => {
    const result = await cli(command, '--format', 'yaml');

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: --format takes ${choices}; \`yaml\` is not one of them\n`);
    expect(seen).toEqual([]);
  });

  it('plan --format toy prints it, from the input every format gets', async () => {
    const toy = await cli('plan', '--config', CONFIG, '--snapshot', SNAPSHOT, '--format', 'toy');
    const json = await cli('plan', '--config', CONFIG, '--snapshot', SNAPSHOT, '--format', 'json');

    expect(toy).toEqual({ code: 2, stdout: 'toy: drift, 5 non-compliant\n', stderr: '' });
    expect(seen).toHaveLength(1);
    const input = seen[0] as ReportInput;
    expect(JSON.parse(JSON.stringify(toReport(input.plan, input.generatedAt)))).toEqual(
      JSON.parse(json.stdout),
    );
    expect(input.generatedAt).toEqual(NOW);
    expect(input.state?.file).toBe(CONFIG);
    expect(input.snapshot?.organization.id).toBe('o-k3x9p2m7qa');
    expect(input.diagnostics).toEqual([]);
    expect(input).toMatchObject({ limit: 100, color: false, toolVersion: VERSION, root: process.cwd() });
  });

  it('plan --format toy --out FILE writes it to the file and prints the summary', async () => {
    const out = join(dir, 'report.toy');

    const result = await cli(
      'plan',
      '--config',
      CONFIG,
      '--snapshot',
      SNAPSHOT,
      '--format',
      'toy',
      '--out',
      out,
    );

    expect(result.code).toBe(2);
    expect(readFileSync(out, 'utf8')).toBe('toy: drift, 5 non-compliant\n');
    expect(result.stdout).toMatch(new RegExp(`^drift: .*\\nReport written to ${out}\\n$`));
  });

  it('demo --format toy prints it; validate refuses it before reading the file', async () => {
    const demo = await cli('demo', '--format', 'toy');
    const validate = await cli('validate', '--config', CONFIG, '--format', 'toy');

    expect(demo).toEqual({ code: 0, stdout: 'toy: drift, 5 non-compliant\n', stderr: '' });
    expect(validate.code).toBe(1);
    expect(validate.stdout).toBe('');
    expect(validate.stderr).toMatch(
      /^error: --format takes `text`, `json`, `sarif`, `junit`, `github`; `toy` is not/,
    );
  });
});
