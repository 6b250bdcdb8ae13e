/**
 * The deployment settings: the adapter from cdk context (`-c mode=enforce -c configSource=lza-s3`) or a
 * JSON settings file (`-c settingsFile=deploy.json`; context values win over the file) to
 * PostLzaPipelineStack's typed props (pipelinePropsFrom). Validated early, with messages that name the
 * bad setting and what is allowed; a misspelt setting is refused with the one it probably meant.
 */

import { readFileSync } from 'node:fs';
import { Duration } from 'aws-cdk-lib';
import * as z from 'zod';
import { ACCOUNT_ID_PATTERN, ROLE_ARN_PATTERN } from '../lambdas/domain/contract.ts';
import { FailOnSchema, ModeSchema, VerifySchema } from '../lambdas/domain/contract-schemas.ts';
import { didYouMean } from '../lambdas/domain/suggest.ts';
import { CONFIG_SOURCE_KINDS, type ConfigSource, DEFAULT_BRANCH } from './config-sources.ts';
import {
  LZA_INSTALLERS,
  type LzaInstall,
  lzaConfigObjectKey,
  lzaConfigRepositoryName,
  lzaPipelineName,
  lzaPrefixProblem,
  lzaQualifierProblem,
  normalizeLzaPrefix,
} from './lza-names.ts';
import { managementRoleArnFor } from './management-role-stack.ts';
import {
  PIPELINE_DEFAULTS,
  type PostLzaPipelineProps,
  PRINCIPAL_ARN_PATTERN,
  SCHEDULE_PATTERN,
} from './post-lza-pipeline-props.ts';
import { githubRepositoryProblem } from './snapshot-readers.ts';
import { stackNames } from './stack-names.ts';

/** Settings that cdk's `-c key=value` gives as strings but are numbers. */
const NUMERIC_SETTINGS = new Set(['functionTimeoutMinutes', 'snapshotRetentionDays']);

/** An on/off setting, off by default: `true`/`false`, or the same as text (as `-c` and settings files give it). */
function switchSetting() {
  return z
    .preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean())
    .default(false);
}

