/**
 * LZA's naming rules, case by case, with the values LZA's own source produces
 * (awslabs/landing-zone-accelerator-on-aws v1.15.5; the files are named in lib/lza-names.ts), and this
 * stack's own names per qualifier.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LZA_PREFIX,
  installerKeyArnParameter,
  type LzaInstall,
  lzaConfigBucketName,
  lzaConfigObjectKey,
  lzaConfigRepositoryName,
  lzaPipelineName,
  lzaPrefixProblem,
  normalizeLzaPrefix,
  resourcePrefixes,
  runEngineDocumentName,
} from '../../lib/lza-names.ts';
import { stackNames } from '../../lib/stack-names.ts';

const DEFAULT: LzaInstall = { prefix: DEFAULT_LZA_PREFIX, installer: 'pipeline' };
const ACME: LzaInstall = { prefix: 'ACME', installer: 'pipeline' };
const BLUE: LzaInstall = { prefix: DEFAULT_LZA_PREFIX, qualifier: 'blue', installer: 'pipeline' };
const ACME_BLUE: LzaInstall = { prefix: 'ACME', qualifier: 'blue', installer: 'pipeline' };
const CONTAINER: LzaInstall = { prefix: DEFAULT_LZA_PREFIX, installer: 'container' };

const names = (install: LzaInstall) => ({
  pipeline: lzaPipelineName(install),
  bucket: lzaConfigBucketName(install, '111122223333', 'us-east-1'),
  key: lzaConfigObjectKey(install),
  keyParameter: installerKeyArnParameter(install),
  repository: lzaConfigRepositoryName(install),
  document: runEngineDocumentName(install),
});

describe("LZA's names", () => {
  it('default install (app-utils.ts setResourcePrefixes: aws-accelerator, /accelerator)', () => {
    expect(names(DEFAULT)).toEqual({
      pipeline: 'AWSAccelerator-Pipeline',
      bucket: 'aws-accelerator-config-111122223333-us-east-1',
      key: 'zipped/aws-accelerator-config.zip',
      keyParameter: '/accelerator/installer/kms/key-arn',
      repository: 'aws-accelerator-config',
      document: 'AWSAccelerator-RunEngine',
    });
  });

  it('custom prefix: the prefix as is, lower-cased for the bucket', () => {
    expect(resourcePrefixes('ACME')).toEqual({ bucketName: 'acme', ssmParamName: '/ACME', repoName: 'ACME' });
    expect(names(ACME)).toEqual({
      pipeline: 'ACME-Pipeline',
      bucket: 'acme-config-111122223333-us-east-1',
      key: 'zipped/aws-accelerator-config.zip',
      keyParameter: '/ACME/installer/kms/key-arn',
      repository: 'ACME-config',
      document: 'ACME-RunEngine',
    });
  });

  it('qualifier: pipeline, bucket, repository and document take the qualifier; the key parameter keeps the prefix', () => {
    expect(names(BLUE)).toEqual({
      pipeline: 'blue-pipeline',
      bucket: 'blue-config-111122223333-us-east-1',
      key: 'zipped/aws-accelerator-config.zip',
      keyParameter: '/accelerator/blue/installer/kms/key-arn',
      repository: 'blue-config',
      document: 'blue-RunEngine',
    });
    expect(installerKeyArnParameter(ACME_BLUE)).toBe('/ACME/blue/installer/kms/key-arn');
  });

  it('container installer: the configuration zip is lza/aws-accelerator-config.zip, with or without a qualifier', () => {
    expect(lzaConfigObjectKey(CONTAINER)).toBe('lza/aws-accelerator-config.zip');
    expect(lzaConfigObjectKey({ ...CONTAINER, qualifier: 'blue' })).toBe('lza/aws-accelerator-config.zip');
    expect(runEngineDocumentName({ ...CONTAINER, qualifier: 'blue' })).toBe('blue-RunEngine');
    expect(lzaConfigBucketName({ ...CONTAINER, qualifier: 'blue' }, 'A', 'R')).toBe('blue-config-A-R');
  });

  it('the prefix as the installer takes it: default in any case, trailing dash dropped, aws/ssm refused', () => {
    expect(normalizeLzaPrefix('awsaccelerator')).toBe('AWSAccelerator');
    expect(normalizeLzaPrefix('ACME-')).toBe('ACME');
    expect(lzaPrefixProblem('AWSAccelerator')).toBeUndefined();
    expect(lzaPrefixProblem('ACME')).toBeUndefined();
    expect(lzaPrefixProblem('awsome')).toMatch(/starts with aws or ssm/);
    expect(lzaPrefixProblem('SSMx')).toMatch(/starts with aws or ssm/);
    expect(lzaPrefixProblem('MuchTooLongPrefix')).toMatch(/1 to 15 letters/);
    expect(lzaPrefixProblem('ac_me')).toMatch(/1 to 15 letters/);
  });
});

describe("this stack's names", () => {
  it('without a qualifier, the names the stack always had', () => {
    const plain = stackNames();
    expect([
      plain.stackName,
      plain.pipelineName,
      plain.reconcilerRolePrefix,
      plain.managementRoleName('audit'),
    ]).toEqual(['AiOptOutPipeline', 'ai-optout', 'ai-optout-reconciler', 'ai-optout-audit']);
  });

  it('with a qualifier, every one carries it, and no trust pattern matches another install', () => {
    const blue = stackNames('blue');
    expect([
      blue.stackName,
      blue.pipelineName,
      blue.reconcilerRolePrefix,
      blue.managementRoleName('enforce'),
    ]).toEqual([
      'AiOptOutPipeline-blue',
      'ai-optout-blue',
      'ai-optout-blue-reconciler',
      'ai-optout-blue-enforce',
    ]);
    const role = (q?: string) => `${stackNames(q).reconcilerRolePrefix}-ap-southeast-2`;
    const trusts = (q: string | undefined, name: string) =>
      name.startsWith(`${stackNames(q).reconcilerRolePrefix}-`);
    for (const [a, b] of [
      [undefined, 'blue'],
      ['blue', undefined],
      ['blue', 'blue-x'],
      ['blue-x', 'blue'],
    ] as const) {
      expect(trusts(a, role(b)), `${a} trusting ${b}`).toBe(false);
    }
    expect(trusts('blue', role('blue'))).toBe(true);
    expect(role('q'.repeat(28)).length).toBeLessThanOrEqual(64);
  });
});
