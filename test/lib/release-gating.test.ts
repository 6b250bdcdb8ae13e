import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ReleaseGatingExampleStack } from '../../examples/release-gating-stack.ts';
import { ReconcileStage } from '../../lib/reconcile-stage.ts';
import { ReconcilerFunction } from '../../lib/reconciler-function.ts';
import { newApp, synthReleaseGatingExample } from './synth.ts';

describe('release gating example', () => {
  const { template, findings } = synthReleaseGatingExample();

  it('enters Promote only when the reconcile stage reported VERDICT = in-sync', () => {
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      PipelineType: 'V2',
      Stages: Match.arrayWith([
        Match.objectLike({
          Name: 'AiOptOut',
          Actions: [
            Match.objectLike({
              Namespace: 'AiOptOut',
              Configuration: Match.objectLike({ UserParameters: Match.stringLikeRegexp('"failOn":"never"') }),
            }),
          ],
        }),
        Match.objectLike({
          Name: 'Promote',
          BeforeEntry: {
            Conditions: [
              {
                Result: 'FAIL',
                Rules: [
                  {
                    Name: 'AiOptOutInSync',
                    RuleTypeId: { Category: 'Rule', Owner: 'AWS', Provider: 'VariableCheck', Version: '1' },
                    Configuration: { Variable: '#{AiOptOut.VERDICT}', Value: 'in-sync', Operator: 'EQ' },
                  },
                ],
              },
            ],
          },
        }),
      ]),
    });
  });

  it('orders the stages Source, AiOptOut, Promote', () => {
    const pipeline = Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0];
    expect(pipeline?.Properties.Stages.map((s: { Name: string }) => s.Name)).toEqual([
      'Source',
      'AiOptOut',
      'Promote',
    ]);
  });

  it('has no unacknowledged cdk-nag finding from the reconcile stage or function', () => {
    expect(findings.length).toBeGreaterThan(0); // the example's own pipeline and bucket are the user's business
    expect(findings.filter((f) => f.includes('/AiOptOut'))).toEqual([]);
  });

  it('refuses enforce on a read-only reconciler, and a bad namespace', () => {
    const other = new ReleaseGatingExampleStack(newApp(), 'Other');
    const reconciler = new ReconcilerFunction(other, 'ReadOnly', { mode: 'audit' });
    expect(
      () =>
        new ReconcileStage(other, 'Enforcing', {
          pipeline: other.pipeline,
          input: other.reconcile.action.actionProperties.inputs?.[0] as never,
          reconciler,
          mode: 'enforce',
          stageName: 'X',
        }),
    ).toThrow('mode enforce needs a ReconcilerFunction deployed with mode enforce');
    expect(
      () =>
        new ReconcileStage(other, 'BadNamespace', {
          pipeline: other.pipeline,
          input: other.reconcile.action.actionProperties.inputs?.[0] as never,
          reconciler,
          variablesNamespace: 'has space',
          stageName: 'Y',
        }),
    ).toThrow('variablesNamespace has space must match');
    expect(
      () =>
        new ReconcileStage(other, 'BadVerify', {
          pipeline: other.pipeline,
          input: other.reconcile.action.actionProperties.inputs?.[0] as never,
          reconciler,
          verify: 'some' as never,
          stageName: 'Z',
        }),
    ).toThrow('ReconcileStage: verify must be states, all, none, not some');
  });
});