const SettingsSchema = z.strictObject({
  /** audit: read-only role, plan only; enforce: adds writes limited to AI opt-out policies. */
  mode: ModeSchema.default(PIPELINE_DEFAULTS.mode),
  failOn: FailOnSchema.default(PIPELINE_DEFAULTS.failOn),
  /** Which effective states AWS is asked to confirm (DescribeEffectivePolicy): states, all (every account) or none. */
  verify: VerifySchema.default(PIPELINE_DEFAULTS.verify),
  configSource: z.enum(CONFIG_SOURCE_KINDS).default(PIPELINE_DEFAULTS.source.kind),
  /** Path of the desired state inside the source artifact (the zip of config/ for bundled, the repository root otherwise). */
  configPath: z.string().min(1).default(PIPELINE_DEFAULTS.configPath),
  /** The LZA accelerator prefix (installer parameter AcceleratorPrefix); LZA's names derive from it. */
  lzaPrefix: z
    .string()
    .default(PIPELINE_DEFAULTS.lzaPrefix)
    .superRefine((value, ctx) => {
      const problem = lzaPrefixProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)}: ${problem}` });
    })
    .transform(normalizeLzaPrefix),
  /** The LZA external-deployment qualifier (installer parameter AcceleratorQualifier), if any. */
  lzaQualifier: z
    .string()
    .superRefine((value, ctx) => {
      const problem = lzaQualifierProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  /** pipeline: LZA runs as a CodePipeline; container: as the SSM Automation document <prefix>-RunEngine. */
  lzaInstaller: z.enum(LZA_INSTALLERS).default(PIPELINE_DEFAULTS.lzaInstaller),
  /** Default derived: <prefix>-Pipeline, or <qualifier>-pipeline. */
  lzaPipelineName: z.string().min(1).max(100).optional(),
  /** lza-s3: the LZA configuration bucket (default derived: <bucketName>-config-<account>-<region>) and object key. */
  lzaConfigBucket: z.string().min(3).optional(),
  lzaConfigKey: z.string().min(1).optional(),
  /** lza-s3: the KMS key that encrypts the LZA configuration bucket; default: read at deploy time from LZA's SSM parameter. */
  lzaConfigKeyArn: z.string().startsWith('arn:').optional(),
  /** codecommit (default derived: aws-accelerator-config, <prefix>-config or <qualifier>-config) and codeconnections */
  repositoryName: z.string().min(1).optional(),
  branch: z.string().min(1).default(DEFAULT_BRANCH),
  /** codeconnections */
  connectionArn: z.string().startsWith('arn:').optional(),
  repositoryOwner: z.string().min(1).optional(),
  /** Assume this role in the management account instead of granting Organizations access to the function. */
  managementRoleArn: z.string().regex(ROLE_ARN_PATTERN).optional(),
  /** Deploy the management-account role stack too, for this account id (with pipelineAccountId). */
  managementAccountId: z.string().regex(ACCOUNT_ID_PATTERN).optional(),
  /** The account the pipeline runs in, trusted by the management-account role. */
  pipelineAccountId: z.string().regex(ACCOUNT_ID_PATTERN).optional(),
  /** Email address subscribed to the failure topic. */
  notificationEmail: z.email().optional(),
  /** Default AiOptOutPipeline, or AiOptOutPipeline-<qualifier>. */
  stackName: z.string().min(1).optional(),
  functionTimeoutMinutes: z
    .number()
    .int()
    .min(1)
    .max(15)
    .default(PIPELINE_DEFAULTS.functionTimeout.toMinutes()),
  /** Days the dated copies of the published organization snapshot are kept (the latest is always kept). */
  snapshotRetentionDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(PIPELINE_DEFAULTS.snapshotRetention.toDays()),
  /** IAM principal ARNs that may read the published snapshot (a list, or one comma-separated string). */
  snapshotReaders: z
    .preprocess(
      (value) => (typeof value === 'string' ? value.split(',').map((arn) => arn.trim()) : value),
      z.array(z.string().regex(PRINCIPAL_ARN_PATTERN, 'expected an IAM role, user or account-root ARN')),
    )
    .default([]),
  /** A GitHub repository (owner/name, or owner@id/name@id) whose pull-request workflows get a snapshot-reading role. */
  githubRepository: z
    .string()
    .superRefine((value, context) => {
      const problem = githubRepositoryProblem(value);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  /** codecommit: check every pull request of the CodeCommit repository (repositoryName) with a CodeBuild project (lib/pull-request-check.ts). */
  pullRequestChecks: z.enum(['codecommit']).optional(),
  /** Create the account's GitHub OIDC provider with the stack (there is one per account), instead of using the existing one. */
  createGithubOidcProvider: switchSetting(),
  /**
   * When to run besides after LZA: an EventBridge Scheduler expression in UTC, `rate(<n> <unit>)` or
   * `cron(<6 fields>)` [SCHEDULER-EXPRESSIONS],
   * or `off`.
   */
  schedule: z
    .string()
    .regex(
      SCHEDULE_PATTERN,
      'use rate(<n> minutes|hours|days), cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>) or off',
    )
    .default(PIPELINE_DEFAULTS.schedule),
  /** Import a finding per non-compliant account into Security Hub (in the stack's account and region). */
  securityHub: switchSetting(),
  /** Deploy a periodic custom AWS Config rule that evaluates every account (AWS::::Account). */
  configRule: switchSetting(),
  /** Manage Amazon Bedrock policies too: their grants and the guardrail reads, in every role the settings deploy. */
  bedrockPolicies: switchSetting(),
});

/** The validated settings, with every name LZA's rules derive filled in (explicit settings win). */
export type Settings = z.output<typeof SettingsSchema> & {
  lzaPipelineName: string;
  lzaConfigKey: string;
  stackName: string;
  /** The LZA install these settings describe, for the names that need the account and region. */
  lza: LzaInstall;
};

export class SettingsError extends Error {
  override name = 'SettingsError';
}

const KEYS = Object.keys(SettingsSchema.shape);
const SETTINGS_FILE = 'settingsFile';

/**
 * cdk context also holds cdk's own keys (`@aws-cdk/…` feature flags from cdk.json, `aws:cdk:…` from the
 * CLI, `availability-zones:…` lookups, `acknowledged-issue-numbers`): all contain `@`, `:`, `/`, `-` or
 * `.`. A plain word is meant as a setting, so an unknown one is a typo, never ignored.
 */
function unknownSettingProblem(key: string): string {
  const hint = didYouMean(key, KEYS);
  return `unknown setting ${key}${hint ? ` (${hint})` : ''}; known settings: ${KEYS.join(', ')}`;
}

function checkContextKeys(keys: Iterable<string>): void {
  for (const key of keys) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key) || key === SETTINGS_FILE || KEYS.includes(key)) continue;
    throw new SettingsError(`invalid deployment settings: ${unknownSettingProblem(key)}`);
  }
}

/**
 * Reads cdk context values (strings on the command line, any JSON in cdk.json) into settings;
 * `contextKeys` (every key in the context) lets a misspelt `-c` key fail instead of being ignored.
 */
export function resolveSettings(
  tryGetContext: (key: string) => unknown,
  contextKeys: Iterable<string> = [],
): Settings {
  checkContextKeys(contextKeys);
  const raw: Record<string, unknown> = {};
  const file = tryGetContext(SETTINGS_FILE);
  if (typeof file === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new SettingsError(`settings file ${file} cannot be read as JSON: ${(error as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new SettingsError(`settings file ${file} must hold a JSON object`);
    }
    Object.assign(raw, parsed);
  }
  for (const key of KEYS) {
    const value = tryGetContext(key);
    if (value === undefined) continue;
    raw[key] = fromContextString(key, value);
  }
  return validateSettings(raw);
}

/** `-c` values are strings: the numbers are read as numbers (the switches read their own text: switchSetting); anything else fails validation. */
function fromContextString(key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (NUMERIC_SETTINGS.has(key)) return Number(value);
  return value;
}

/**
 * The settings, validated, with LZA's names derived; a SettingsError names the first problem. The
 * combinations refused here that are about the stack (the container installer, the Config rule with a
 * management-account role) are refused by the stack too, in its props' names
 * (lib/post-lza-pipeline-props.ts); here they are named as settings, before any construct exists.
 */
export function validateSettings(raw: Record<string, unknown>): Settings {
  const parsed = SettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = issue.path.join('.');
      if (issue.code === 'invalid_value') {
        return `${key}: ${JSON.stringify(raw[key])} is not allowed; use one of ${issue.values.map((v) => String(v)).join(', ')}`;
      }
      if (issue.code === 'unrecognized_keys') return issue.keys.map(unknownSettingProblem).join('; ');
      return `${key}: ${issue.message}`;
    });
    throw new SettingsError(`invalid deployment settings: ${problems.join('; ')}`);
  }
  const need = (condition: boolean, message: string) => {
    if (!condition) throw new SettingsError(`invalid deployment settings: ${message}`);
  };
  const settings = deriveLzaNames(parsed.data);
  if (settings.lza.installer === 'container') {
    need(
      settings.configSource === 'bundled' || settings.configSource === 'lza-s3',
      `lzaInstaller container keeps LZA's configuration in S3 only: use configSource lza-s3 (or bundled), not ${settings.configSource}`,
    );
    need(
      parsed.data.lzaPipelineName === undefined,
      'lzaInstaller container runs no LZA pipeline: drop lzaPipelineName (ai-optout follows the Automation document <prefix>-RunEngine)',
    );
  }
  configSourceOf(settings);
  need(
    !settings.pullRequestChecks || Boolean(settings.repositoryName),
    'pullRequestChecks codecommit needs the CodeCommit repository: use configSource codecommit, or set repositoryName',
  );
  need(
    !settings.pullRequestChecks || settings.configSource !== 'codeconnections',
    'pullRequestChecks codecommit checks a CodeCommit repository, but configSource is codeconnections: use examples/codebuild/buildspec.yml in a CodeBuild project of your own (docs/pull-requests.md)',
  );
  need(
    !settings.configRule || !(settings.managementAccountId || settings.managementRoleArn),
    'configRule runs in the management account only: the management-account role trusts the reconciler alone; drop configRule, or deploy the pipeline in the management account without managementAccountId and managementRoleArn',
  );
  if (settings.managementAccountId) {
    need(
      !settings.managementRoleArn,
      'set managementAccountId (to deploy the role here) or managementRoleArn (an existing role), not both',
    );
    need(
      Boolean(settings.pipelineAccountId),
      'managementAccountId needs pipelineAccountId, the account the pipeline runs in',
    );
  }
  return settings;
}

