/**
 * The names a Landing Zone Accelerator install gives the things this stack follows and reads (its
 * pipeline, configuration bucket and object, installer-key parameter, CodeCommit repository, and the
 * container installer's Automation document), derived exactly as LZA derives them. One definition of
 * each rule; the stack and the settings import them. Each rule cites the LZA fact it follows.
 */
import { MAX_QUALIFIER_LENGTH } from './stack-names.ts';

/** The default accelerator prefix [LZA-PREFIX]. */
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

/** A prefix that lower-cases to `awsaccelerator` is the default prefix; a trailing `-` is dropped [LZA-PREFIX]. */
export function normalizeLzaPrefix(prefix: string): string {
  const trimmed = prefix.endsWith('-') ? prefix.slice(0, -1) : prefix;
  return trimmed.toLowerCase() === DEFAULT_LZA_PREFIX.toLowerCase() ? DEFAULT_LZA_PREFIX : trimmed;
}

/** 1 to 15 letters, digits and dashes; a non-default prefix "can not start with keyword aws or ssm" [LZA-PREFIX]. */
export function lzaPrefixProblem(prefix: string): string | undefined {
  if (!/^[A-Za-z0-9-]{1,15}$/.test(prefix))
    return 'LZA allows 1 to 15 letters, digits and dashes (installer parameter AcceleratorPrefix)';
  const normalized = normalizeLzaPrefix(prefix);
  if (normalized === DEFAULT_LZA_PREFIX) return undefined;
  if (/^(aws|ssm)/i.test(normalized)) return 'LZA refuses a custom prefix that starts with aws or ssm';
  return undefined;
}

/** 3 to 63 lower-case letters, digits and dashes [LZA-QUALIFIER]. */
export const LZA_QUALIFIER_PATTERN = /^[a-z]+[a-z0-9-]{1,61}[a-z0-9]+$/;

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

/** The three prefixes the names below use [LZA-RESOURCE-PREFIXES]. */
export function resourcePrefixes(prefix: string): {
  bucketName: string;
  ssmParamName: string;
  repoName: string;
} {
  return prefix === DEFAULT_LZA_PREFIX
    ? { bucketName: 'aws-accelerator', ssmParamName: '/accelerator', repoName: 'aws-accelerator' }
    : { bucketName: prefix.toLocaleLowerCase(), ssmParamName: `/${prefix}`, repoName: prefix };
}

/** `${prefix}-Pipeline`, or `${qualifier}-pipeline` [LZA-PIPELINE-NAME]. */
export function lzaPipelineName(install: LzaInstall): string {
  return install.qualifier ? `${install.qualifier}-pipeline` : `${install.prefix}-Pipeline`;
}

/** `${bucketName}-config-${account}-${region}`, or `${qualifier}-config-${account}-${region}` [LZA-CONFIG-BUCKET]. */
export function lzaConfigBucketName(install: LzaInstall, account: string, region: string): string {
  const head = install.qualifier ?? resourcePrefixes(install.prefix).bucketName;
  return `${head}-config-${account}-${region}`;
}

/**
 * The object the LZA engine reads, per installer [LZA-CONFIG-OBJECT] (the same key with a qualifier: the
 * qualifier changes the bucket).
 */
export function lzaConfigObjectKey(install: LzaInstall): string {
  return install.installer === 'container'
    ? 'lza/aws-accelerator-config.zip'
    : 'zipped/aws-accelerator-config.zip';
}

/**
 * The SSM parameter holding the installer KMS key ARN [LZA-INSTALLER-KEY-PARAMETER], which encrypts the
 * S3 configuration bucket [LZA-CONFIG-BUCKET].
 */
export function installerKeyArnParameter(install: LzaInstall): string {
  const { ssmParamName } = resourcePrefixes(install.prefix);
  return install.qualifier
    ? `${ssmParamName}/${install.qualifier}/installer/kms/key-arn`
    : `${ssmParamName}/installer/kms/key-arn`;
}

/**
 * The CodeCommit repository LZA creates, `${repoName}-config` (`aws-accelerator-config` by default), or
 * `${qualifier}-config` [LZA-CONFIG-REPOSITORY].
 */
export function lzaConfigRepositoryName(install: LzaInstall): string {
  return install.qualifier
    ? `${install.qualifier}-config`
    : `${resourcePrefixes(install.prefix).repoName}-config`;
}

/** `${prefix}-RunEngine`, or `${qualifier}-RunEngine` [LZA-RUN-ENGINE-DOCUMENT]. */
export function runEngineDocumentName(install: LzaInstall): string {
  return `${install.qualifier ?? install.prefix}-RunEngine`;
}

/**
 * The configuration source action of every LZA pipeline (S3, CodeCommit or CodeConnections)
 * [LZA-CONFIGURATION-ACTION]; its variables carry the revision it fetched [CP-SOURCE-VARIABLES].
 */
export const LZA_CONFIGURATION_ACTION = {
  stageName: 'Source',
  actionName: 'Configuration',
  namespace: 'Config-Vars',
} as const;
