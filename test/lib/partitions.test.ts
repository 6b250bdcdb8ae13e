/**
 * The constructs in every partition: role ARNs of aws-cn and aws-us-gov accepted, and synth refusing a
 * stack whose region is known to be in GovCloud, where AWS says AI opt-out policies do not apply. (That
 * every ARN the stacks build follows AWS::Partition is checked in iam-simulation.test.ts.)
 */
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ManagementRoleStack } from '../../lib/management-role-stack.ts';
import { ReconcilerFunction } from '../../lib/reconciler-function.ts';
import { validateSettings } from '../../lib/settings.ts';
import { newApp } from './synth.ts';

const GOVCLOUD =
  /^ReconcilerFunction: AI services opt-out policies do not apply in us-gov-west-1 \(partition aws-us-gov\): /;

describe('every partition', () => {
  it('role ARNs of the China and GovCloud partitions are accepted', () => {
    for (const arn of [
      'arn:aws-cn:iam::111122223333:role/ai-optout-audit',
      'arn:aws-us-gov:iam::111122223333:role/ai-optout-audit',
      'arn:aws-iso-b:iam::111122223333:role/ai-optout-audit',
    ]) {
      expect(validateSettings({ managementRoleArn: arn }).managementRoleArn).toBe(arn);
      const stack = new Stack(newApp({ bundling: false }), 'Partitioned');
      expect(
        () => new ReconcilerFunction(stack, 'Fn', { mode: 'audit', managementRoleArn: arn }),
      ).not.toThrow();
    }
    expect(() => validateSettings({ managementRoleArn: 'arn:azure:iam::111122223333:role/x' })).toThrow(
      /managementRoleArn/,
    );
  });

  it('synth refuses a stack known to be in GovCloud, with the sentence the runtime uses', () => {
    const gov = new Stack(newApp({ bundling: false }), 'Gov', { env: { region: 'us-gov-west-1' } });
    expect(() => new ReconcilerFunction(gov, 'Fn', { mode: 'audit' })).toThrow(GOVCLOUD);
    expect(
      () =>
        new ManagementRoleStack(new App(), 'GovRole', {
          env: { account: '111122223333', region: 'us-gov-west-1' },
          mode: 'audit',
          pipelineAccountId: '444455556666',
        }),
    ).toThrow(/^ManagementRoleStack: AI services opt-out policies do not apply in us-gov-west-1/);
    const china = new ManagementRoleStack(new App(), 'ChinaRole', {
      env: { account: '111122223333', region: 'cn-north-1' },
      mode: 'audit',
      pipelineAccountId: '444455556666',
    });
    expect(china.role.roleName).toBeDefined();
  });
});
