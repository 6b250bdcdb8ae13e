/**
 * The stacks the tests synthesize, each synthesized once per test run and shared by every test file:
 * the first file that asks synthesizes it (bundling the Lambda code, unless `bundling: false`) and
 * writes its template and cdk-nag findings to the run's folder (test/support/global-setup.ts) under a
 * lock; a file in another worker waits for that result instead of synthesizing again. Within a worker
 * results are also kept in memory. Outside a run (no run folder) each process synthesizes for itself.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ReleaseGatingExampleStack } from '../../examples/release-gating-stack.ts';
import { ManagementRoleStack } from '../../lib/management-role-stack.ts';
import { PostLzaPipelineStack } from '../../lib/post-lza-pipeline-stack.ts';
import { pipelinePropsFrom, type Settings, validateSettings } from '../../lib/settings.ts';
import { RUN_DIR_VARIABLE } from '../support/global-setup.ts';
import { DefaultsStack } from './defaults-stack.ts';

export const CDK_CONTEXT = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'))
  .context as Record<string, unknown>;

/** `bundling: false` skips the Lambda bundle (CDK's `aws:cdk:bundling-stacks`): for tests of IAM and ARNs only. */
export function newApp(options: { bundling?: boolean } = {}): App {
  const skip = options.bundling === false ? { 'aws:cdk:bundling-stacks': [] } : {};
  return new App({ context: { ...CDK_CONTEXT, ...skip } });
}

