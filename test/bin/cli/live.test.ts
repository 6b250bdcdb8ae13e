/**
 * The live commands of the real CLI, spawned against moto through the standard AWS environment
 * (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_ORGANIZATIONS), as an operator would run them.
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListPoliciesCommand,
  ListTargetsForPolicyCommand,
  UpdatePolicyCommand,
} from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AI_POLICY_TYPE } from '../../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { BEDROCK_POLICY_TYPE } from '../../../lambdas/domain/policy-types/bedrock/facts.ts';
import { parseSnapshot } from '../../../lambdas/domain/snapshot.ts';
import { WRITE_OPERATIONS } from '../../support/call-counts.ts';
import { cliBundle } from '../../support/cli-bundle.ts';
import { useLiveEnvironment } from '../../support/live-env.ts';
import { createLzaOrg, createLzaOrgInPartitionOf, type MotoOrg } from '../../support/moto-org.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
/** The command as the package builds it (test/support/cli-bundle.ts). */
let bin = '';
const live = useLiveEnvironment();
let dir: string;
let config: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}, input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args, '--pace', 'none'], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_ENDPOINT_URL: live.proxy.endpoint,
        AWS_EC2_METADATA_DISABLED: 'true',
        ...env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

const YAML = `version: 1
mode: enforce
policies:
  - name: ai-optout-baseline
    default: optOut
    targets: [root]
  - name: ai-optout-sandbox
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

beforeAll(async () => {
  bin = await cliBundle('run');
  dir = mkdtempSync(join(tmpdir(), 'ai-optout-cli-live-'));
  config = join(dir, 'ai-optout.yaml');
  writeFileSync(config, YAML);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let org: MotoOrg;
beforeEach(async () => {
  org = await createLzaOrg(live.admin);
});

describe('ai-optout apply on an audit file', () => {
  const AUDIT = YAML.replace('mode: enforce', 'mode: audit');
  const NO_MODE = YAML.replace('mode: enforce\n', '');
  it.each([
    [
      'mode: audit',
      'audit.yaml',
      AUDIT,
      [],
      (file: string) => `${file} is in audit mode (mode: audit, or no mode)`,
    ],
    [
      'no mode (audit by default)',
      'no-mode.yaml',
      NO_MODE,
      [],
      (file: string) => `${file} is in audit mode (mode: audit, or no mode)`,
    ],
    ['--mode audit', 'enforce.yaml', YAML, ['--mode', 'audit'], () => '--mode audit was given'],
  ])('%s: exit 1, one sentence, and not one call to AWS', async (_name, name, yaml, flags, why) => {
    const file = join(dir, name);
    writeFileSync(file, yaml);

    const refused = await run(['apply', '--config', file, '--yes', ...flags]);

    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      `error: apply writes nothing in audit mode, and ${why(file)}: set mode: enforce in the file, or pass --mode enforce to apply it anyway\n`,
    );
    expect(live.proxy.seen).toEqual([]);
    expect((await live.admin.send(new ListPoliciesCommand({ Filter: AI_POLICY_TYPE }))).Policies).toEqual([]);
  });

  it('--mode enforce is the documented override: the audit file is applied', async () => {
    const file = join(dir, 'override.yaml');
    writeFileSync(file, YAML.replace('mode: enforce', 'mode: audit'));

    const applied = await run(['apply', '--config', file, '--yes', '--mode', 'enforce']);

    expect(applied.code).toBe(0);
    expect(live.proxy.seen.map((s) => s.operation)).toContain('CreatePolicy');
  });
});

const guardrail = () => `arn:aws:bedrock:us-east-1:${org.managementAccountId}:guardrail/east1guard`;
const section = () =>
  `\nbedrock:\n  policies:\n    - name: bedrock-guardrails-production\n      guardrails:\n        us-east-1: { guardrail: "${guardrail()}", version: 3 }\n      targets:\n        - ou: Workloads/Prod\n`;
/** The section's own guardrail rule: every account below Workloads/Prod at version 3 or later. */
const bedrockExpect = () =>
  `  expect:\n    guardrails:\n      - target: { ou: Workloads/Prod }\n        regions:\n          us-east-1: { guardrail: "${guardrail()}", minVersion: 3 }\n`;
async function bedrockFile(name: string, extra = ''): Promise<string> {
  const file = join(dir, name);
  writeFileSync(file, `${YAML}${section()}${extra}`);
  return file;
}
async function shareGuardrail(): Promise<void> {
  const organizationId = (await live.admin.send(new DescribeOrganizationCommand({}))).Organization?.Id;
  const resourcePolicy = JSON.stringify({
    Statement: {
      Effect: 'Allow',
      Principal: '*',
      Action: 'bedrock:ApplyGuardrail',
      Resource: guardrail(),
      Condition: { StringEquals: { 'aws:PrincipalOrgID': organizationId } },
    },
  });
  live.proxy.guardrails.guardrails.set(guardrail(), { versions: { '3': {} }, resourcePolicy });
}
/** The Bedrock policies as moto holds them (BEDROCK_POLICY goes to it as TAG_POLICY). */
async function bedrockPolicies() {
  const listed = await live.admin.send(new ListPoliciesCommand({ Filter: 'TAG_POLICY' }));
  return Promise.all(
    (listed.Policies ?? []).map(async (p) => {
      const described = await live.admin.send(new DescribePolicyCommand({ PolicyId: p.Id }));
      const targets = await live.admin.send(new ListTargetsForPolicyCommand({ PolicyId: p.Id }));
      return {
        id: p.Id as string,
        name: p.Name,
        content: described.Policy?.Content as string,
        targets: (targets.Targets ?? []).map((t) => t.Name),
      };
    }),
  );
}
/** AWS's printed effective Bedrock policy of an account held to the guardrail at `version`. */
const printedBedrock = (version: number) =>
  JSON.stringify({
    bedrock: {
      guardrail_inference: { 'us-east-1': { config_1: { identifier: `${guardrail()}:${version}` } } },
    },
  });
/**
 * What AWS prints of this organization's Bedrock effective policies, as the test builds it: the
 * guardrail at version 3 for the one account below Workloads/Prod once a Bedrock policy is attached
 * there, no effective policy otherwise.
 */
async function awsBedrockAnswer(accountId: string): Promise<string | null> {
  const attached = (await bedrockPolicies()).some((p) => p.targets.includes('Prod'));
  return attached && accountId === org.idOf('prod-app') ? printedBedrock(3) : null;
}
/** DescribeEffectivePolicy calls about Bedrock, by account name. */
const bedrockAsked = () =>
  live.proxy.effectivePolicies.calls
    .filter((c) => c.operation === 'DescribeEffectivePolicy' && c.policyType === BEDROCK_POLICY_TYPE)
    .map((c) => Object.keys(org.accounts).find((name) => org.accounts[name] === c.accountId));

describe('ai-optout apply on a file with a bedrock section', () => {
  beforeEach(() => {
    live.proxy.effectivePolicies.bedrockRule = awsBedrockAnswer;
  });

  it('creates and attaches its Bedrock policy beside the AI opt-out ones; a rerun is in sync; a policy edited by hand is repaired', async () => {
    await shareGuardrail();
    const file = await bedrockFile('bedrock-apply.yaml');

    const applied = await run(['apply', '--config', file, '--yes']);

    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/✓ create-policy bedrock-guardrails-production/);
    expect(applied.stdout).toMatch(/✓ attach-policy bedrock-guardrails-production/);
    expect(applied.stdout).toMatch(/✓ create-policy ai-optout-baseline/);
    expect(applied.stdout).toMatch(/✓ create-policy bedrock-guardrails-production \[BEDROCK_POLICY\]/);
    expect(applied.stdout).toMatch(/^in-sync: /m);
    // AWS confirms both types as apply left them: after the writes, both Bedrock states are asked about.
    expect(applied.stdout).toContain(
      'Confirmed by AWS (DescribeEffectivePolicy): confirmed by AWS for 4 of 4 states; by policy type: AISERVICES_OPT_OUT_POLICY 2 of 2 states confirmed, BEDROCK_POLICY 2 of 2 states confirmed.',
    );
    expect(applied.stdout).not.toContain('AWS was not asked');
    expect(bedrockAsked()).toContain('prod-app');
    const [created, ...others] = await bedrockPolicies();
    expect(others).toEqual([]);
    expect(created).toMatchObject({ name: 'bedrock-guardrails-production', targets: ['Prod'] });
    expect(created?.content).toContain(`${guardrail()}:3`);

    const again = await run(['apply', '--config', file, '--yes', '--format', 'json']);
    expect(again.code).toBe(0);
    const rerun = JSON.parse(again.stdout);
    expect(rerun).toMatchObject({ verdict: 'in-sync', applied: [] });
    expect(rerun.preflight.summary).toBe('1 guardrail checked, all passed');
    expect(rerun.warnings.map((w: { code: string }) => w.code)).not.toContain('bedrock-not-confirmed');
    expect(rerun.fidelity.byPolicyType).toEqual([
      { policyType: AI_POLICY_TYPE, states: 2, checked: 2, confirmed: 2, calls: 2, invalidAccounts: 0 },
      { policyType: BEDROCK_POLICY_TYPE, states: 2, checked: 2, confirmed: 2, calls: 2, invalidAccounts: 0 },
    ]);

    await live.admin.send(
      new UpdatePolicyCommand({ PolicyId: created?.id, Content: created?.content.replace(':3"', ':2"') }),
    );
    live.proxy.seen.length = 0;
    const repaired = await run(['apply', '--config', file, '--yes', '--format', 'json']);

    expect(repaired.code).toBe(0);
    const report = JSON.parse(repaired.stdout);
    expect(report.verdict).toBe('in-sync');
    expect(report.applied).toEqual([
      expect.objectContaining({
        action: 'update-policy',
        policy: 'bedrock-guardrails-production',
        policyType: BEDROCK_POLICY_TYPE,
      }),
    ]);
    expect(live.proxy.seen.filter((s) => WRITE_OPERATIONS.has(s.operation)).map((s) => s.operation)).toEqual([
      'UpdatePolicy',
    ]);
    expect((await bedrockPolicies())[0]?.content).toBe(created?.content);
  });

  it('snapshot --config with the bedrock: file captures its Bedrock policies, which plan --snapshot plans; without --config it does not, and that plan is refused', async () => {
    await shareGuardrail();
    const file = await bedrockFile('bedrock-snapshot.yaml');
    expect((await run(['apply', '--config', file, '--yes'])).code).toBe(0);
    const both = join(dir, 'both-types.json');
    const aiOnly = join(dir, 'ai-only.json');

    const written = await run(['snapshot', '--config', file, '--out', both]);
    const plain = await run(['snapshot', '--out', aiOnly]);

    expect(written.code).toBe(0);
    expect(written.stderr).toMatch(/: 7 accounts, 5 OUs, 2 AI opt-out policies, 1 Bedrock policy\.\n$/);
    const captured = parseSnapshot(readFileSync(both, 'utf8'), both);
    expect(captured.capturedPolicyTypes).toEqual([AI_POLICY_TYPE, BEDROCK_POLICY_TYPE]);
    expect(captured.policies.filter((p) => p.type === BEDROCK_POLICY_TYPE).map((p) => p.name)).toEqual([
      'bedrock-guardrails-production',
    ]);
    const offline = await run(['plan', '--config', file, '--snapshot', both, '--format', 'json']);
    expect(offline.code).toBe(0);
    expect(JSON.parse(offline.stdout)).toMatchObject({ verdict: 'in-sync', changes: [] });

    expect(plain.code).toBe(0);
    expect(plain.stderr).toMatch(/: 7 accounts, 5 OUs, 2 AI opt-out policies\.\n$/);
    const aiOnlySnapshot = parseSnapshot(readFileSync(aiOnly, 'utf8'), aiOnly);
    expect(aiOnlySnapshot.capturedPolicyTypes).toBeUndefined();
    expect(aiOnlySnapshot.policies.map((p) => p.type)).toEqual([undefined, undefined]);
    const refused = await run(['plan', '--config', file, '--snapshot', aiOnly]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('as `ai-optout snapshot --config` with this file writes');
  });

  it.each([
    [
      'only its DRAFT exists',
      'exists',
      () => live.proxy.guardrails.guardrails.set(guardrail(), { versions: {} }),
    ],
    ['Bedrock has no such guardrail', 'exists', () => {}],
  ])(
    'a guardrail that fails pre-flight (%s): exit 2, one sentence naming it and the check, and not one write',
    async (_name, check, script) => {
      script();
      const file = await bedrockFile('bedrock-refused.yaml');

      const refused = await run(['apply', '--config', file, '--yes']);

      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(
        new RegExp(
          `^error: apply refused, nothing was written: 1 guardrail the plan's Bedrock policies would enforce failed pre-flight: us-east-1 ${guardrail().replaceAll('/', '\\/')}:3 \\(${check}: [^\\n]+\\)\\n$`,
        ),
      );
      expect(refused.stdout).toContain(
        'Guardrail pre-flight (GetGuardrail, GetResourcePolicy): 1 guardrail checked, 1 failed',
      );
      expect(refused.stdout).not.toMatch(/Applying|✓/);
      // Without --yes and off a terminal: refused, not asked; the JSON report says nothing was applied.
      const json = await run(['apply', '--config', file, '--format', 'json']);
      expect([json.code, json.stderr]).toEqual([2, refused.stderr]);
      expect(JSON.parse(json.stdout)).toMatchObject({
        applied: [],
        preflight: {
          summary:
            '1 guardrail checked, 1 failed: no Bedrock policy enforcing a failed guardrail may be written',
        },
      });
      expect(live.proxy.seen.filter((s) => WRITE_OPERATIONS.has(s.operation))).toEqual([]);
      expect((await live.admin.send(new ListPoliciesCommand({ Filter: AI_POLICY_TYPE }))).Policies).toEqual(
        [],
      );
      expect(await bedrockPolicies()).toEqual([]);
    },
  );
});

