/**
 * What AWS's own checkers say of every synthesized template: cdk-nag's AwsSolutions rules (each finding
 * fixed, or acknowledged with its reason next to the construct) and cfn-lint.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack, aws_s3 as s3 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { OrganizationsEventForwarderStack } from '../../lib/organizations-event-forwarder-stack.ts';
import {
  CDK_CONTEXT,
  CONFIGURATIONS,
  CONTINUOUS_COMPLIANCE,
  nagFindings,
  newApp,
  synthManagementRole,
  synthPipeline,
} from './synth.ts';

describe('cdk-nag and cfn-lint', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'ai-optout-templates-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it.each(Object.entries(CONFIGURATIONS))('%s: no unacknowledged AwsSolutions finding', (_name, raw) => {
    expect(synthPipeline(raw).findings).toEqual([]);
  });

  it('the management-account role stack has no unacknowledged finding', () => {
    expect(synthManagementRole('enforce').findings).toEqual([]);
    expect(synthManagementRole('enforce', { bedrockPolicies: true }).findings).toEqual([]);
  });

  it('the checks do find problems (a non-compliant bucket is reported)', () => {
    const stack = new Stack(new App({ context: CDK_CONTEXT }), 'NonCompliant');
    new s3.Bucket(stack, 'Plain');
    const findings = nagFindings(stack);
    expect(findings).toContain('AwsSolutions-S1 @ NonCompliant/Plain/Resource');
    expect(findings).toContain('AwsSolutions-S10 @ NonCompliant/Plain/Resource');
  });

  it('cfn-lint reports nothing on any synthesized template', () => {
    const files = Object.entries(CONFIGURATIONS).map(([name, raw], i) => {
      const file = join(outDir, `pipeline-${i}.template.json`);
      writeFileSync(file, JSON.stringify(synthPipeline(raw).template.toJSON()));
      return { name, file };
    });
    for (const mode of ['audit', 'enforce'] as const) {
      for (const bedrockPolicies of [false, true]) {
        const file = join(outDir, `management-${mode}${bedrockPolicies ? '-bedrock' : ''}.template.json`);
        writeFileSync(file, JSON.stringify(synthManagementRole(mode, { bedrockPolicies }).template.toJSON()));
        files.push({ name: `management role ${mode}${bedrockPolicies ? ', Bedrock policies' : ''}`, file });
      }
    }
    const continuous = join(outDir, 'continuous-compliance.template.json');
    writeFileSync(
      continuous,
      JSON.stringify(synthPipeline(CONTINUOUS_COMPLIANCE, { bundling: false }).template.toJSON()),
    );
    files.push({ name: 'Security Hub, Config rule, hourly schedule', file: continuous });
    const forwarder = new OrganizationsEventForwarderStack(newApp({ bundling: false }), 'Forwarder', {
      env: { region: 'us-east-1' },
      destinationRegion: 'eu-west-1',
    });
    const forwarderFile = join(outDir, 'forwarder.template.json');
    writeFileSync(forwarderFile, JSON.stringify(Template.fromStack(forwarder).toJSON()));
    files.push({ name: 'Organizations event forwarder', file: forwarderFile });
    const config = fileURLToPath(new URL('../../.cfnlintrc.yaml', import.meta.url));
    let output = '';
    let status = 0;
    try {
      output = execFileSync(
        process.env.CFN_LINT ?? 'cfn-lint',
        ['--config-file', config, '--', ...files.map((f) => f.file)],
        {
          encoding: 'utf8',
        },
      );
    } catch (error) {
      status = (error as { status: number }).status;
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output.trim()).toBe('');
    expect(status).toBe(0);
    // cfn-lint is a Python process over every configuration's template: minutes on a loaded machine.
  }, 180_000);
});