/** cdk-nag AwsSolutions findings left after acknowledgements, as `RuleId @ construct path`. */
export function nagFindings(stack: Stack): string[] {
  const report = new AwsSolutionsChecks().validateScope(stack);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath ?? r.resourceLogicalId}`),
  );
}

/** A synthesized stack as the tests read it: its template and its unacknowledged cdk-nag findings. */
export interface Synthesized {
  template: Template;
  findings: string[];
}

interface Stored {
  template: Record<string, unknown>;
  findings: string[];
}

const inMemory = new Map<string, Stored>();
/** How long a test waits for another worker's synthesis (bundled syntheses take seconds; a loaded machine, minutes). */
const WAIT_LIMIT_MS = 600_000;

/** The stack `build` makes, synthesized once per run under `key` (which must say everything `build` depends on). */
export function synthesized(key: string, build: () => Stack): Synthesized {
  const stored = inMemory.get(key) ?? sharedAcrossWorkers(key, build);
  inMemory.set(key, stored);
  return { template: Template.fromJSON(stored.template), findings: stored.findings };
}

function synthesize(build: () => Stack): Stored {
  const stack = build();
  return { template: Template.fromStack(stack).toJSON(), findings: nagFindings(stack) };
}

function sharedAcrossWorkers(key: string, build: () => Stack): Stored {
  const runDir = process.env[RUN_DIR_VARIABLE];
  if (!runDir) return synthesize(build);
  const dir = join(runDir, 'syntheses');
  mkdirSync(dir, { recursive: true });
  const name = createHash('sha256').update(key).digest('hex').slice(0, 32);
  const result = join(dir, `${name}.json`);
  try {
    mkdirSync(join(dir, `${name}.lock`)); // exactly one process creates it
  } catch {
    return waitFor(result, key);
  }
  let outcome: { stored?: Stored; error?: string };
  try {
    outcome = { stored: synthesize(build) };
  } catch (error) {
    outcome = { error: (error as Error).message };
  }
  writeFileSync(`${result}.tmp`, JSON.stringify(outcome));
  renameSync(`${result}.tmp`, result);
  if (outcome.error !== undefined) throw new Error(outcome.error);
  return outcome.stored as Stored;
}

function waitFor(result: string, key: string): Stored {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; !existsSync(result); waited += 100) {
    if (waited > WAIT_LIMIT_MS) throw new Error(`no synthesis of ${key} after ${WAIT_LIMIT_MS / 1000} s`);
    Atomics.wait(pause, 0, 0, 100);
  }
  const outcome = JSON.parse(readFileSync(result, 'utf8')) as { stored?: Stored; error?: string };
  if (outcome.error !== undefined) throw new Error(outcome.error);
  return outcome.stored as Stored;
}

export interface SynthesizedPipeline extends Synthesized {
  settings: Settings;
}

/**
 * The pipeline stack for these `-c` settings, as the app deploys it (bin/app.ts: the settings' typed
 * props); environment-agnostic unless `env` gives the account and region (as the cdk CLI does).
 */
export function synthPipeline(
  raw: Record<string, unknown> = {},
  options: { bundling?: boolean; env?: { account: string; region: string } } = {},
): SynthesizedPipeline {
  const settings = validateSettings(raw);
  const key = JSON.stringify(['pipeline', raw, options.bundling ?? true, options.env ?? null]);
  const synth = synthesized(
    key,
    () =>
      new PostLzaPipelineStack(newApp(options), settings.stackName, {
        ...pipelinePropsFrom(settings),
        ...(options.env ? { env: options.env } : {}),
      }),
  );
  return { ...synth, settings };
}

/** The management-account role stack, trusting the pipeline account 444455556666. */
export function synthManagementRole(
  mode: 'audit' | 'enforce',
  options: { qualifier?: string; bedrockPolicies?: boolean } = {},
): Synthesized {
  const { qualifier, bedrockPolicies } = options;
  return synthesized(
    JSON.stringify(['management-role', mode, qualifier ?? null, bedrockPolicies ?? false]),
    () =>
      new ManagementRoleStack(newApp(), 'AiOptOutManagementRole', {
        mode,
        pipelineAccountId: '444455556666',
        ...(qualifier ? { qualifier } : {}),
        ...(bedrockPolicies ? { bedrockPolicies } : {}),
      }),
  );
}

/** Every construct with its required props only (./defaults-stack.ts), without bundles. */
export function synthConstructDefaults(): Synthesized {
  return synthesized('construct-defaults', () => new DefaultsStack(newApp({ bundling: false }), 'Defaults'));
}

/** PostLzaPipelineStack with no props at all, without bundles. */
export function synthPipelineDefaults(): Synthesized {
  return synthesized(
    'pipeline-defaults',
    () => new PostLzaPipelineStack(newApp({ bundling: false }), 'AiOptOutPipeline'),
  );
}

/** examples/release-gating-stack.ts, as a user's app would synthesize it. */
export function synthReleaseGatingExample(): Synthesized {
  return synthesized(
    'release-gating-example',
    () => new ReleaseGatingExampleStack(newApp(), 'ReleaseGating'),
  );
}

/** Every opt-in of continuous compliance at once (cdk-nag and cfn-lint check it, synthesized without bundles). */
export const CONTINUOUS_COMPLIANCE = {
  mode: 'enforce',
  securityHub: true,
  configRule: true,
  schedule: 'rate(1 hour)',
};

/** The deployments cdk-nag and cfn-lint check (test/lib/template-checks.test.ts), by name; other files use them too. */
export const CONFIGURATIONS = {
  'audit, bundled (default)': {},
  'enforce, bundled': { mode: 'enforce' },
  'audit, lza-s3': { configSource: 'lza-s3' },
  'enforce, lza-s3 with a customer key': {
    mode: 'enforce',
    configSource: 'lza-s3',
    lzaConfigKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  },
  'audit, codecommit (repository derived)': { configSource: 'codecommit' },
  'audit, lza-s3, prefix ACME': { configSource: 'lza-s3', lzaPrefix: 'ACME' },
  'enforce, lza-s3, qualifier blue, management-account role': {
    mode: 'enforce',
    configSource: 'lza-s3',
    lzaQualifier: 'blue',
    managementAccountId: '111122223333',
    pipelineAccountId: '444455556666',
  },
  'enforce, lza-s3, qualifier green, management-account role': {
    mode: 'enforce',
    configSource: 'lza-s3',
    lzaQualifier: 'green',
    managementAccountId: '111122223333',
    pipelineAccountId: '444455556666',
  },
  'audit, container installer, lza-s3': { lzaInstaller: 'container', configSource: 'lza-s3' },
  'audit, codeconnections': {
    configSource: 'codeconnections',
    connectionArn: 'arn:aws:codeconnections:us-east-1:111122223333:connection/0a1b2c3d-4e5f',
    repositoryOwner: 'example',
    repositoryName: 'aws-accelerator-config',
  },
  'enforce, management-account role': {
    mode: 'enforce',
    managementAccountId: '111122223333',
    pipelineAccountId: '444455556666',
  },
  'audit, codecommit, pull-request checks': { configSource: 'codecommit', pullRequestChecks: 'codecommit' },
  'enforce, Bedrock policies, Config rule': { mode: 'enforce', bedrockPolicies: true, configRule: true },
  'enforce, Bedrock policies, management-account role': {
    mode: 'enforce',
    bedrockPolicies: true,
    managementAccountId: '111122223333',
    pipelineAccountId: '444455556666',
  },
  'audit, snapshot readers and a GitHub OIDC role (provider created)': {
    snapshotReaders: ['arn:aws:iam::444455556666:role/reviewers'],
    githubRepository: 'octo-org/octo-repo',
    createGithubOidcProvider: true,
  },
} as const satisfies Record<string, Record<string, unknown>>;

export type ConfigurationName = keyof typeof CONFIGURATIONS;