describe('ai-optout plan and apply: AWS confirms the Bedrock effective policies', () => {
  beforeEach(async () => {
    live.proxy.effectivePolicies.bedrockRule = awsBedrockAnswer;
    await shareGuardrail();
  });
  const applied = async (file: string) => {
    expect((await run(['apply', '--config', file, '--yes'])).code).toBe(0);
    live.proxy.effectivePolicies.calls.length = 0;
    live.proxy.seen.length = 0;
  };

  it("AWS agreeing confirms the type; AWS disagreeing on one account is a disagreement naming it and the type, and AWS's answer decides the verdict (exit 2); nothing is written", async () => {
    const file = await bedrockFile('bedrock-confirm.yaml', bedrockExpect());
    await applied(file);

    const agreed = await run(['plan', '--config', file, '--format', 'json']);

    expect(agreed.code).toBe(0);
    const ok = JSON.parse(agreed.stdout);
    expect(ok.fidelity).toMatchObject({
      source: 'aws',
      states: 4,
      checked: 4,
      confirmed: 4,
      disagreements: [],
    });
    expect(ok.fidelity.byPolicyType[1]).toEqual({
      policyType: BEDROCK_POLICY_TYPE,
      states: 2,
      checked: 2,
      confirmed: 2,
      calls: 2,
      invalidAccounts: 0,
    });
    expect(bedrockAsked()).toContain('prod-app');

    // AWS says prod-app is held to version 2 (a policy AWS applies that this read did not show).
    live.proxy.effectivePolicies.bedrockDocuments.set(org.idOf('prod-app'), printedBedrock(2));
    const disagreed = await run(['plan', '--config', file, '--format', 'json']);

    expect(disagreed.code).toBe(2);
    const report = JSON.parse(disagreed.stdout);
    expect(report.verdict).toBe('drift');
    expect(report.fidelity.summary).toBe(
      'confirmed by AWS for 3 of 4 states; AWS disagrees on 1 state, and its answer decides the verdict for 1 account; by policy type: AISERVICES_OPT_OUT_POLICY 2 of 2 states confirmed, BEDROCK_POLICY 1 of 2 states confirmed',
    );
    expect(report.fidelity.disagreements).toEqual([
      expect.objectContaining({
        policyType: BEDROCK_POLICY_TYPE,
        accountId: org.idOf('prod-app'),
        accounts: 1,
        aws: printedBedrock(2),
        differences: [
          { service: 'us-east-1.config_1.identifier', local: `${guardrail()}:3`, aws: `${guardrail()}:2` },
        ],
      }),
    ]);
    expect(
      report.violations.map((v: { accountName: string; policyType?: string }) => [
        v.accountName,
        v.policyType,
      ]),
    ).toEqual([['prod-app', BEDROCK_POLICY_TYPE]]);

    const text = await run(['plan', '--config', file]);
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(
      new RegExp(
        `! BEDROCK_POLICY Root/Workloads/Prod: bedrock-guardrails-production \\(p-\\w+\\): AWS's answer for account ${org.idOf('prod-app')} decides the verdict for 1 account`,
      ),
    );
    expect(text.stdout).toContain(
      `  ${BEDROCK_POLICY_TYPE}: 0 changes and 1 violation in 1 account, computed here and checked with AWS (Confirmed by AWS, above);`,
    );
    const markdown = await run(['plan', '--config', file, '--format', 'markdown']);
    expect(markdown.stdout).toContain(`BEDROCK\\_POLICY Root/Workloads/Prod`);
    expect(live.proxy.seen.filter((s) => WRITE_OPERATIONS.has(s.operation))).toEqual([]);
  });

  it('an account AWS lists with an invalid Bedrock effective policy is a violation of that type, its errors read', async () => {
    const file = await bedrockFile('bedrock-invalid.yaml');
    await applied(file);
    live.proxy.effectivePolicies.bedrockInvalid.push({
      id: org.idOf('dev-app'),
      name: 'dev-app',
      errors: [
        {
          ErrorCode: 'ELEMENTS_TOO_MANY',
          PathToError: 'bedrock.guardrail_inference',
          ContributingPolicies: ['p-12345678'],
        },
      ],
    });

    const json = await run(['plan', '--config', file, '--format', 'json']);

    expect(json.code).toBe(2);
    const report = JSON.parse(json.stdout);
    expect(
      report.violations.map((v: { accountName: string; cause: string; policyType?: string }) => [
        v.accountName,
        v.cause,
        v.policyType,
      ]),
    ).toEqual([['dev-app', 'aws:ELEMENTS_TOO_MANY', BEDROCK_POLICY_TYPE]]);
    expect(report.fidelity).toMatchObject({ invalidAccounts: 1 });
    expect(report.fidelity.byPolicyType.map((t: { invalidAccounts: number }) => t.invalidAccounts)).toEqual([
      0, 1,
    ]);
    expect(
      live.proxy.effectivePolicies.calls.filter((c) => c.operation === 'ListEffectivePolicyValidationErrors'),
    ).toEqual([
      {
        operation: 'ListEffectivePolicyValidationErrors',
        policyType: BEDROCK_POLICY_TYPE,
        accountId: org.idOf('dev-app'),
      },
    ]);
  });

  it('a guardrail that fails pre-flight with nothing else to apply: the refusal sentence (exit 2), not "Nothing to apply", and not one write', async () => {
    const file = await bedrockFile('bedrock-refused-in-sync.yaml');
    await applied(file);
    live.proxy.guardrails.guardrails.set(guardrail(), { versions: {} });

    const refused = await run(['apply', '--config', file, '--yes']);

    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      new RegExp(
        `^error: apply refused, nothing was written: 1 guardrail the plan's Bedrock policies would enforce failed pre-flight: us-east-1 ${guardrail().replaceAll('/', '\\/')}:3 \\(exists: [^\\n]+\\)\\n$`,
      ),
    );
    expect(refused.stdout).not.toContain('Nothing to apply');
    const json = await run(['apply', '--config', file, '--yes', '--format', 'json']);
    expect([json.code, json.stderr]).toEqual([2, refused.stderr]);
    expect(JSON.parse(json.stdout)).toMatchObject({ applied: [] });
    expect(live.proxy.seen.filter((s) => WRITE_OPERATIONS.has(s.operation))).toEqual([]);
  });
});

