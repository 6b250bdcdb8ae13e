/**
 * The action's UserParameters and the mode they choose, as tables (lambdas/pipeline-job/parameters.ts):
 * what each accepted text means, with its defaults; every refused text with the sentence the pipeline
 * shows; and the run's mode from the parameters, the file and the deployment's ceiling.
 */
import { describe, expect, it } from 'vitest';
import type { Mode } from '../../../lambdas/domain/contract.ts';
import { ConfigurationError } from '../../../lambdas/domain/errors.ts';
import { chooseMode, parseUserParameters } from '../../../lambdas/pipeline-job/parameters.ts';

const EXECUTION_ID = '5c4a1f2e-8d3b-4e6a-9f70-1b2c3d4e5f60';
const DEFAULTS = { configPath: 'ai-optout.yaml', failOn: 'drift', verify: 'states' };

describe('UserParameters: accepted', () => {
  it.each([
    ['absent', undefined, DEFAULTS],
    ['empty', '', DEFAULTS],
    ['blank', '  \n ', DEFAULTS],
    ['an empty object', '{}', DEFAULTS],
    [
      'a config path',
      '{"configPath":"config/ai-optout.yaml"}',
      { ...DEFAULTS, configPath: 'config/ai-optout.yaml' },
    ],
    ['mode enforce', '{"mode":"enforce"}', { ...DEFAULTS, mode: 'enforce' }],
    ['failOn violations', '{"failOn":"violations"}', { ...DEFAULTS, failOn: 'violations' }],
    ['failOn never', '{"failOn":"never"}', { ...DEFAULTS, failOn: 'never' }],
    ['verify all', '{"verify":"all"}', { ...DEFAULTS, verify: 'all' }],
    ['verify none', '{"verify":"none"}', { ...DEFAULTS, verify: 'none' }],
    [
      'a role in another partition',
      '{"roleArn":"arn:aws-cn:iam::111122223333:role/path/ai-optout"}',
      { ...DEFAULTS, roleArn: 'arn:aws-cn:iam::111122223333:role/path/ai-optout' },
    ],
    [
      'the pipeline execution id, with spaces around the object',
      ` {"pipelineExecutionId":"${EXECUTION_ID}"} `,
      { ...DEFAULTS, pipelineExecutionId: EXECUTION_ID },
    ],
  ])('%s', (_name, text, expected) => {
    expect(parseUserParameters(text)).toEqual(expected);
  });
});

