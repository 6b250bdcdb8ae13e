/**
 * Deployment settings, from cdk context (`-c mode=enforce -c configSource=lza-s3`) or a JSON settings
 * file (`-c settingsFile=deploy.json`); context values win over the file. Validated early, with
 * messages that name the bad value and what is allowed.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const CONFIG_SOURCES = ['bundled', 'lza-s3', 'codecommit', 'codeconnections'] as const;
export type ConfigSourceType = (typeof CONFIG_SOURCES)[number];

export const SettingsSchema = z.strictObject({
  /** audit: read-only role, plan only; enforce: adds writes limited to AI opt-out policies. */
  mode: z.enum(['audit', 'enforce']).default('audit'),
  failOn: z.enum(['drift', 'violations', 'never']).default('drift'),
  configSource: z.enum(CONFIG_SOURCES).default('bundled'),
  /** Path of the desired state inside the source artifact (the zip of config/ for bundled, the repository root otherwise). */
  configPath: z.string().min(1).default('ai-optout.yaml'),
  lzaPipelineName: z.string().min(1).max(100).default('AWSAccelerator-Pipeline'),
  /** lza-s3: the LZA configuration bucket (default aws-accelerator-config-<account>-<region>) and object key. */
  lzaConfigBucket: z.string().min(3).optional(),
  lzaConfigKey: z.string().min(1).default('zipped/aws-accelerator-config.zip'),
  /** lza-s3: the KMS key that encrypts the LZA configuration bucket, if it is a customer managed key. */
  lzaConfigKeyArn: z.string().startsWith('arn:').optional(),
  /** codecommit */
  repositoryName: z.string().min(1).optional(),
  branch: z.string().min(1).default('main'),
  /** codeconnections */
  connectionArn: z.string().startsWith('arn:').optional(),
  repositoryOwner: z.string().min(1).optional(),
  /** Assume this role in the management account instead of granting Organizations access to the function. */
  managementRoleArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/)
    .optional(),
  /** Deploy the management-account role stack too, for this account id (with pipelineAccountId). */
  managementAccountId: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  /** The account the pipeline runs in, trusted by the management-account role. */
  pipelineAccountId: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  /** Email address subscribed to the failure topic. */
  notificationEmail: z.email().optional(),
  stackName: z.string().min(1).default('AiOptOutPipeline'),
  functionTimeoutMinutes: z.number().int().min(1).max(15).default(14),
});

export type Settings = z.output<typeof SettingsSchema>;

export class SettingsError extends Error {
  override name = 'SettingsError';
}

const KEYS = Object.keys(SettingsSchema.shape);

/** Reads cdk context values (strings on the command line, any JSON in cdk.json) into settings. */
export function resolveSettings(tryGetContext: (key: string) => unknown): Settings {
  const raw: Record<string, unknown> = {};
  const file = tryGetContext('settingsFile');
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
    raw[key] = key === 'functionTimeoutMinutes' && typeof value === 'string' ? Number(value) : value;
  }
  return validateSettings(raw);
}

export function validateSettings(raw: Record<string, unknown>): Settings {
  const parsed = SettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = issue.path.join('.');
      if (issue.code === 'invalid_value') {
        return `${key}: ${JSON.stringify(raw[key])} is not allowed; use one of ${issue.values.map((v) => String(v)).join(', ')}`;
      }
      if (issue.code === 'unrecognized_keys')
        return `unknown setting ${issue.keys.join(', ')}; known settings: ${KEYS.join(', ')}`;
      return `${key}: ${issue.message}`;
    });
    throw new SettingsError(`invalid deployment settings: ${problems.join('; ')}`);
  }
  const settings = parsed.data;
  const need = (condition: boolean, message: string) => {
    if (!condition) throw new SettingsError(`invalid deployment settings: ${message}`);
  };
  if (settings.configSource === 'codecommit')
    need(Boolean(settings.repositoryName), 'configSource codecommit needs repositoryName');
  if (settings.configSource === 'codeconnections') {
    need(
      Boolean(settings.connectionArn && settings.repositoryOwner && settings.repositoryName),
      'configSource codeconnections needs connectionArn, repositoryOwner and repositoryName',
    );
  }
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
