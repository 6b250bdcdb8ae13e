/**
 * The `ai-optout` command line, end to end: each test spawns the command as the package builds it (the
 * bundle of test/support/cli-bundle.ts) with the repository root as working directory and checks exit
 * code, stdout and stderr (docs/cli.md); one spawns the checkout's `bin/ai-optout.mjs`, which runs the
 * sources through tsx. Spawns are few (about 25) and run concurrently, since each one costs a Node start-up.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AI_POLICY_TYPE } from '../../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { BEDROCK_POLICY_TYPE } from '../../../lambdas/domain/policy-types/bedrock/facts.ts';
import { ReportSchema } from '../../../lambdas/domain/report/schema.ts';
import { EXAMPLE_WITH_BEDROCK, GUARDRAIL_EAST } from '../../support/bedrock-section.ts';
import { cliBundle } from '../../support/cli-bundle.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
/** The checkout's bin, which runs the TypeScript sources through tsx. */
const CHECKOUT_BIN = join(repoRoot, 'bin/ai-optout.mjs');
let CLI = '';
const FIXTURES = 'test/fixtures/desired-state';
const EXAMPLE_CONFIG = 'config/ai-optout.yaml';
const EXAMPLE_SNAPSHOT = 'examples/lza-organization.snapshot.json';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: readonly string[], entry = CLI): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, ...args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface ExpectedDiagnostic {
  severity: 'error' | 'warning';
  code: string;
  line: number;
  col: number;
  messageIncludes: string;
}

interface Expected {
  valid: boolean;
  diagnostics: ExpectedDiagnostic[];
  strict?: { valid: boolean; diagnostics: ExpectedDiagnostic[] };
}

function readExpected(name: string): Expected {
  return JSON.parse(readFileSync(join(repoRoot, FIXTURES, name, 'expected.json'), 'utf8')) as Expected;
}

const invalidFixtures = readdirSync(join(repoRoot, FIXTURES), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .filter((name) => !readExpected(name).valid)
  .sort();

// The canonical rendering of `default: optOut` with `lock: declared` (docs/configuration.md, Locks).
const BASELINE_DECLARED =
  '{"services":{"default":{"@@operators_allowed_for_child_policies":["@@none"],' +
  '"opt_out_policy":{"@@operators_allowed_for_child_policies":["@@none"],"@@assign":"optOut"}}}}';

let workDir = '';

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'ai-optout-cli-test-'));
  CLI = await cliBundle('run');
});

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe.concurrent('validate', () => {
  it('accepts the example configuration and says it is valid', async ({ expect }) => {
    // Prepare
    const args = ['validate', '--config', EXAMPLE_CONFIG];

    // Act
    const result = await runCli(args);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${EXAMPLE_CONFIG}: valid (3 policies, 3 targets)\n`);
    expect(result.stderr).toBe('');
  });

  it('has invalid fixtures to run', ({ expect }) => {
    expect(invalidFixtures.length).toBeGreaterThanOrEqual(14);
  });

  for (const name of invalidFixtures) {
    it(`rejects ${name} with exit 1, naming file:line:col of the problem`, async ({ expect }) => {
      // Prepare
      const file = `${FIXTURES}/${name}/ai-optout.yaml`;
      const first = readExpected(name).diagnostics[0] as ExpectedDiagnostic;
      const errors = readExpected(name).diagnostics.filter((d) => d.severity === 'error').length;

      // Act
      const result = await runCli(['validate', '--config', file]);

      // Assess
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`${file}:${first.line}:${first.col}: ${first.severity}: `);
      expect(result.stderr).toContain(first.messageIncludes);
      expect(result.stderr).toContain(`${file}: invalid (${errors} error${errors === 1 ? '' : 's'})`);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('lets an unknown service key through with a warning when not strict', async ({ expect }) => {
    // Prepare
    const file = `${FIXTURES}/unknown-service-key/ai-optout.yaml`;

    // Act
    const result = await runCli(['validate', '--config', file]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${file}: valid (1 policy, 1 target, 1 warning)\n`);
    expect(result.stderr).toContain(`${file}:7:7: warning: policies[0].services: service key \`bedrock\``);
  });

  it('rejects the unknown service key under --strict, with JSON output on stdout', async ({ expect }) => {
    // Prepare
    const file = `${FIXTURES}/unknown-service-key/ai-optout.yaml`;

    // Act
    const result = await runCli(['validate', '--config', file, '--strict', '--format', 'json']);

    // Assess
    expect(result.code).toBe(1);
    const output = JSON.parse(result.stdout) as {
      file: string;
      valid: boolean;
      diagnostics: {
        severity: string;
        code: string;
        location: { file: string; line: number; col: number };
      }[];
    };
    expect(output.file).toBe(file);
    expect(output.valid).toBe(false);
    expect(
      output.diagnostics.map((d) => [d.severity, d.code, d.location.file, d.location.line, d.location.col]),
    ).toEqual([['error', 'unknown-service-key', file, 7, 7]]);
  });
});

