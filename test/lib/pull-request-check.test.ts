/**
 * The CodeCommit pull-request check (-c pullRequestChecks=codecommit): the rule on pull requests created
 * or updated, StartBuild's input from the event, the buildspec (examples/codebuild/buildspec.yml, with
 * its JUnit report), this deployment's ai-optout as the `tool` source, and a role whose CodeCommit
 * actions act on that repository only, proven with the IAM simulator fed by AWS's authorization data.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../../lambdas/adapters/package-root.ts';
import { PULL_REQUEST_ACTIONS } from '../../lib/pull-request-check.ts';
import { packTool, TOOL_TARBALL } from '../../lib/pull-request-tool.ts';
import { SettingsError, validateSettings } from '../../lib/settings.ts';
import { decide } from './iam/simulate.ts';
import { identityPoliciesOf } from './iam/template-policies.ts';
import { synthConstructDefaults, synthPipeline } from './synth.ts';
import { logicalIdOf, statementsOfRole } from './template-queries.ts';

const SETTINGS = { configSource: 'codecommit', pullRequestChecks: 'codecommit' };
const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const REPO_ARN = `arn:aws:codecommit:${REGION}:${ACCOUNT}:aws-accelerator-config`;
const BUILDSPEC = join(PACKAGE_ROOT, 'examples/codebuild/buildspec.yml');

describe('PullRequestCheck', () => {
  const { template, findings } = synthPipeline(SETTINGS, { bundling: false });
  const projectId = logicalIdOf(template, 'AWS::CodeBuild::Project', () => true);
  const project = template.findResources('AWS::CodeBuild::Project')[projectId]?.Properties;

  it('starts the build on pull requests created or updated, at the source commit, with the event in the environment', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule')).filter((r) =>
      JSON.stringify(r.Properties.EventPattern).includes('Pull Request State Change'),
    );
    expect(rules).toHaveLength(1);
    const rule = rules[0]?.Properties;
    expect(rule.EventPattern).toMatchObject({
      source: ['aws.codecommit'],
      'detail-type': ['CodeCommit Pull Request State Change'],
      detail: { event: ['pullRequestCreated', 'pullRequestSourceBranchUpdated'] },
    });
    const target = rule.Targets[0];
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [projectId, 'Arn'] });
    expect(target.InputTransformer.InputPathsMap).toEqual({
      'detail-sourceCommit': '$.detail.sourceCommit',
      'detail-pullRequestId': '$.detail.pullRequestId',
      'detail-destinationCommit': '$.detail.destinationCommit',
      'detail-revisionId': '$.detail.revisionId',
    });
    const input = JSON.parse(
      target.InputTransformer.InputTemplate.replace(/<([\w-]+)>/g, '"<$1>"').replace(/""/g, '"'),
    );
    expect(input.sourceVersion).toBe('<detail-sourceCommit>');
    expect(
      input.environmentVariablesOverride.map((v: { name: string; value: string }) => `${v.name}=${v.value}`),
    ).toEqual([
      'PULL_REQUEST_ID=<detail-pullRequestId>',
      'SOURCE_COMMIT=<detail-sourceCommit>',
      'DESTINATION_COMMIT=<detail-destinationCommit>',
      'REVISION_ID=<detail-revisionId>',
    ]);
  });

  it('runs the example buildspec (JUnit report group included) with this deployment as the tool source', () => {
    const spec = parse(project.Source.BuildSpec);
    expect(spec).toEqual({ ...parse(readFileSync(BUILDSPEC, 'utf8')), artifacts: undefined });
    // The tool's tarball installed with runtime dependencies only, outside the checkout; the check run compiled
    expect(spec.env.variables).toEqual({ AI_OPTOUT_TOOL: '/tmp/ai-optout-tool' });
    expect(spec.phases.install.commands.join('\n')).toContain(
      'npm install --omit=dev --ignore-scripts --no-audit --no-fund --no-package-lock "$AI_OPTOUT_TARBALL"',
    );
    expect(spec.phases.install.commands[0]).toBe(
      'export AI_OPTOUT_TARBALL="$CODEBUILD_SRC_DIR_tool/ai-optout.tgz"',
    );
    expect(spec.phases.build.commands).toEqual([
      'cd "$CODEBUILD_SRC_DIR" && node "$AI_OPTOUT_TOOL/node_modules/ai-optout/dist/cli/pull-request-check.js"',
    ]);
    expect(spec.reports['ai-optout']).toEqual({
      files: ['ai-optout.xml'],
      'base-directory': 'reports',
      'file-format': 'JUNITXML',
    });
    expect(project.Source).toMatchObject({ Type: 'CODECOMMIT', GitCloneDepth: 1 });
    expect(project.SecondarySources).toMatchObject([{ Type: 'S3', SourceIdentifier: 'tool' }]);
    expect(project.EncryptionKey).toEqual({
      'Fn::GetAtt': [logicalIdOf(template, 'AWS::KMS::Key', () => true), 'Arn'],
    });
    const variables = Object.fromEntries(
      project.Environment.EnvironmentVariables.map((v: { Name: string; Value: unknown }) => [
        v.Name,
        v.Value,
      ]),
    );
    expect(variables.CONFIG_PATH).toBe('ai-optout.yaml');
    expect(JSON.stringify(variables.SNAPSHOT_URL)).toContain('/ai-optout/snapshots/latest.json');
  });

  it("its role's CodeCommit actions are allowed on that repository only (IAM simulator)", async () => {
    const roleId = project.ServiceRole['Fn::GetAtt'][0];
    const statements = statementsOfRole(template, roleId);
    expect(statements.find((s) => s.Sid === 'PullRequestOfThisRepository')?.Action).toEqual(
      PULL_REQUEST_ACTIONS,
    );
    const caller = {
      principal: `arn:aws:iam::${ACCOUNT}:role/check`,
      identityPolicies: identityPoliciesOf(template, roleId, {
        partition: 'aws',
        account: ACCOUNT,
        region: REGION,
      }),
    };
    for (const action of [...PULL_REQUEST_ACTIONS, 'codecommit:GitPull']) {
      expect(await decide(caller, { action, resource: REPO_ARN, context: {} }, ACCOUNT)).toBe('allowed');
      const other = `arn:aws:codecommit:${REGION}:${ACCOUNT}:other-repository`;
      expect(await decide(caller, { action, resource: other, context: {} }, ACCOUNT)).toBe('denied');
    }
    for (const action of [
      'codecommit:MergePullRequestBySquash',
      'codecommit:GitPush',
      'codecommit:DeleteRepository',
    ]) {
      expect(await decide(caller, { action, resource: REPO_ARN, context: {} }, ACCOUNT)).toBe('denied');
    }
  });

  it('has no unacknowledged cdk-nag finding, environment-agnostic or with an account and region', () => {
    expect(findings).toEqual([]);
    for (const region of [REGION, 'us-east-1', 'cn-north-1']) {
      const located = synthPipeline(SETTINGS, { bundling: false, env: { account: ACCOUNT, region } });
      expect(located.findings, region).toEqual([]);
    }
  });

  it('its tool, staged from this repository, is the package as npm packs it, with the compiled check and no source', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ai-optout-tool-'));
    try {
      packTool(dir);
      const files = execFileSync('tar', ['-tzf', join(dir, TOOL_TARBALL)], { encoding: 'utf8' })
        .trim()
        .split('\n');
      expect(files).toEqual(
        expect.arrayContaining([
          'package/package.json',
          'package/bin/ai-optout.mjs',
          'package/dist/cli/run.js',
          'package/dist/cli/pull-request-check.js',
          'package/dist/cli/github-comment.js',
        ]),
      );
      expect(files.filter((f) => /\.ts$|tsconfig|node_modules/.test(f))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('needs a CodeCommit repository', () => {
    expect(() => validateSettings({ pullRequestChecks: 'codecommit' })).toThrow(SettingsError);
    expect(() => validateSettings({ pullRequestChecks: 'codecommit' })).toThrow(
      /needs the CodeCommit repository/,
    );
    expect(() => validateSettings({ pullRequestChecks: 'github' })).toThrow(
      /pullRequestChecks: "github" is not allowed; use one of codecommit/,
    );
    expect(
      validateSettings({ pullRequestChecks: 'codecommit', repositoryName: 'config' }).repositoryName,
    ).toBe('config');
  });
});

describe('PullRequestCheck defaults (repository, bucket and key given)', () => {
  it('configPath: ai-optout.yaml, handed to the build as CONFIG_PATH', () => {
    const { template } = synthConstructDefaults();
    template.hasResourceProperties('AWS::CodeBuild::Project', {
      Environment: Match.objectLike({
        EnvironmentVariables: Match.arrayWith([
          { Name: 'CONFIG_PATH', Type: 'PLAINTEXT', Value: 'ai-optout.yaml' },
        ]),
      }),
    });
  });
});