/** Fills in what LZA's naming rules derive (lib/lza-names.ts), keeping explicit settings. */
function deriveLzaNames(parsed: z.output<typeof SettingsSchema>): Settings {
  const lza: LzaInstall = {
    prefix: parsed.lzaPrefix,
    qualifier: parsed.lzaQualifier,
    installer: parsed.lzaInstaller,
  };
  const repositoryName =
    parsed.repositoryName ??
    (parsed.configSource === 'codecommit' ? lzaConfigRepositoryName(lza) : undefined);
  return {
    ...parsed,
    lza,
    lzaPipelineName: parsed.lzaPipelineName ?? lzaPipelineName(lza),
    lzaConfigKey: parsed.lzaConfigKey ?? lzaConfigObjectKey(lza),
    stackName: parsed.stackName ?? stackNames(parsed.lzaQualifier).stackName,
    ...(repositoryName ? { repositoryName } : {}),
  };
}

/**
 * The source the settings name, with the names they give (the construct derives the rest as LZA does);
 * codeconnections names no repository of LZA's, so its three settings are required.
 */
function configSourceOf(settings: Settings): ConfigSource {
  const { branch, repositoryName } = settings;
  switch (settings.configSource) {
    case 'bundled':
      return { kind: 'bundled' };
    case 'lza-s3':
      return {
        kind: 'lza-s3',
        ...(settings.lzaConfigBucket ? { bucketName: settings.lzaConfigBucket } : {}),
        objectKey: settings.lzaConfigKey,
        ...(settings.lzaConfigKeyArn ? { keyArn: settings.lzaConfigKeyArn } : {}),
      };
    case 'codecommit':
      return { kind: 'codecommit', ...(repositoryName ? { repositoryName } : {}), branch };
    case 'codeconnections': {
      const { connectionArn, repositoryOwner: owner } = settings;
      if (!(connectionArn && owner && repositoryName))
        throw new SettingsError(
          'invalid deployment settings: configSource codeconnections needs connectionArn, repositoryOwner and repositoryName',
        );
      return { kind: 'codeconnections', connectionArn, owner, repositoryName, branch };
    }
  }
}