describe.concurrent('plan', () => {
  it('exits 2 on the drifting example organization and prints the changes', async ({ expect }) => {
    // Prepare
    const args = ['plan', '--snapshot', EXAMPLE_SNAPSHOT, '--config', EXAMPLE_CONFIG];

    // Act
    const result = await runCli(args);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('o-k3x9p2m7qa');
    expect(result.stdout).toMatch(/\+ create-policy\s+ai-optout-sandbox-exception/);
    expect(result.stdout).toMatch(/- delete-policy\s+ai-optout-legacy-lex/);
    expect(result.stdout).toMatch(/^drift: /m);
  });

  it('writes a JSON report that matches ReportSchema with --out, printing only the summary', async ({
    expect,
  }) => {
    // Prepare
    const out = join(workDir, 'reports', 'plan.json');

    // Act
    const result = await runCli([
      'plan',
      '--snapshot',
      EXAMPLE_SNAPSHOT,
      '--config',
      EXAMPLE_CONFIG,
      '--format',
      'json',
      '--out',
      out,
    ]);

    // Assess
    expect(result.code).toBe(2);
    expect(existsSync(out)).toBe(true);
    const report = ReportSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(report.verdict).toBe('drift');
    expect(report.organization).toEqual({
      id: 'o-k3x9p2m7qa',
      rootId: 'r-7lz4',
      managementAccountId: '381492015573',
    });
    expect(report.accounts.total).toBe(18);
    expect(report.changes.length).toBeGreaterThan(0);
    expect(report.violations.length).toBeGreaterThan(0);
    // A snapshot has no AWS to confirm its effective policies, and says so.
    expect(report.fidelity).toMatchObject({ source: 'snapshot', checked: 0, disagreements: [] });
    expect(report.fidelity?.summary).toMatch(/^not confirmed \(snapshot\)/);
    expect(result.stdout).toBe(`${report.summary}\nReport written to ${out}\n`);
  });

  it('plan --snapshot shows Bedrock changes and violations beside AI opt-out ones, each Bedrock row typed', async ({
    expect,
  }) => {
    // Prepare: the example organization (Bedrock enabled and captured) without its Bedrock policies, and
    // the example file with a bedrock section
    const example = JSON.parse(readFileSync(join(repoRoot, EXAMPLE_SNAPSHOT), 'utf8')) as {
      root: { policyTypes: { type: string }[] };
      capturedPolicyTypes: string[];
      policies: { type?: string }[];
    };
    expect(example.root.policyTypes.map((t) => t.type)).toContain(BEDROCK_POLICY_TYPE);
    expect(example.capturedPolicyTypes).toEqual([AI_POLICY_TYPE, BEDROCK_POLICY_TYPE]);
    const snapshot = join(workDir, 'bedrock.snapshot.json');
    writeFileSync(
      snapshot,
      JSON.stringify({
        ...example,
        policies: example.policies.filter((p) => p.type !== BEDROCK_POLICY_TYPE),
      }),
    );
    const config = join(workDir, 'bedrock.yaml');
    writeFileSync(config, EXAMPLE_WITH_BEDROCK);

    // Act
    const [json, text] = await Promise.all([
      runCli(['plan', '--snapshot', snapshot, '--config', config, '--format', 'json']),
      runCli(['plan', '--snapshot', snapshot, '--config', config]),
    ]);

    // Assess
    expect([json.code, text.code]).toEqual([2, 2]);
    const report = ReportSchema.parse(JSON.parse(json.stdout));
    const typed = <R extends { policyType?: string | undefined }>(rows: R[]) =>
      rows.filter((row) => row.policyType === BEDROCK_POLICY_TYPE);
    expect(typed(report.changes).map((c) => [c.action, c.policy, c.target?.path])).toEqual([
      ['create-policy', 'bedrock-guardrails-production', undefined],
      ['attach-policy', 'bedrock-guardrails-production', 'Root/Workloads/Prod'],
    ]);
    expect(new Set(typed(report.violations).map((v) => v.accountName))).toEqual(
      new Set(['analytics-prod', 'data-prod', 'payments-prod', 'web-prod']),
    );
    expect(typed(report.violations)).toHaveLength(8);
    expect(report.changes.filter((c) => c.policyType === undefined).length).toBeGreaterThan(0);
    expect(text.stdout).toContain(
      `  + create-policy     ${BEDROCK_POLICY_TYPE} bedrock-guardrails-production\n`,
    );
    expect(text.stdout).toContain(
      `      us-east-1 is unset (expected ${GUARDRAIL_EAST}:3 or later; no Bedrock policy enforces a guardrail there)\n`,
    );
    expect(text.stdout).toContain(
      `  ${BEDROCK_POLICY_TYPE}: 2 changes and 8 violations in 4 accounts, computed here only (AWS was not asked: a snapshot, or --verify none); \`ai-optout apply\` and the pipeline job in enforce mode write them only when every guardrail passes pre-flight.\n`,
    );
  });

  it('exits 0 with verdict in-sync when the organization matches the file exactly', async ({ expect }) => {
    // Prepare
    const example = JSON.parse(readFileSync(join(repoRoot, EXAMPLE_SNAPSHOT), 'utf8')) as {
      root: { id: string };
      policies: unknown[];
    };
    const description = 'Opt every account out of AI services data use';
    const snapshot = {
      ...example,
      policies: [
        {
          id: 'p-insync01',
          name: 'ai-optout-baseline',
          description,
          content: BASELINE_DECLARED,
          tags: { 'ai-optout:managed': 'true' },
          targets: [example.root.id],
        },
      ],
    };
    const snapshotFile = join(workDir, 'in-sync.snapshot.json');
    const configFile = join(workDir, 'in-sync.yaml');
    writeFileSync(snapshotFile, JSON.stringify(snapshot, null, 2));
    writeFileSync(
      configFile,
      [
        'version: 1',
        'policies:',
        '  - name: ai-optout-baseline',
        `    description: ${description}`,
        '    default: optOut',
        '    lock: declared',
        '    targets:',
        '      - root',
        'expect:',
        '  optOut: all',
        '',
      ].join('\n'),
    );

    // Act
    const result = await runCli([
      'plan',
      '--snapshot',
      snapshotFile,
      '--config',
      configFile,
      '--format',
      'json',
    ]);

    // Assess
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = ReportSchema.parse(JSON.parse(result.stdout));
    expect(report.verdict).toBe('in-sync');
    expect(report.changes).toEqual([]);
    expect(report.effectiveChanges).toEqual([]);
    expect(report.violations).toEqual([]);
    expect(report.accounts).toEqual({ total: 18, compliant: 18, nonCompliant: 0 });
  });

  it('exits 1 on an OU that does not exist, naming the OU and its place in the file', async ({ expect }) => {
    // Prepare
    const configFile = join(workDir, 'unknown-ou.yaml');
    writeFileSync(
      configFile,
      [
        'version: 1',
        'policies:',
        '  - name: baseline',
        '    default: optOut',
        '    targets:',
        '      - root',
        '      - ou: Workloads/Staging',
        '',
      ].join('\n'),
    );

    // Act
    const result = await runCli(['plan', '--snapshot', EXAMPLE_SNAPSHOT, '--config', configFile]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${configFile}:7:9: error: OU Root/Workloads/Staging does not exist`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 1 with one sentence naming a missing config file, and no stack trace', async ({ expect }) => {
    // Prepare
    const missing = join(workDir, 'does-not-exist', 'ai-optout.yaml');

    // Act
    const result = await runCli(['plan', '--snapshot', EXAMPLE_SNAPSHOT, '--config', missing]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`error: config file ${missing} does not exist: check the path\n`);
  });
});

describe.concurrent('demo, help and unknown commands', () => {
  it('demo exits 0 and shows policy changes, effective changes and violations', async ({ expect }) => {
    // Prepare
    const lineAfter = (text: string, heading: string): string | undefined => {
      const lines = text.split('\n');
      const index = lines.findIndex((line) => line.startsWith(heading));
      return index === -1 ? undefined : lines[index + 1];
    };

    // Act: through the checkout's bin, so that the sources' own path is run too
    const result = await runCli(['demo'], CHECKOUT_BIN);

    // Assess
    expect(result.code).toBe(0);
    for (const heading of ['Policy changes', 'Effective changes', 'Violations of expect']) {
      expect(lineAfter(result.stdout, heading), heading).toMatch(/^\s+\S/);
    }
    expect(result.stdout).toMatch(/^Policy changes \(\d+\):$/m);
    expect(result.stdout).toMatch(/^Violations of expect \(5 accounts\):$/m);
    // Both policy types: the sandbox's Bedrock policy is one version behind, production's is in sync.
    expect(result.stdout).toContain(
      `  ~ update-policy     ${BEDROCK_POLICY_TYPE} bedrock-guardrails-sandbox\n`,
    );
    expect(result.stdout).not.toMatch(/^ {2}[+~-] \S+ +BEDROCK_POLICY bedrock-guardrails-production/m);
    expect(result.stdout).toContain(':guardrail/s6w3je8ub0ly:1 → arn:aws:bedrock:us-east-1:');
    // Offline: the pre-flight cannot run, and the plan says so rather than failing.
    expect(result.stdout).toMatch(
      /^Guardrail pre-flight \(GetGuardrail, GetResourcePolicy\): not run: 3 guardrails to check; a plan from a snapshot reads nothing of Bedrock/m,
    );
  });

  it('demo --format html writes the self-contained HTML report with the OU tree', async () => {
    // Act
    const result = await runCli(['demo', '--format', 'html']);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^<!DOCTYPE html>\n/);
    expect(result.stdout).toContain('<h2>Violations of expect (5 accounts)</h2>');
    expect(result.stdout.match(/<g class="node noncompliant"/g)).toHaveLength(2);
    expect(result.stdout).not.toContain('Demo: planning');
  });

  it('--help exits 0 and lists the commands', async ({ expect }) => {
    // Act
    const result = await runCli(['--help']);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: ai-optout');
    expect(result.stdout).toMatch(/^\s+validate /m);
    expect(result.stdout).toMatch(/^\s+plan /m);
    expect(result.stdout).toMatch(/^\s+demo /m);
  });

  it('an unknown command exits 1 and names it', async ({ expect }) => {
    // Act
    const result = await runCli(['frobnicate']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });
});

describe.concurrent('never destroys input, never silent (the spawned bin; test/cli-inputs.test.ts has the rest)', () => {
  it('plan --out FILE where FILE is --config exits 1 in one sentence and leaves the file as it was', async ({
    expect,
  }) => {
    // Prepare
    const config = join(workDir, 'out-is-config.yaml');
    writeFileSync(config, readFileSync(join(repoRoot, EXAMPLE_CONFIG), 'utf8'));

    // Act
    const result = await runCli([
      'plan',
      '--config',
      config,
      '--snapshot',
      EXAMPLE_SNAPSHOT,
      '--out',
      config,
    ]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `error: --out ${config} is the --config file itself: writing the report there would destroy it; choose another --out path\n`,
    );
    expect(readFileSync(config, 'utf8')).toBe(readFileSync(join(repoRoot, EXAMPLE_CONFIG), 'utf8'));
  });

  it('--verify with a value it does not know exits 1 and names it', async ({ expect }) => {
    const result = await runCli(['plan', '--snapshot', EXAMPLE_SNAPSHOT, '--verify', 'some']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--verify.*some.*states, all, none|--verify.*states.*some/s);
  });

  it('--limit 0 exits 1 and says why', async ({ expect }) => {
    // Act
    const result = await runCli(['plan', '--snapshot', EXAMPLE_SNAPSHOT, '--limit', '0']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'error: --limit takes a whole number of at least 1 written in digits, such as 100; `0` is not one\n',
    );
  });
});

describe('fixture bookkeeping', () => {
  it('every invalid fixture expects at least one error', () => {
    // Act
    const withoutErrors = invalidFixtures.filter(
      (name) => !readExpected(name).diagnostics.some((d) => d.severity === 'error'),
    );

    // Assess
    expect(withoutErrors).toEqual([]);
    expect(invalidFixtures).toContain('yaml-syntax-error');
  });
});