describe('UserParameters: refused, each with one sentence', () => {
  it.each([
    ['not JSON', '{configPath: x}', /^UserParameters is not valid JSON: /],
    [
      'a JSON string',
      '"ai-optout.yaml"',
      /^UserParameters must be a JSON object such as \{"configPath":"ai-optout.yaml"\}$/,
    ],
    ['a JSON list', '["a"]', /^UserParameters must be a JSON object/],
    ['JSON null', 'null', /^UserParameters must be a JSON object/],
    ['a number', '7', /^UserParameters must be a JSON object/],
    [
      'a key in the wrong case',
      '{"configpath":"x"}',
      /^UserParameters: unknown key "configpath" \(did you mean "configPath"\?\); allowed: configPath, mode, failOn, verify, roleArn, pipelineExecutionId$/,
    ],
    [
      'a key nothing resembles',
      '{"zzzzzzzz":1}',
      /^UserParameters: unknown key "zzzzzzzz"; allowed: configPath, mode, failOn, verify, roleArn, pipelineExecutionId$/,
    ],
    [
      'the retired trigger key',
      '{"trigger":"x"}',
      /^UserParameters: the key "trigger" is no longer accepted: what started the run is now read from the pipeline execution's variables; remove it/,
    ],
    [
      'one repeated key (the second would silently win)',
      '{"failOn":"drift","failOn":"never"}',
      /^UserParameters repeat the key "failOn": each key may appear once/,
    ],
    ['two repeated keys', '{"a":1,"a":2,"b":1,"b":2}', /^UserParameters repeat the keys "a", "b": /],
    [
      'an unknown failOn',
      '{"failOn":"warnings"}',
      /^UserParameters: failOn: .*"drift".*"violations".*"never".*\(got `warnings`\)$/,
    ],
    ['an unknown mode', '{"mode":"Enforce"}', /^UserParameters: mode: .*\(got `Enforce`\)$/],
    [
      'an unknown verify',
      '{"verify":"some"}',
      /^UserParameters: verify: .*states.*all.*none.*\(got `some`\)$/,
    ],
    ['an empty config path', '{"configPath":""}', /^UserParameters: configPath: /],
    [
      'a config path over 512 characters',
      `{"configPath":"${'a'.repeat(513)}"}`,
      /^UserParameters: configPath: /,
    ],
    [
      'a role that is not a role ARN',
      '{"roleArn":"arn:aws:iam::111122223333:user/x"}',
      /^UserParameters: roleArn: expected an IAM role ARN such as arn:aws:iam::111122223333:role\/ai-optout \(got `arn:aws:iam::111122223333:user\/x`\)$/,
    ],
    [
      'a role ARN of a number',
      '{"roleArn":1}',
      'UserParameters: roleArn: Invalid input: expected string, received number',
    ],
    [
      'two unknown keys, each named',
      '{"zz":1,"yy":2}',
      /^UserParameters: unknown key "zz"; allowed: [^;]*; unknown key "yy"; allowed: /,
    ],
    [
      'an execution id that is not one',
      '{"pipelineExecutionId":"#{codepipeline.PipelineExecutionId}"}',
      /^UserParameters: pipelineExecutionId: expected a pipeline execution id, #\{codepipeline.PipelineExecutionId\} \(got `#\{codepipeline.PipelineExecutionId\}`\)$/,
    ],
    [
      'an execution id with text before it',
      `{"pipelineExecutionId":"x${EXECUTION_ID}"}`,
      `UserParameters: pipelineExecutionId: expected a pipeline execution id, #{codepipeline.PipelineExecutionId} (got \`x${EXECUTION_ID}\`)`,
    ],
    [
      'an execution id with text after it',
      `{"pipelineExecutionId":"${EXECUTION_ID}/../other"}`,
      `UserParameters: pipelineExecutionId: expected a pipeline execution id, #{codepipeline.PipelineExecutionId} (got \`${EXECUTION_ID}/../other\`)`,
    ],
    ['two problems at once', '{"failOn":"x","mode":"y"}', /^UserParameters: mode: .*; failOn: /],
  ])('%s', (_name, text, message) => {
    const error = (() => {
      try {
        parseUserParameters(text);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    if (typeof message === 'string') expect((error as Error).message).toBe(message);
    else expect((error as Error).message).toMatch(message);
  });

  it('a value the pipeline shows is escaped and cut, never echoed raw', () => {
    const error = (() => {
      try {
        parseUserParameters(`{"mode":"\\u001b[31m${'x'.repeat(300)}"}`);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error?.message).not.toContain('\u001b');
    expect(error?.message).toMatch(/characters\)`\)$/);
  });
});

describe('the run mode: parameters × file × the deployment ceiling', () => {
  // parameter, file, ceiling -> the mode, or refused
  it.each([
    [undefined, 'audit', 'audit', 'audit'],
    [undefined, 'audit', 'enforce', 'audit'],
    [undefined, 'enforce', 'enforce', 'enforce'],
    [undefined, 'enforce', 'audit', 'refused'],
    ['audit', 'enforce', 'audit', 'audit'],
    ['audit', 'enforce', 'enforce', 'audit'],
    ['enforce', 'audit', 'enforce', 'enforce'],
    ['enforce', 'audit', 'audit', 'refused'],
  ] as const)('parameter %s, file %s, ceiling %s: %s', (parameter, file, ceiling, expected) => {
    const choose = () => chooseMode(parameter as Mode | undefined, file, ceiling);
    if (expected === 'refused')
      expect(choose).toThrow(
        new ConfigurationError(
          'mode is enforce, but this deployment is read-only (AI_OPTOUT_MODE_CEILING=audit): its role cannot write to Organizations. Run in audit mode, or redeploy the stack with mode enforce.',
        ),
      );
    else expect(choose()).toBe(expected);
  });
});
