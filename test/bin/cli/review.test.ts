/**
 * `plan` for pull requests, in process: `--base-config` (the report's pullRequest part; a head that
 * breaks `expect` still fails), the snapshot's capturedAt in the reports, and `--max-snapshot-age`.
 * The example configuration and the example organization (captured 2026-11-26T09:30:00Z).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../../lambdas/domain/report/schema.ts';
import { runCli } from '../../support/cli-in-process.ts';

const CONFIG = readFileSync(new URL('../../../config/ai-optout.yaml', import.meta.url), 'utf8');
const SNAPSHOT = fileURLToPath(new URL('../../../examples/lza-organization.snapshot.json', import.meta.url));
const CAPTURED = '2026-11-26T09:30:00Z';
const dir = mkdtempSync(join(tmpdir(), 'ai-optout-review-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function cli(args: string[], now = new Date('2026-11-27T09:30:00Z')) {
  return runCli(args, { now });
}

// The head adds Amazon Translate to the Sandbox exception (policy and expect). The example organization
// already opts Sandbox in to comprehend by a hand-made policy: drift the pull request does not cause.
const HEAD = CONFIG.replace('      lex: optIn\n', '      lex: optIn\n      translate: optIn\n').replace(
  'services: [lex, rekognition]',
  'services: [lex, rekognition, translate]',
);
// A base that already allows translate in Sandbox (its expect), without the policy that opts it in.
const HEAD_EXPECT_ONLY = CONFIG.replace(
  'services: [lex, rekognition]',
  'services: [lex, rekognition, translate]',
);

describe('plan --base-config', () => {
  it('adds the pull request part: only what the head changes, the base drift left out', async () => {
    const base = file('base.yaml', CONFIG);
    const head = file('head.yaml', HEAD);
    const args = ['plan', '--config', head, '--snapshot', SNAPSHOT, '--base-config', base];
    const { code, stdout, stderr } = await cli([...args, '--format', 'json']);
    expect(stderr).toBe('');
    expect(code).toBe(2);
    const report = ReportSchema.parse(JSON.parse(stdout));
    expect(report.snapshot).toEqual({ capturedAt: CAPTURED, source: SNAPSHOT });
    const part = report.pullRequest;
    expect(part?.baseConfig).toBe(base);
    // The example organization lacks the sandbox policy: both plans create it, the head with other content
    expect(part?.changes.map((c) => `${c.action} ${c.policy}`)).toEqual([
      'create-policy ai-optout-sandbox-exception',
    ]);
    expect(part?.changes[0]?.content).toContain('"translate"');
    expect(
      part?.effectiveChanges.map((c) => `${c.path} ${c.accountName} ${c.service} ${c.from}→${c.to}`),
    ).toEqual([
      'Root/Sandbox genai-prototypes translate optOut→optIn',
      'Root/Sandbox ml-experiments translate optOut→optIn',
      'Root/Sandbox sandbox-alice translate optOut→optIn',
      'Root/Sandbox sandbox-bob translate optOut→optIn',
    ]);
    // The head writes its exception into expect too, but the base's expect judges it: four violations
    expect(part?.violations.map((v) => `${v.accountName} ${v.service} ${v.actual}`)).toEqual([
      'genai-prototypes translate optIn',
      'ml-experiments translate optIn',
      'sandbox-alice translate optIn',
      'sandbox-bob translate optIn',
    ]);
    expect(part?.verdict).toBe('fail');
    expect(part?.humanReview).toEqual(['changes expect', 'opts 4 accounts in to translate']);
    // The whole plan has more: the example organization's drift
    expect(report.effectiveChanges.length).toBeGreaterThan(part?.effectiveChanges.length ?? 0);
    expect(part?.summary).toBe(
      'this pull request opts 4 accounts in to translate (1 policy change, 4 new violations of expect)',
    );

    const markdown = await cli([...args, '--format', 'markdown']);
    expect(markdown.stdout.split('\n')[0]).toBe(`## ❌ AI services opt-out: ${part?.summary}`);
    expect(markdown.stdout).toContain(`_Snapshot ${SNAPSHOT}, captured at ${CAPTURED}._`);
    const text = await cli([...args, '--format', 'text']);
    expect(text.stdout.split('\n').slice(0, 2)).toEqual([
      `Pull request (against ${base}): ${part?.summary}`,
      "The check fails: the pull request adds 4 violations of expect (its own, or its base's: a pull request cannot loosen the guardrail that judges it). A person must also review it, because it:",
    ]);
  });

  it('annotations carry what the pull request would break and why a person must review it', async () => {
    const base = file('base.yaml', CONFIG);
    const head = file('head.yaml', HEAD);
    const args = [
      'plan',
      '--config',
      head,
      '--snapshot',
      SNAPSHOT,
      '--base-config',
      base,
      '--format',
      'github',
    ];

    const lines = (await cli(args)).stdout.trimEnd().split('\n');

    expect(lines.filter((l) => l.includes('translate would be optIn'))).toHaveLength(4);
    expect(lines.find((l) => l.includes('sandbox-alice') && l.includes('translate'))).toMatch(
      /^::error file=.*head\.yaml,line=\d+,col=\d+,title=ai-optout expect-violation::sandbox-alice \(561829304715\) in Root\/Sandbox: translate would be optIn, expected optOut \(ai-optout-sandbox-exception on Root\/Sandbox, once applied: the base's expect does not allow it\)$/,
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^::warning .*title=ai-optout pull-request-review::a person must review this pull request: it changes expect; it opts 4 accounts in to translate$/,
      ),
    );
  });

  it('an exception the base already allows needs a person (it opens a service), and does not fail', async () => {
    const base = file('base-allows.yaml', HEAD_EXPECT_ONLY);
    const head = file('head.yaml', HEAD);
    const args = [
      'plan',
      '--config',
      head,
      '--snapshot',
      SNAPSHOT,
      '--base-config',
      base,
      '--format',
      'json',
    ];

    const { code, stdout } = await cli(args);

    expect(code).toBe(2);
    const part = ReportSchema.parse(JSON.parse(stdout)).pullRequest;
    expect(part).toMatchObject({
      verdict: 'review',
      humanReview: ['opts 4 accounts in to translate'],
      violations: [],
    });
  });

  it('a head whose own policies break expect still fails as a configuration error (exit 1)', async () => {
    const base = file('base.yaml', CONFIG);
    const broken = file(
      'broken.yaml',
      CONFIG.replace('services: [lex, rekognition]', 'services: [rekognition]'),
    );
    const { code, stderr } = await cli([
      'plan',
      '--config',
      broken,
      '--snapshot',
      SNAPSHOT,
      '--base-config',
      base,
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: .*expect/);
  });

  it('a base that cannot be planned is named as the base', async () => {
    const base = file('bad-base.yaml', 'version: 2\n');
    const head = file('head.yaml', HEAD);
    const { code, stderr } = await cli([
      'plan',
      '--config',
      head,
      '--snapshot',
      SNAPSHOT,
      '--base-config',
      base,
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      new RegExp(
        `^error: --base-config ${base} \\(the desired state at the pull request's base\\) cannot be planned`,
      ),
    );
  });
});

describe('plan --max-snapshot-age', () => {
  const config = () => file('config.yaml', CONFIG);
  const eightDaysLater = new Date('2026-12-04T09:30:00Z');

  it('without the flag, a snapshot older than 7 days is a warning in the report', async () => {
    const young = await cli(['plan', '--config', config(), '--snapshot', SNAPSHOT, '--format', 'json']);
    expect(ReportSchema.parse(JSON.parse(young.stdout)).warnings.map((w) => w.code)).not.toContain(
      'stale-snapshot',
    );
    const old = await cli(
      ['plan', '--config', config(), '--snapshot', SNAPSHOT, '--format', 'json'],
      eightDaysLater,
    );
    expect(old.code).toBe(2);
    const warning = ReportSchema.parse(JSON.parse(old.stdout)).warnings[0];
    expect(warning).toEqual({
      code: 'stale-snapshot',
      message: `the snapshot ${SNAPSHOT} was captured at ${CAPTURED}, 8 days ago, more than 7d (the default bound; --max-snapshot-age changes it): the organization may have changed since; take a new snapshot with \`ai-optout snapshot --out FILE\``,
    });
  });

  it('given explicitly, an older snapshot is an error; a younger one passes', async () => {
    const refused = await cli(
      ['plan', '--config', config(), '--snapshot', SNAPSHOT, '--max-snapshot-age', '7d'],
      eightDaysLater,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^error: the snapshot .* 8 days ago, more than --max-snapshot-age 7d: .*; take a new snapshot/,
    );
    const allowed = await cli(
      ['plan', '--config', config(), '--snapshot', SNAPSHOT, '--max-snapshot-age', '9d', '--format', 'json'],
      eightDaysLater,
    );
    expect(allowed.code).toBe(2);
    expect(ReportSchema.parse(JSON.parse(allowed.stdout)).warnings.map((w) => w.code)).not.toContain(
      'stale-snapshot',
    );
    const hours = await cli(
      ['plan', '--config', config(), '--snapshot', SNAPSHOT, '--max-snapshot-age', '36h'],
      new Date('2026-11-28T09:30:00Z'),
    );
    expect(hours.stderr).toMatch(/2 days ago, more than --max-snapshot-age 36h/);
  });

  it('a value that is not a duration is refused, naming it', async () => {
    const { code, stderr } = await cli([
      'plan',
      '--config',
      config(),
      '--snapshot',
      SNAPSHOT,
      '--max-snapshot-age',
      '7 days',
    ]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      'error: --max-snapshot-age takes a whole number of days, hours or minutes, such as 7d, 36h or 90m; `7 days` is not one\n',
    );
  });
});
