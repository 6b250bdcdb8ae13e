/**
 * The `-c` deployment settings (lib/settings.ts): read from cdk context and a settings file, validated
 * with one sentence naming the setting (a misspelt one with the setting it probably meant), and turned
 * into PostLzaPipelineStack's typed props (pipelinePropsFrom), the adapter bin/app.ts deploys through.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { pipelinePropsFrom, resolveSettings, SettingsError, validateSettings } from '../../lib/settings.ts';
import { CONFIGURATIONS } from './synth.ts';

describe('deployment settings', () => {
  it('reject an unknown source and name the allowed ones', () => {
    expect(() => validateSettings({ configSource: 'github' })).toThrow(
      'configSource: "github" is not allowed; use one of bundled, lza-s3, codecommit, codeconnections',
    );
  });

  it('reject an unknown setting, a missing repository and conflicting roles', () => {
    expect(() => validateSettings({ mdoe: 'enforce' })).toThrow(
      /unknown setting mdoe; known settings: mode, failOn/,
    );
    expect(() => validateSettings({ configSource: 'codeconnections', connectionArn: 'arn:x' })).toThrow(
      'configSource codeconnections needs connectionArn, repositoryOwner and repositoryName',
    );
    expect(() => validateSettings({ managementAccountId: '111122223333' })).toThrow(
      /needs pipelineAccountId/,
    );
    expect(() =>
      validateSettings({
        managementAccountId: '111122223333',
        pipelineAccountId: '444455556666',
        managementRoleArn: 'arn:aws:iam::111122223333:role/x',
      }),
    ).toThrow(/not both/);
  });

  it('read context strings and a settings file, context winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ai-optout-settings-'));
    try {
      const file = join(dir, 'deploy.json');
      writeFileSync(
        file,
        JSON.stringify({ mode: 'enforce', failOn: 'violations', functionTimeoutMinutes: 10 }),
      );
      const context: Record<string, unknown> = {
        settingsFile: file,
        failOn: 'never',
        functionTimeoutMinutes: '12',
      };
      const settings = resolveSettings((key) => context[key]);
      expect(settings).toMatchObject({
        mode: 'enforce',
        failOn: 'never',
        functionTimeoutMinutes: 12,
        configSource: 'bundled',
      });
      writeFileSync(file, '{ not json');
      expect(() => resolveSettings((key) => context[key])).toThrow(SettingsError);
      writeFileSync(file, JSON.stringify({ lzaprefix: 'ACME' }));
      expect(() => resolveSettings((key) => (key === 'settingsFile' ? file : undefined))).toThrow(
        /unknown setting lzaprefix \(did you mean `lzaPrefix`\?\)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explicit names win over the derived ones', () => {
    const settings = validateSettings({
      lzaPrefix: 'ACME',
      lzaQualifier: 'blue',
      lzaPipelineName: 'My-Pipeline',
      lzaConfigKey: 'mine.zip',
      stackName: 'Mine',
    });
    expect(settings).toMatchObject({
      lzaPipelineName: 'My-Pipeline',
      lzaConfigKey: 'mine.zip',
      stackName: 'Mine',
    });
  });

  it('refuses a prefix or qualifier LZA would refuse, or one that would blur our role names', () => {
    expect(() => validateSettings({ lzaPrefix: 'awsome' })).toThrow(
      'lzaPrefix: "awsome": LZA refuses a custom prefix that starts with aws or ssm',
    );
    expect(() => validateSettings({ lzaQualifier: 'Blue' })).toThrow(
      /lzaQualifier: LZA allows 3 to 63 lower-case letters/,
    );
    expect(() => validateSettings({ lzaQualifier: 'q'.repeat(29) })).toThrow(
      /lzaQualifier: at most 28 characters/,
    );
    expect(() => validateSettings({ lzaQualifier: 'reconciler' })).toThrow(/must not contain "reconciler"/);
    expect(validateSettings({ lzaPrefix: 'awsaccelerator' }).lzaPipelineName).toBe('AWSAccelerator-Pipeline');
  });
  it('the container installer keeps its configuration in S3 and runs no pipeline: other sources and lzaPipelineName are refused', () => {
    expect(() => validateSettings({ lzaInstaller: 'container', configSource: 'codecommit' })).toThrow(
      "lzaInstaller container keeps LZA's configuration in S3 only: use configSource lza-s3 (or bundled), not codecommit",
    );
    expect(() => validateSettings({ lzaInstaller: 'container', lzaPipelineName: 'X-Pipeline' })).toThrow(
      /drop lzaPipelineName/,
    );
  });

  it('a misspelt -c setting fails naming the setting; cdk context keys (feature flags, aws:cdk:…) are not settings', () => {
    const context: Record<string, unknown> = { lzaprefix: 'ACME' };
    const cdkKeys = [
      '@aws-cdk/core:enablePartitionLiterals',
      'aws:cdk:enable-path-metadata',
      'aws:cdk:bundling-stacks',
      'acknowledged-issue-numbers',
    ];
    expect(() => resolveSettings((key) => context[key], ['lzaprefix', ...cdkKeys])).toThrow(
      /^invalid deployment settings: unknown setting lzaprefix \(did you mean `lzaPrefix`\?\); known settings: .*lzaPrefix, lzaQualifier, lzaInstaller/,
    );
    expect(resolveSettings(() => undefined, [...cdkKeys, 'settingsFile', 'mode']).mode).toBe('audit');
  });
});

describe('the -c settings as typed props (pipelinePropsFrom)', () => {
  it('no settings: the stack defaults, written out', () => {
    expect(pipelinePropsFrom(validateSettings({}))).toEqual({
      mode: 'audit',
      failOn: 'drift',
      verify: 'states',
      source: { kind: 'bundled' },
      configPath: 'ai-optout.yaml',
      lza: { prefix: 'AWSAccelerator', installer: 'pipeline', pipelineName: 'AWSAccelerator-Pipeline' },
      functionTimeout: Duration.minutes(14),
      snapshotRetention: Duration.days(90),
      snapshotReaders: [],
      createGithubOidcProvider: false,
      schedule: 'rate(1 day)',
      securityHub: false,
      configRule: false,
      bedrockPolicies: false,
    });
  });

  it('each source becomes its member of the union, with the names the settings give or derive', () => {
    const sourceOf = (raw: Record<string, unknown>) => pipelinePropsFrom(validateSettings(raw)).source;
    expect(sourceOf(CONFIGURATIONS['audit, lza-s3'])).toEqual({
      kind: 'lza-s3',
      objectKey: 'zipped/aws-accelerator-config.zip',
    });
    expect(
      sourceOf({ ...CONFIGURATIONS['enforce, lza-s3 with a customer key'], lzaConfigBucket: 'mine' }),
    ).toEqual({
      kind: 'lza-s3',
      bucketName: 'mine',
      objectKey: 'zipped/aws-accelerator-config.zip',
      keyArn: CONFIGURATIONS['enforce, lza-s3 with a customer key'].lzaConfigKeyArn,
    });
    expect(sourceOf({ configSource: 'codecommit', branch: 'release' })).toEqual({
      kind: 'codecommit',
      repositoryName: 'aws-accelerator-config',
      branch: 'release',
    });
    expect(sourceOf(CONFIGURATIONS['audit, codeconnections'])).toEqual({
      kind: 'codeconnections',
      connectionArn: CONFIGURATIONS['audit, codeconnections'].connectionArn,
      owner: 'example',
      repositoryName: 'aws-accelerator-config',
      branch: 'main',
    });
  });

  it('the management account id becomes the role ManagementRoleStack makes; pull-request checks their repository', () => {
    const props = pipelinePropsFrom(validateSettings(CONFIGURATIONS['enforce, management-account role']));
    expect(props.managementRoleArn).toMatch(/:iam::111122223333:role\/ai-optout-enforce$/);
    const checked = pipelinePropsFrom(
      validateSettings(CONFIGURATIONS['audit, codecommit, pull-request checks']),
    );
    expect(checked.pullRequestChecks).toEqual({
      kind: 'codecommit',
      repositoryName: 'aws-accelerator-config',
    });
  });

  it('the container installer names no LZA pipeline', () => {
    const props = pipelinePropsFrom(validateSettings(CONFIGURATIONS['audit, container installer, lza-s3']));
    expect(props.lza).toEqual({ prefix: 'AWSAccelerator', installer: 'container' });
  });
});

describe('-c bedrockPolicies', () => {
  it.each([
    ['true', true],
    ['false', false],
  ] as const)('%s is read as a switch and reaches the typed props', (text, value) => {
    const settings = resolveSettings((key) => (key === 'bedrockPolicies' ? text : undefined));
    expect(settings.bedrockPolicies).toBe(value);
    expect(pipelinePropsFrom(settings).bedrockPolicies).toBe(value);
  });

  it.each([
    ['yes', /^invalid deployment settings: bedrockPolicies: /],
    ['1', /^invalid deployment settings: bedrockPolicies: /],
  ])('another value (%s) is refused, naming the setting', (text, message) => {
    expect(() => resolveSettings((key) => (key === 'bedrockPolicies' ? text : undefined))).toThrow(message);
  });

  it('a misspelling is refused with the setting it probably meant', () => {
    const context: Record<string, string> = { bedrockPolicy: 'true' };
    expect(() => resolveSettings((key) => context[key], ['bedrockPolicy'])).toThrow(
      /^invalid deployment settings: unknown setting bedrockPolicy \(did you mean `bedrockPolicies`\?\)/,
    );
  });
});
