/**
 * The names a Landing Zone Accelerator install gives the things this stack follows and reads (its
 * pipeline, configuration bucket and object, installer-key parameter, CodeCommit repository, and the
 * container installer's Automation document), derived exactly as LZA derives them. One definition of
 * each rule; the stack and the settings import them.
 *
 * Read from awslabs/landing-zone-accelerator-on-aws release v1.15.5 (commit
 * 61bba812ce71472684bb7c07f60f1e7100b18cc9); paths below are under source/packages/@aws-accelerator/.
 */
import { MAX_QUALIFIER_LENGTH } from './stack-names.ts';

/** installer/lib/installer-stack.ts, parameter `AcceleratorPrefix` (default). */
export const DEFAULT_LZA_PREFIX = 'AWSAccelerator';

export const LZA_INSTALLERS = ['pipeline', 'container'] as const;
export type LzaInstaller = (typeof LZA_INSTALLERS)[number];

export interface LzaInstall {
  /** The accelerator prefix, as given to the installer (normalized by {@link normalizeLzaPrefix}). */
  readonly prefix: string;
  /** The external-deployment qualifier (`AcceleratorQualifier`), if any. */
  readonly qualifier?: string | undefined;
  readonly installer: LzaInstaller;
}

/**
 * installer/lib/resource-name-prefixes.ts: a prefix that lower-cases to `awsaccelerator` is the default
 * prefix; installer/lib/installer-stack.ts (and installer-container-stack.ts) drop a trailing `-`.
 */
export function normalizeLzaPrefix(prefix: string): string {
  const trimmed = prefix.endsWith('-') ? prefix.slice(0, -1) : prefix;
  return trimmed.toLowerCase() === DEFAULT_LZA_PREFIX.toLowerCase() ? DEFAULT_LZA_PREFIX : trimmed;
}

/**
 * installer-stack.ts `AcceleratorPrefix`: allowedPattern `[A-Za-z0-9-]+`, maxLength 15; a non-default
 * prefix "can not start with keyword aws or ssm" (resource-name-prefixes.ts fails the stack).
 */
export function lzaPrefixProblem(prefix: string): string | undefined {
  if (!/^[A-Za-z0-9-]{1,15}$/.test(prefix))
    return 'LZA allows 1 to 15 letters, digits and dashes (installer parameter AcceleratorPrefix)';
  const normalized = normalizeLzaPrefix(prefix);
  if (normalized === DEFAULT_LZA_PREFIX) return undefined;
  if (/^(aws|ssm)/i.test(normalized)) return 'LZA refuses a custom prefix that starts with aws or ssm';
  return undefined;
}

/** installer-stack.ts `AcceleratorQualifier` allowedPattern (3 to 63 lower-case letters, digits, dashes). */
const LZA_QUALIFIER_PATTERN = /^[a-z]+[a-z0-9-]{1,61}[a-z0-9]+$/;

/**
 * Why ai-optout cannot follow an install with this qualifier, or undefined: LZA's own pattern, and what
 * ai-optout's role names (lib/stack-names.ts) need of it.
 */
export function lzaQualifierProblem(qualifier: string): string | undefined {
  if (!LZA_QUALIFIER_PATTERN.test(qualifier))
    return 'LZA allows 3 to 63 lower-case letters, digits and dashes, starting with a letter';
  if (qualifier.length > MAX_QUALIFIER_LENGTH)
    return `at most ${MAX_QUALIFIER_LENGTH} characters, so ai-optout's IAM role names fit in 64`;
  if (qualifier.includes('reconciler')) return 'must not contain "reconciler" (it would blur role names)';
  return undefined;
}

/** accelerator/utils/app-utils.ts `setResourcePrefixes()`: the three prefixes the names below use. */
export function resourcePrefixes(prefix: string): {
  bucketName: string;
  ssmParamName: string;
  repoName: string;
} {
  return prefix === DEFAULT_LZA_PREFIX
    ? { bucketName: 'aws-accelerator', ssmParamName: '/accelerator', repoName: 'aws-accelerator' }
    : { bucketName: prefix.toLocaleLowerCase(), ssmParamName: `/${prefix}`, repoName: prefix };
}

/** accelerator/lib/pipeline.ts: `${prefix}-Pipeline`, or `${qualifier}-pipeline`. */
export function lzaPipelineName(install: LzaInstall): string {
  return install.qualifier ? `${install.qualifier}-pipeline` : `${install.prefix}-Pipeline`;
}

/**
 * accelerator/lib/pipeline.ts (`configBucketName`) and installer-container-stack.ts (`configBucketName`):
 * `${bucketName}-config-${account}-${region}`, or `${qualifier}-config-${account}-${region}`.
 */
export function lzaConfigBucketName(install: LzaInstall, account: string, region: string): string {
  const head = install.qualifier ?? resourcePrefixes(install.prefix).bucketName;
  return `${head}-config-${account}-${region}`;
}

/**
 * The object the LZA engine reads: accelerator/lib/pipeline.ts, the S3 `Configuration` source action's
 * `bucketKey: 'zipped/aws-accelerator-config.zip'`; installer-container-stack.ts `configS3Key`
 * `lza/aws-accelerator-config.zip` (the same key with a qualifier: the qualifier changes the bucket).
 */
export function lzaConfigObjectKey(install: LzaInstall): string {
  return install.installer === 'container'
    ? 'lza/aws-accelerator-config.zip'
    : 'zipped/aws-accelerator-config.zip';
}

/**
 * The SSM parameter holding the installer KMS key ARN, which encrypts the S3 configuration bucket
 * (accelerator/lib/config-repository.ts `S3ConfigRepository`: SSE-KMS with the installer key;
 * installer-container-stack.ts `ConfigBucket`: `kmsMasterKeyId: installerKey.keyArn`). Written by
 * installer-stack.ts / installer-container-stack.ts (`acceleratorManagementKmsArnSsmParameterName`) and
 * read by pipeline.ts (`acceleratorKeyArnSsmParameterName`).
 */
export function installerKeyArnParameter(install: LzaInstall): string {
  const { ssmParamName } = resourcePrefixes(install.prefix);
  return install.qualifier
    ? `${ssmParamName}/${install.qualifier}/installer/kms/key-arn`
    : `${ssmParamName}/installer/kms/key-arn`;
}

/**
 * accelerator/utils/app-utils.ts `setConfigRepoName()`: the CodeCommit repository LZA creates,
 * `${repoName}-config` (`aws-accelerator-config` by default), or `${qualifier}-config`.
 */
export function lzaConfigRepositoryName(install: LzaInstall): string {
  return install.qualifier
    ? `${install.qualifier}-config`
    : `${resourcePrefixes(install.prefix).repoName}-config`;
}

/** installer-container-stack.ts `ssmDocumentName`: `${prefix}-RunEngine`, or `${qualifier}-RunEngine`. */
export function runEngineDocumentName(install: LzaInstall): string {
  return `${install.qualifier ?? install.prefix}-RunEngine`;
}

/**
 * accelerator/lib/pipeline.ts: the configuration source action of every LZA pipeline (S3, CodeCommit
 * or CodeConnections) is `Configuration` in stage `Source`, with `variablesNamespace: 'Config-Vars'`;
 * LZA hands its build `CONFIG_COMMIT_ID = #{Config-Vars.VersionId}` (s3) or `#{Config-Vars.CommitId}`.
 */
export const LZA_CONFIGURATION_ACTION = {
  stageName: 'Source',
  actionName: 'Configuration',
  namespace: 'Config-Vars',
} as const;
