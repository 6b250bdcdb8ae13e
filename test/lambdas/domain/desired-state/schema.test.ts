import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SCHEMA_PATH, schemaText } from '../../../../scripts/generate-schema.ts';
import { EXAMPLE_YAML } from '../../../support/example-desired-state.ts';

const example = EXAMPLE_YAML;

describe('config/ai-optout.schema.json', () => {
  it('is the one generated from the zod schema (run `npm run schema` after changing it)', () => {
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(schemaText());
  });

  it('is what the example config points editors at', () => {
    expect(example.split('\n')[0]).toBe('# yaml-language-server: $schema=./ai-optout.schema.json');
  });

  it('accepts the example and rejects a typo, as an editor would', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));
    expect(validate(parse(example))).toBe(true);
    const typo = parse(example.replace('default: optOut', 'default: OptOut').replace('targets:', 'targte:'));
    expect(validate(typo)).toBe(false);
    const messages = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
    expect(messages).toContain('/policies/0/default must be equal to one of the allowed values');
    expect(messages).toContain('/policies/0 must NOT have additional properties');
  });
});