describe('ai-optout plan on a file with a bedrock section, live', () => {
  beforeEach(() => {
    live.proxy.effectivePolicies.bedrockRule = awsBedrockAnswer;
  });

  it('reads its policies and each guardrail in its Region, shows the pre-flight, and a guardrail that fails it is a violation; nothing is written', async () => {
    const guardrail = `arn:aws:bedrock:us-east-1:${org.managementAccountId}:guardrail/east1guard`;
    const section = `\nbedrock:\n  policies:\n    - name: bedrock-guardrails-production\n      guardrails:\n        us-east-1: { guardrail: "${guardrail}", version: 3 }\n      targets:\n        - ou: Workloads/Prod\n`;
    const file = join(dir, 'bedrock-live.yaml');
    writeFileSync(file, `${YAML}${section}`);
    const organizationId = (await live.admin.send(new DescribeOrganizationCommand({}))).Organization?.Id;
    const resourcePolicy = JSON.stringify({
      Statement: {
        Effect: 'Allow',
        Principal: '*',
        Action: ['bedrock:GetGuardrail', 'bedrock:ApplyGuardrail'],
        Resource: guardrail,
        Condition: { StringEquals: { 'aws:PrincipalOrgID': organizationId } },
      },
    });
    live.proxy.guardrails.guardrails.set(guardrail, { versions: { '3': {} }, resourcePolicy });

    const passing = await run(['plan', '--config', file, '--format', 'json']);

    expect(passing.code).toBe(2);
    const report = JSON.parse(passing.stdout);
    expect(report.preflight.summary).toBe('1 guardrail checked, all passed');
    expect(
      report.changes
        .filter((c: { policyType?: string }) => c.policyType === BEDROCK_POLICY_TYPE)
        .map((c: { action: string }) => c.action),
    ).toEqual(['enable-policy-type', 'create-policy', 'attach-policy']);
    expect(report.warnings.map((w: { code: string }) => w.code)).not.toContain('bedrock-not-confirmed');
    expect(report.fidelity.byPolicyType[1]).toMatchObject({ policyType: BEDROCK_POLICY_TYPE, confirmed: 1 });
    expect(live.proxy.guardrails.calls.map((c) => [c.operation, c.version, c.signedRegion])).toEqual([
      ['GetGuardrail', '3', 'us-east-1'],
      ['GetResourcePolicy', undefined, 'us-east-1'],
    ]);

    live.proxy.guardrails.guardrails.set(guardrail, { versions: {}, resourcePolicy });
    const failing = await run(['plan', '--config', file]);

    expect(failing.code).toBe(2);
    expect(failing.stdout).toContain(
      `Guardrail pre-flight (GetGuardrail, GetResourcePolicy): 1 guardrail checked, 1 failed: no Bedrock policy enforcing a failed guardrail may be written\n  ! us-east-1 ${guardrail}:3 (bedrock-guardrails-production)\n      exists: Bedrock has no version 3 of \`${guardrail}\` in us-east-1`,
    );
    expect(failing.stdout).toMatch(/a guardrail that passes pre-flight/);
    expect(live.proxy.seen.filter((s) => WRITE_OPERATIONS.has(s.operation))).toEqual([]);
  });
});