/** The management-account role the function assumes: the one the settings name, or the one ManagementRoleStack makes. */
function managementRoleArnOf(settings: Settings): string | undefined {
  return (
    settings.managementRoleArn ??
    (settings.managementAccountId
      ? managementRoleArnFor(settings.managementAccountId, settings.mode, settings.lzaQualifier)
      : undefined)
  );
}

/**
 * PostLzaPipelineStack's typed props for validated settings: what `npx cdk deploy -c …` deploys
 * (bin/app.ts), and what the deprecated `settings` prop stands for.
 */
export function pipelinePropsFrom(settings: Settings): PostLzaPipelineProps {
  const managementRoleArn = managementRoleArnOf(settings);
  const { repositoryName, notificationEmail, githubRepository } = settings;
  return {
    mode: settings.mode,
    failOn: settings.failOn,
    verify: settings.verify,
    source: configSourceOf(settings),
    configPath: settings.configPath,
    lza: {
      prefix: settings.lzaPrefix,
      ...(settings.lzaQualifier ? { qualifier: settings.lzaQualifier } : {}),
      installer: settings.lzaInstaller,
      ...(settings.lzaInstaller === 'pipeline' ? { pipelineName: settings.lzaPipelineName } : {}),
    },
    ...(managementRoleArn ? { managementRoleArn } : {}),
    ...(notificationEmail ? { notificationEmail } : {}),
    functionTimeout: Duration.minutes(settings.functionTimeoutMinutes),
    snapshotRetention: Duration.days(settings.snapshotRetentionDays),
    snapshotReaders: settings.snapshotReaders,
    ...(githubRepository ? { githubRepository } : {}),
    createGithubOidcProvider: settings.createGithubOidcProvider,
    ...(settings.pullRequestChecks
      ? {
          pullRequestChecks: {
            kind: settings.pullRequestChecks,
            ...(repositoryName ? { repositoryName } : {}),
          },
        }
      : {}),
    schedule: settings.schedule,
    securityHub: settings.securityHub,
    configRule: settings.configRule,
    bedrockPolicies: settings.bedrockPolicies,
  };
}
