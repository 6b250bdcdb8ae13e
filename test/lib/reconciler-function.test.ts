/**
 * ReconcilerFunction: the bundled pipeline-job handler, its role as the mode needs it (read for audit,
 * writes limited to AI opt-out policies for enforce, only sts:AssumeRole with a management-account
 * role), its props checked early, and each default of its props.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  GUARDRAIL_READ_ACTIONS,
  HIERARCHY_READ_ACTIONS,
  POLICY_READ_ACTIONS,
  POLICY_WRITE_ACTIONS,
} from '../../lib/permissions.ts';
import { ReconcilerFunction } from '../../lib/reconciler-function.ts';
import { CDK_CONTEXT, CONFIGURATIONS, synthConstructDefaults, synthPipeline } from './synth.ts';
import {
  actionsOf,
  functionEnvironment,
  logicalIdOf,
  reconcilerRoleId,
  statementsOfRole,
} from './template-queries.ts';

const POLICY_TYPE = { StringEquals: { 'organizations:PolicyType': 'AISERVICES_OPT_OUT_POLICY' } };
const ORGANIZATIONS_WRITES = [
  ...POLICY_WRITE_ACTIONS,
  'organizations:UntagResource',
  'organizations:DisablePolicyType',
  'organizations:*',
];

describe('the reconciler function', () => {
  const { template } = synthPipeline();

  it('runs the bundled handler on nodejs24.x, arm64, one at a time, with no async retries', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 840,
      ReservedConcurrentExecutions: 1,
      Environment: {
        Variables: Match.objectLike({
          AI_OPTOUT_MODE_CEILING: 'audit',
          AI_OPTOUT_STATE_BUCKET: Match.anyValue(),
          NODE_OPTIONS: '--enable-source-maps',
        }),
      },
      LoggingConfig: { LogGroup: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  it('audit: the role reads the hierarchy and AI opt-out policies, and writes nothing to Organizations', () => {
    const statements = statementsOfRole(template, reconcilerRoleId(template));
    const organizations = statements.filter((s) =>
      actionsOf([s]).some((a) => a.startsWith('organizations:')),
    );
    expect(organizations.map((s) => s.Sid)).toEqual([
      'ReadOrganizationHierarchy',
      'ListAiOptOutPolicies',
      'ReadAiOptOutPolicies',
      'ReadEffectiveAiOptOutPolicies',
      'ListInvalidEffectiveAiOptOutPolicies',
    ]);
    for (const sid of ['ReadEffectiveAiOptOutPolicies', 'ListInvalidEffectiveAiOptOutPolicies']) {
      expect(organizations.find((s) => s.Sid === sid)?.Condition, sid).toEqual(POLICY_TYPE);
    }
    expect(actionsOf(organizations).sort()).toEqual(
      [...HIERARCHY_READ_ACTIONS, ...POLICY_READ_ACTIONS].sort(),
    );
    expect(organizations.find((s) => s.Sid === 'ListAiOptOutPolicies')?.Condition).toEqual(POLICY_TYPE);
    expect(JSON.stringify(organizations.find((s) => s.Sid === 'ReadAiOptOutPolicies')?.Resource)).toContain(
      ':policy/o-*/aiservices_opt_out_policy/*',
    );
    const everyAction = Object.values(
      template.toJSON().Resources as Record<string, { Properties?: unknown }>,
    ).flatMap((r) => JSON.stringify(r.Properties ?? {}).match(/organizations:[A-Za-z*]+/g) ?? []);
    expect(everyAction.length).toBeGreaterThan(0);
    for (const write of ORGANIZATIONS_WRITES) expect(everyAction).not.toContain(write);
  });

  it('enforce: every Organizations write names AI opt-out policies, by policy ARN or by the PolicyType condition', () => {
    const { template: enforce } = synthPipeline(CONFIGURATIONS['enforce, bundled']);
    enforce.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ AI_OPTOUT_MODE_CEILING: 'enforce' }) },
    });
    const statements = statementsOfRole(enforce, reconcilerRoleId(enforce));
    const writes = statements.filter((s) => actionsOf([s]).some((a) => POLICY_WRITE_ACTIONS.includes(a)));
    expect(new Set(actionsOf(writes))).toEqual(new Set(POLICY_WRITE_ACTIONS));
    for (const write of writes) {
      const byArn = JSON.stringify(write.Resource).includes(':policy/o-*/aiservices_opt_out_policy/*"');
      expect(byArn || JSON.stringify(write.Condition) === JSON.stringify(POLICY_TYPE), write.Sid).toBe(true);
      expect(write.Resource, write.Sid).not.toBe('*');
    }
    const unconditioned = statements.filter(
      (s) => !s.Condition && s.Resource === '*' && actionsOf([s]).some((a) => a.startsWith('organizations:')),
    );
    expect(actionsOf(unconditioned).sort()).toEqual([...HIERARCHY_READ_ACTIONS].sort());
  });

  it("bedrockPolicies: each type's writes name that type alone, and the guardrail reads name the own account's guardrails", () => {
    const { template: both } = synthPipeline(CONFIGURATIONS['enforce, Bedrock policies, Config rule']);
    const statements = statementsOfRole(both, reconcilerRoleId(both));
    const writes = statements.filter((s) => actionsOf([s]).some((a) => POLICY_WRITE_ACTIONS.includes(a)));
    const typeOf = (s: (typeof writes)[number]) => {
      const text = JSON.stringify([s.Resource, s.Condition]);
      const named = [
        'aiservices_opt_out_policy',
        'AISERVICES_OPT_OUT_POLICY',
        'bedrock_policy',
        'BEDROCK_POLICY',
      ]
        .filter((n) => text.includes(n))
        .map((n) => n.toLowerCase());
      return [...new Set(named)];
    };
    expect(writes.map((s) => `${s.Sid}: ${typeOf(s).join(', ')}`)).toEqual([
      'WriteAiOptOutPolicies: aiservices_opt_out_policy',
      'AttachAiOptOutPoliciesToTargets: aiservices_opt_out_policy',
      'EnableAiOptOutPolicyType: aiservices_opt_out_policy',
      'WriteBedrockPolicies: bedrock_policy',
      'AttachBedrockPoliciesToTargets: bedrock_policy',
      'EnableBedrockPolicyType: bedrock_policy',
    ]);
    const guardrails = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('bedrock:')));
    expect(guardrails).toEqual([
      {
        Sid: 'ReadBedrockGuardrails',
        Effect: 'Allow',
        Action: [...GUARDRAIL_READ_ACTIONS],
        Resource: {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:*:', { Ref: 'AWS::AccountId' }, ':guardrail/*'],
          ],
        },
      },
    ]);
  });

  it('with a management-account role the function can only assume it', () => {
    const { template: delegated } = synthPipeline(CONFIGURATIONS['enforce, management-account role']);
    const statements = statementsOfRole(delegated, reconcilerRoleId(delegated));
    expect(actionsOf(statements).filter((a) => a.startsWith('organizations:'))).toEqual([]);
    const assume = statements.filter((s) => actionsOf([s]).includes('sts:AssumeRole'));
    expect(assume).toHaveLength(1);
    expect(JSON.stringify(assume[0]?.Resource)).toContain(':iam::111122223333:role/ai-optout-enforce');
  });

  it('validates its props early, naming the bad value', () => {
    const stack = new Stack(new App({ context: CDK_CONTEXT }), 'Bad');
    expect(() => new ReconcilerFunction(stack, 'A', { mode: 'admin' as 'audit' })).toThrow(
      'ReconcilerFunction: mode must be audit or enforce, not admin',
    );
    expect(() => new ReconcilerFunction(stack, 'B', { mode: 'audit', managementRoleArn: 'role/x' })).toThrow(
      'ReconcilerFunction: managementRoleArn role/x is not an IAM role ARN',
    );
  });
});

describe('ReconcilerFunction defaults (only mode given)', () => {
  const { template } = synthConstructDefaults();
  const fn = logicalIdOf(
    template,
    'AWS::Lambda::Function',
    (p) => String(p.Description).includes('(audit)') && String(p.Description).includes('reconciles'),
  );
  const role = logicalIdOf(
    template,
    'AWS::IAM::Role',
    (p) => p.Description === 'ai-optout reconciler (audit)',
  );
  const properties = template.findResources('AWS::Lambda::Function')[fn]?.Properties;
  const actions = actionsOf(statementsOfRole(template, role));

  it('timeout: 14 minutes, under Lambda 15 and CodePipeline 20', () => {
    expect(properties.Timeout).toBe(14 * 60);
  });

  it('logRetention: one year', () => {
    const logGroup = properties.LoggingConfig.LogGroup.Ref as string;
    expect(template.findResources('AWS::Logs::LogGroup')[logGroup]?.Properties.RetentionInDays).toBe(365);
  });

  it('roleNamePrefix: ai-optout-reconciler, followed by the region', () => {
    expect(template.findResources('AWS::IAM::Role')[role]?.Properties.RoleName).toEqual({
      'Fn::Join': ['', ['ai-optout-reconciler-', { Ref: 'AWS::Region' }]],
    });
  });

  it('securityHub: off, so neither the variable nor any Security Hub permission', () => {
    expect(functionEnvironment(template, fn)).not.toHaveProperty('AI_OPTOUT_SECURITY_HUB');
    expect(actions.filter((a) => a.startsWith('securityhub:'))).toEqual([]);
  });

  it('stateBucket: none, so no state variables and no S3 permission', () => {
    const environment = functionEnvironment(template, fn);
    expect(Object.keys(environment).filter((name) => name.startsWith('AI_OPTOUT_STATE'))).toEqual([]);
    expect(actions.filter((a) => a.startsWith('s3:'))).toEqual([]);
  });

  it('managementRoleArn: none, so the role itself reads Organizations and assumes no role', () => {
    expect(actions).toEqual(expect.arrayContaining([...HIERARCHY_READ_ACTIONS]));
    expect(actions).not.toContain('sts:AssumeRole');
  });

  it('bedrockPolicies: off, so no grant of Bedrock policies and no Bedrock action', () => {
    expect(actions.filter((a) => a.startsWith('bedrock:'))).toEqual([]);
    expect(JSON.stringify(statementsOfRole(template, role))).not.toMatch(/bedrock_policy|BEDROCK_POLICY/);
  });
});
