/**
 * The package's stacks synthesize the same template in any app: with this repository's cdk.json, with
 * no feature flags at all (an app without our cdk.json), and with every boolean flag of cdk.json
 * turned the other way (an app whose choices differ from ours). lib/feature-flags.ts pins the flags
 * that would otherwise change them.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ManagementRoleStack } from '../../lib/management-role-stack.ts';
import { PostLzaPipelineStack } from '../../lib/post-lza-pipeline-stack.ts';
import { validateSettings } from '../../lib/settings.ts';
import { CDK_CONTEXT } from './synth.ts';

const OPPOSITE_FLAGS = Object.fromEntries(
  Object.entries(CDK_CONTEXT).map(([key, value]) => [key, typeof value === 'boolean' ? !value : value]),
);

/** Both stacks' templates in an app with this context (the Lambda bundles skipped: their code is not what varies). */
function templates(context: Record<string, unknown>, raw: Record<string, unknown>): unknown[] {
  const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  const pipeline = new PostLzaPipelineStack(app, 'Pipeline', { settings: validateSettings(raw) });
  const role = new ManagementRoleStack(app, 'ManagementRole', {
    mode: 'enforce',
    pipelineAccountId: '444455556666',
  });
  return [Template.fromStack(pipeline).toJSON(), Template.fromStack(role).toJSON()];
}

describe("the templates do not depend on the app's feature flags", () => {
  it('the flags this test turns are ones cdk.json sets', () => {
    expect(Object.keys(OPPOSITE_FLAGS).length).toBeGreaterThan(50);
    expect(OPPOSITE_FLAGS['@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy']).toBe(false);
  });

  it.each([
    ['bundled source, audit', {}],
    [
      'LZA S3 source, enforce, management-account role',
      {
        configSource: 'lza-s3',
        mode: 'enforce',
        managementAccountId: '111122223333',
        pipelineAccountId: '444455556666',
      },
    ],
    ['CodeCommit source', { configSource: 'codecommit' }],
    ['container installer', { configSource: 'lza-s3', lzaInstaller: 'container' }],
  ])(
    '%s: no flags and the opposite flags give the template of cdk.json',
    (_name, raw) => {
      const expected = templates(CDK_CONTEXT, raw);

      expect(templates({}, raw)).toEqual(expected);
      expect(templates(OPPOSITE_FLAGS, raw)).toEqual(expected);
      // Six syntheses (the first also loads aws-cdk-lib): a few seconds alone, far more on a loaded machine.
    },
    180_000,
  );
});
