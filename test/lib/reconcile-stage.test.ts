/**
 * ReconcileStage: the invoke action's UserParameters, which the pipeline job must accept for every mode,
 * failOn and verify; and each default of its props, asserted on a stage given its required props only
 * (test/lib/defaults-stack.ts). `failOn: drift` is the documented default users gate promotions on.
 */
import { describe, expect, it } from 'vitest';
import { FAIL_ON, MODES, VERIFY_SCOPES } from '../../lambdas/domain/contract.ts';
import { parseUserParameters } from '../../lambdas/pipeline-job/parameters.ts';
import { synthConstructDefaults, synthPipeline } from './synth.ts';
import {
  actionsOf,
  functionEnvironment,
  logicalIdOf,
  type pipelineStages,
  statementsOfRole,
  userParametersAtRunTime,
} from './template-queries.ts';

const WITHOUT_BUNDLE = { bundling: false };

describe('the reconcile stage in the post-LZA pipeline', () => {
  it('passes UserParameters the function accepts, for every mode and failOn', () => {
    const pairs = MODES.flatMap((mode) => FAIL_ON.map((failOn) => ({ mode, failOn })));
    expect(pairs).toHaveLength(6);
    for (const { mode, failOn } of pairs) {
      const { template } = synthPipeline({ mode, failOn }, WITHOUT_BUNDLE);
      expect(parseUserParameters(userParametersAtRunTime(template))).toMatchObject({
        mode,
        failOn,
        verify: 'states',
        configPath: 'ai-optout.yaml',
      });
    }
  });

  it('passes the verify setting to the job, and refuses a scope it does not know', () => {
    for (const verify of VERIFY_SCOPES) {
      const { template } = synthPipeline({ verify }, WITHOUT_BUNDLE);
      expect(parseUserParameters(userParametersAtRunTime(template)).verify).toBe(verify);
    }
    expect(() => synthPipeline({ verify: 'some' }, WITHOUT_BUNDLE)).toThrow(
      /verify: "some" is not allowed; use one of states, all, none/,
    );
  });
});

describe('ReconcileStage defaults (pipeline, input and reconciler given)', () => {
  const { template } = synthConstructDefaults();
  const stagesOf = (pipelineName: string) => {
    const id = logicalIdOf(template, 'AWS::CodePipeline::Pipeline', (p) => p.Name === pipelineName);
    return template.findResources('AWS::CodePipeline::Pipeline')[id]?.Properties.Stages as ReturnType<
      typeof pipelineStages
    >;
  };
  const audited = stagesOf('audited');
  const parameters = JSON.parse(String(audited[1]?.Actions[0]?.Configuration.UserParameters));

  it('failOn: drift, and the job reads it so', () => {
    expect(parameters.failOn).toBe('drift');
    const atRunTime = JSON.stringify(parameters).replace(
      '#{codepipeline.PipelineExecutionId}',
      '5c4a1f2e-8d3b-4e6a-9f70-1b2c3d4e5f60',
    );
    expect(parseUserParameters(atRunTime).failOn).toBe('drift');
  });

  it('mode: the reconciler mode, audit or enforce', () => {
    expect(parameters.mode).toBe('audit');
    const enforced = JSON.parse(String(stagesOf('enforced')[1]?.Actions[0]?.Configuration.UserParameters));
    expect(enforced.mode).toBe('enforce');
  });

  it('verify: states; configPath: ai-optout.yaml; roleArn: none; and the execution id, nothing else', () => {
    expect(parameters).toEqual({
      configPath: 'ai-optout.yaml',
      mode: 'audit',
      failOn: 'drift',
      verify: 'states',
      pipelineExecutionId: '#{codepipeline.PipelineExecutionId}',
    });
  });

  it('stageName and variablesNamespace: AiOptOut; placement: after the stages already there', () => {
    expect(audited.map((stage) => stage.Name)).toEqual(['Source', 'AiOptOut']);
    expect(audited[1]?.Actions[0]?.Namespace).toBe('AiOptOut');
  });

  it('triggerVariable: none, so no variable names one and GetPipelineExecution is not granted', () => {
    const fn = logicalIdOf(
      template,
      'AWS::Lambda::Function',
      (p) => String(p.Description).includes('reconciles') && String(p.Description).includes('(audit)'),
    );
    const environment = functionEnvironment(template, fn);
    expect(environment.AI_OPTOUT_PIPELINE_NAME).toBe('audited');
    expect(environment).not.toHaveProperty('AI_OPTOUT_TRIGGER_VARIABLE');
    const role = logicalIdOf(
      template,
      'AWS::IAM::Role',
      (p) => p.Description === 'ai-optout reconciler (audit)',
    );
    const actions = actionsOf(statementsOfRole(template, role));
    expect(actions).toContain('codepipeline:ListActionExecutions');
    expect(actions).not.toContain('codepipeline:GetPipelineExecution');
  });
});