describe('ai-optout live commands', () => {
  it('plan exits 2, apply refuses without --yes off a terminal, apply --yes exits 0, plan exits 0', async () => {
    const plan = await run(['plan', '--config', config]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/\+ enable-policy-type/);

    const refused = await run(['apply', '--config', config]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^error: apply needs confirmation: standard input is not a terminal, so pass --yes to apply 5 changes to o-/m,
    );
    expect((await live.admin.send(new ListPoliciesCommand({ Filter: AI_POLICY_TYPE }))).Policies).toEqual([]);

    const applied = await run(['apply', '--config', config, '--yes']);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/✓ create-policy ai-optout-baseline/);
    expect(applied.stdout).toMatch(/^in-sync: /m);

    const again = await run(['plan', '--config', config, '--format', 'json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).verdict).toBe('in-sync');
  });

  it('apply --format json reports the verified state and each applied step', async () => {
    const applied = await run(['apply', '--config', config, '--yes', '--format', 'json']);
    expect(applied.code).toBe(0);
    const report = JSON.parse(applied.stdout);
    expect(report.verdict).toBe('in-sync');
    expect(report.applied.map((s: { action: string }) => s.action)).toEqual([
      'enable-policy-type',
      'create-policy',
      'create-policy',
      'attach-policy',
      'attach-policy',
    ]);
    const again = await run(['apply', '--config', config, '--yes', '--format', 'json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ verdict: 'in-sync', applied: [] });
  });

  it('access denied exits 1 with the operation and the permission, never a verdict', async () => {
    live.proxy.addFault({
      operation: 'ListTargetsForPolicy',
      times: Infinity,
      type: 'AccessDeniedException',
    });
    await run(['apply', '--config', config, '--yes']);
    const denied = await run(['plan', '--config', config]);
    expect(denied.code).toBe(1);
    expect(denied.stdout).toBe('');
    expect(denied.stderr).toMatch(
      /^error: AWS denied ListTargetsForPolicy: the credentials in use need organizations:ListTargetsForPolicy/,
    );
    expect(denied.stderr).not.toMatch(/\n\s+at /);
  });

  it('snapshot --out writes a snapshot that plan --snapshot reads', async () => {
    const file = join(dir, 'org.json');
    const written = await run(['snapshot', '--out', file]);
    expect(written.code).toBe(0);
    expect(written.stderr).toMatch(/Wrote .*org\.json: 7 accounts, 5 OUs, 0 AI opt-out policies/);
    const snapshot = parseSnapshot(readFileSync(file, 'utf8'), file);
    expect(snapshot.organizationalUnits.map((o) => o.name).sort()).toEqual(
      ['Prod', 'Sandbox', 'Security', 'Workloads', 'Dev'].sort(),
    );
    const offline = await run(['plan', '--config', config, '--snapshot', file]);
    expect(offline.code).toBe(2);
  });

  it('snapshot --config with an invalid file: exit 1 at its line, and not one call to AWS', async () => {
    const file = join(dir, 'invalid-for-snapshot.yaml');
    writeFileSync(file, 'version: 1\npolicies: []\n');
    live.proxy.seen.length = 0;

    const result = await run(['snapshot', '--config', file, '--out', join(dir, 'never.json')]);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /invalid-for-snapshot\.yaml:2:11: error: policies: must list at least one policy/,
    );
    expect(live.proxy.seen).toEqual([]);
  });

  it('honours AWS_ENDPOINT_URL_ORGANIZATIONS and assumes --role-arn through STS', async () => {
    const result = await run(
      ['plan', '--config', config, '--role-arn', 'arn:aws:iam::123456789012:role/ai-optout-audit'],
      {
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9', // nothing listens there: only the service-specific overrides may be used
        AWS_ENDPOINT_URL_ORGANIZATIONS: live.proxy.endpoint,
        AWS_ENDPOINT_URL_STS: live.proxy.endpoint,
      },
    );
    expect(result.code).toBe(2);
    // One AssumeRole, before anything else: the client caches the session for every later call.
    expect(live.proxy.seen.filter((s) => s.operation === 'AssumeRole')).toHaveLength(1);
    expect(live.proxy.seen[0]?.operation).toBe('AssumeRole');
    // Every Organizations call is signed with the role's credentials, never the caller's own key.
    const organizations = live.proxy.signed.filter((s) => s.service === 'organizations');
    expect(organizations.length).toBeGreaterThan(3);
    const keys = new Set(organizations.map((s) => s.accessKeyId));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^ASIA/);
    expect(live.proxy.signed.find((s) => s.operation === 'AssumeRole')?.accessKeyId).toBe('testing');
  });
});

describe('ai-optout plan --verify: the effective policies confirmed by AWS', () => {
  const described = () => live.proxy.seen.filter((s) => s.operation === 'DescribeEffectivePolicy').length;

  it("AWS's disagreement decides the exit code; verify all asks every account; none asks nothing; a snapshot is not confirmed", async () => {
    expect((await run(['apply', '--config', config, '--yes'])).code).toBe(0);
    // AWS says the accounts under the root alone are opted in (hand-written, AWS's printed form).
    const optedIn = '{"services":{"default":{"opt_out_policy":"optIn"}}}';
    for (const name of ['management', 'log-archive', 'audit', 'prod-app', 'dev-app']) {
      live.proxy.effectivePolicies.documents.set(org.idOf(name), optedIn);
    }
    live.proxy.seen.length = 0;
    const disagreed = await run(['plan', '--config', config, '--format', 'json']);
    expect(disagreed.code).toBe(2);
    const report = JSON.parse(disagreed.stdout);
    expect(report.fidelity.summary).toBe(
      'confirmed by AWS for 1 of 2 states; AWS disagrees on 1 state, and its answer decides the verdict for 5 accounts',
    );
    expect(report.violations).toHaveLength(5);
    expect(described()).toBe(2);

    live.proxy.effectivePolicies.clear();
    live.proxy.seen.length = 0;
    const all = await run(['plan', '--config', config, '--verify', 'all', '--format', 'json']);
    expect([all.code, JSON.parse(all.stdout).fidelity.summary, described()]).toEqual([
      0,
      'confirmed by AWS for 2 of 2 states',
      7,
    ]);

    live.proxy.seen.length = 0;
    const none = await run(['plan', '--config', config, '--verify', 'none', '--format', 'json']);
    expect([none.code, JSON.parse(none.stdout).fidelity.source, described()]).toEqual([0, 'none', 0]);

    const snapshot = join(dir, 'verify-snapshot.json');
    expect((await run(['snapshot', '--out', snapshot])).code).toBe(0);
    const offline = await run(['plan', '--config', config, '--snapshot', snapshot]);
    expect(offline.stdout).toMatch(
      /^Confirmed by AWS \(DescribeEffectivePolicy\): not confirmed \(snapshot\)/m,
    );
  });
});

describe("ai-optout plan and AWS's invalid-policy alarms", () => {
  it('an account AWS lists as invalid is a violation (exit 2) in JSON and in text; one that left is not counted', async () => {
    expect((await run(['apply', '--config', config, '--yes'])).code).toBe(0);
    const error = {
      ErrorCode: 'ELEMENTS_TOO_MANY',
      PathToError: 'services.lex',
      ContributingPolicies: ['p-12345678'],
    };
    live.proxy.effectivePolicies.invalid.push(
      { id: org.idOf('dev-app'), name: 'dev-app', errors: [error] },
      { id: '999988887777', name: 'closed', errors: [error] },
    );

    const json = await run(['plan', '--config', config, '--format', 'json']);
    expect(json.code).toBe(2);
    const report = JSON.parse(json.stdout);
    expect(
      report.violations.map((v: { accountName: string; cause: string }) => [v.accountName, v.cause]),
    ).toEqual([['dev-app', 'aws:ELEMENTS_TOO_MANY']]);
    expect(report.fidelity).toMatchObject({ invalidAccounts: 1, leftOrganization: ['999988887777'] });
    expect(json.stdout).not.toContain('@example.com');

    const text = await run(['plan', '--config', config]);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain(
      'AWS reports the effective policy invalid (ELEMENTS_TOO_MANY at services.lex',
    );
    expect(text.stdout).toContain('(999988887777): not counted');
  });
});

describe('ai-optout live commands in other partitions', () => {
  const GOVCLOUD_SENTENCE =
    'error: AI services opt-out policies do not apply in us-gov-west-1 (partition aws-us-gov): AWS applies the opt-out setting to all AWS Regions excluding the AWS GovCloud (US) Regions, so there is no AISERVICES_OPT_OUT_POLICY to check or enforce there.\n';

  it('with AWS_REGION=cn-north-1, signs every Organizations and STS call for cn-northwest-1', async () => {
    await createLzaOrgInPartitionOf('cn-northwest-1', live.moto.endpoint);

    const result = await run(
      ['plan', '--config', config, '--role-arn', 'arn:aws-cn:iam::123456789012:role/ai-optout-audit'],
      { AWS_REGION: 'cn-north-1' },
    );

    expect(result.stderr).toBe('');
    expect(result.code).toBe(2);
    const scopes = live.proxy.signed.map((s) => `${s.operation} ${s.region}/${s.service}`);
    expect(scopes).toEqual(
      expect.arrayContaining([
        'AssumeRole cn-northwest-1/sts',
        'DescribeOrganization cn-northwest-1/organizations',
        'ListRoots cn-northwest-1/organizations',
      ]),
    );
    expect(new Set(live.proxy.signed.map((s) => `${s.region}/${s.service}`))).toEqual(
      new Set(['cn-northwest-1/sts', 'cn-northwest-1/organizations']),
    );
  });

  it('takes the partition from AWS_DEFAULT_REGION too, and --region wins over both', async () => {
    const byDefault = await run(['snapshot', '--out', join(dir, 'default-region.json')], {
      AWS_DEFAULT_REGION: 'eu-west-1',
    });
    const explicit = await run(['snapshot', '--out', join(dir, 'explicit.json'), '--region', 'us-east-1'], {
      AWS_REGION: 'cn-north-1',
    });
    expect([byDefault.code, explicit.code]).toEqual([0, 0]);
    expect(new Set(live.proxy.signed.map((s) => s.region))).toEqual(new Set(['us-east-1']));
    expect(live.proxy.signed.length).toBeGreaterThan(2);
  });

  it('in GovCloud, live commands exit 1 with one sentence and call nothing', async () => {
    for (const args of [['plan', '--config', config], ['snapshot'], ['apply', '--config', config, '--yes']]) {
      const refused = await run(args, { AWS_REGION: 'us-gov-east-1' });
      expect(refused.code, args.join(' ')).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toBe(GOVCLOUD_SENTENCE);
    }
    const explicit = await run(['plan', '--config', config, '--region', 'us-gov-west-1']);
    expect(explicit.stderr).toBe(GOVCLOUD_SENTENCE);
    expect(live.proxy.signed).toEqual([]);
  });
});
