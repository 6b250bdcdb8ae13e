/**
 * ManagementRoleStack: the role the reconciler assumes in the management account, trusted by the
 * pipeline account's reconciler role alone, and the defaults of its props.
 */
import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ManagementRoleStack } from '../../lib/management-role-stack.ts';
import { POLICY_WRITE_ACTIONS } from '../../lib/permissions.ts';
import { CDK_CONTEXT, synthManagementRole } from './synth.ts';

describe('the management-account role', () => {
  it('trusts only the reconciler role of the pipeline account, and writes nothing in audit', () => {
    const { template: role } = synthManagementRole('audit');
    role.hasResourceProperties('AWS::IAM::Role', {
      MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { AWS: Match.anyValue() },
            Condition: { ArnEquals: { 'aws:PrincipalArn': Match.anyValue() } },
          }),
        ],
      },
    });
    const json = JSON.stringify(role.toJSON());
    expect(json).toContain('444455556666');
    expect(json).not.toContain('reconciler-*');
    for (const write of POLICY_WRITE_ACTIONS) expect(json).not.toContain(`"${write}"`);
  });

  it('refuses a pipeline account or region that is not one, naming it', () => {
    const app = new App({ context: CDK_CONTEXT });
    expect(() => new ManagementRoleStack(app, 'A', { mode: 'audit', pipelineAccountId: '4444' })).toThrow(
      'ManagementRoleStack: pipelineAccountId must be a 12-digit account id, not 4444',
    );
    expect(
      () =>
        new ManagementRoleStack(app, 'B', {
          mode: 'audit',
          pipelineAccountId: '444455556666',
          pipelineRegion: 'Ireland',
        }),
    ).toThrow('ManagementRoleStack: pipelineRegion must be a region such as eu-west-1, not Ireland');
  });
});

describe('ManagementRoleStack defaults (mode and pipelineAccountId given)', () => {
  const json = JSON.stringify(synthManagementRole('audit').template.toJSON());

  it('qualifier: none, so the role is ai-optout-<mode> and trusts ai-optout-reconciler-<region>', () => {
    expect(json).toContain('"RoleName":"ai-optout-audit"');
    expect(json).toContain(':iam::444455556666:role/ai-optout-reconciler-');
  });

  it('pipelineRegion: the region the role stack is deployed to', () => {
    expect(json).toContain('role/ai-optout-reconciler-",{"Ref":"AWS::Region"}');
  });

  it('bedrockPolicies: off, so no grant of Bedrock policies and no Bedrock action', () => {
    expect(json).not.toMatch(/bedrock_policy|BEDROCK_POLICY|"bedrock:/);
  });
});

describe('the management-account role with bedrockPolicies', () => {
  it('reads Bedrock policies and guardrails in audit, and writes no policy of either type', () => {
    const json = JSON.stringify(synthManagementRole('audit', { bedrockPolicies: true }).template.toJSON());
    expect(json).toContain('"Sid":"ListBedrockPolicies"');
    expect(json).toContain('"Sid":"ReadBedrockGuardrails"');
    expect(json).toContain('AI services opt-out and Amazon Bedrock policies');
    for (const write of POLICY_WRITE_ACTIONS) expect(json).not.toContain(`"${write}"`);
  });

  it('writes them in enforce', () => {
    const json = JSON.stringify(synthManagementRole('enforce', { bedrockPolicies: true }).template.toJSON());
    expect(json).toContain('"Sid":"WriteBedrockPolicies"');
    expect(json).toContain('"Sid":"EnableBedrockPolicyType"');
  });
});
