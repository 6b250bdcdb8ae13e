/**
 * The shape a Bedrock policy document is read by [ORG-BEDROCK-SYNTAX], value by value: what each check
 * finds, word for word, and whether the value stays in the model (AWS stores and applies it) or is
 * dropped (AWS cannot read it).
 */
import { describe, expect, it } from 'vitest';
import { parseBedrockDocument } from '../../../../../lambdas/domain/policy-types/bedrock/document.ts';
import { bedrockDoc, GUARDRAIL_EAST, GUARDRAIL_WEST } from './examples.ts';

const REGION = 'bedrock.guardrail_inference.us-east-1';
const CONFIG = `${REGION}.config_1`;
const IDENTIFIER = { identifier: { '@@assign': `${GUARDRAIL_EAST}:1` } };

/** What a document's parse found, and the values it kept, by setting. */
function read(content: string) {
  const parsed = parseBedrockDocument(content);
  return {
    findings: parsed.findings,
    kept: Object.fromEntries([...parsed.leaves].map(([name, leaf]) => [name, leaf.operators.assign])),
  };
}

describe('a value each setting refuses: the finding, and whether AWS would still apply the value', () => {
  it.each([
    [
      'a misspelt setting of a configuration is ignored, naming the known ones',
      { ...IDENTIFIER, sytem: { '@@assign': 'selective' } },
      [
        {
          path: `${CONFIG}.sytem`,
          message:
            'unknown key in a guardrail configuration (known: identifier, selective_content_guarding, model_enforcement, input_tags); ignored',
        },
      ],
      { [`${CONFIG}.identifier`]: `${GUARDRAIL_EAST}:1` },
    ],
    [
      'a mode in capitals is dropped, with the lower-case value as hint',
      { ...IDENTIFIER, selective_content_guarding: { system: { '@@assign': 'Selective' } } },
      [
        {
          path: `${CONFIG}.selective_content_guarding.system.@@assign`,
          message:
            'value "Selective" is not one of selective, comprehensive (values are lower-case: "selective"); ignored',
        },
        {
          path: `${CONFIG}.selective_content_guarding.system`,
          message: 'has no "@@assign"; it sets nothing',
        },
      ],
      { [`${CONFIG}.identifier`]: `${GUARDRAIL_EAST}:1` },
    ],
    [
      'a mode AWS does not define is dropped, with no hint',
      { ...IDENTIFIER, selective_content_guarding: { messages: { '@@assign': 'strict' } } },
      [
        {
          path: `${CONFIG}.selective_content_guarding.messages.@@assign`,
          message: 'value "strict" is not one of selective, comprehensive; ignored',
        },
        {
          path: `${CONFIG}.selective_content_guarding.messages`,
          message: 'has no "@@assign"; it sets nothing',
        },
      ],
      { [`${CONFIG}.identifier`]: `${GUARDRAIL_EAST}:1` },
    ],
    [
      // BEDROCK-GUARDRAIL-FORMATS: ALL is upper-case; AWS stores the list as written.
      'a list with a value that is not a model id is kept, naming the value',
      {
        ...IDENTIFIER,
        model_enforcement: { included_models: { '@@assign': ['all', 'amazon.nova-pro-v1:0'] } },
      },
      [
        {
          path: `${CONFIG}.model_enforcement.included_models.@@assign`,
          message: '"all" is not a model id AWS accepts here',
        },
      ],
      {
        [`${CONFIG}.identifier`]: `${GUARDRAIL_EAST}:1`,
        [`${CONFIG}.model_enforcement.included_models`]: ['all', 'amazon.nova-pro-v1:0'],
      },
    ],
    [
      // ORG-BEDROCK-INVALID-IDENTIFIER: AWS stores it, and it fails the calls of the accounts below.
      'a guardrail of another Region is kept, naming both Regions',
      { identifier: { '@@assign': `${GUARDRAIL_WEST}:1` } },
      [
        {
          path: `${CONFIG}.identifier.@@assign`,
          message: `identifier "${GUARDRAIL_WEST}:1" is a guardrail of eu-west-1, under Region key us-east-1; a guardrail is enforced only in its own Region`,
        },
      ],
      { [`${CONFIG}.identifier`]: `${GUARDRAIL_WEST}:1` },
    ],
  ])('%s', (_name, config, findings, kept) => {
    expect(read(bedrockDoc({ 'us-east-1': config }))).toEqual({ findings, kept });
  });

  it('a configuration key may be any name but the empty one, which is ignored', () => {
    const content = JSON.stringify({
      bedrock: { guardrail_inference: { 'us-east-1': { '': IDENTIFIER, config_2: IDENTIFIER } } },
    });

    expect(read(content)).toEqual({
      findings: [{ path: `${REGION}.""`, message: 'an empty configuration key; ignored' }],
      kept: { [`${REGION}.config_2.identifier`]: `${GUARDRAIL_EAST}:1` },
    });
  });
});
