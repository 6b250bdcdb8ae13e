/**
 * A `bedrock:` section for tests (docs/configuration.md, "Bedrock policies"), appended to the example
 * desired state: two Regions' guardrails on Workloads/Prod and an `expect` rule for them.
 */
import { EXAMPLE_YAML } from './example-desired-state.ts';

export const GUARDRAIL_EAST = 'arn:aws:bedrock:us-east-1:111122223333:guardrail/east1guard';
export const GUARDRAIL_WEST = 'arn:aws:bedrock:eu-west-1:111122223333:guardrail/west1guard';

export const BEDROCK_SECTION = `
bedrock:
  policies:
    - name: bedrock-guardrails-production
      description: Every model call in production is guarded
      guardrails:
        us-east-1:
          guardrail: ${GUARDRAIL_EAST}
          version: 3
          system: selective
          excludedModels: [amazon.titan-embed-text-v2:0, cohere.embed-english-v3]
        eu-west-1:
          guardrail: ${GUARDRAIL_WEST}
          version: 1
      lock: declared
      targets:
        - ou: Workloads/Prod
  expect:
    guardrails:
      - target: { ou: Workloads/Prod }
        regions:
          us-east-1: { guardrail: "${GUARDRAIL_EAST}", minVersion: 3 }
          eu-west-1: { guardrail: "${GUARDRAIL_WEST}", minVersion: 1 }
`;

/** The example desired state with the Bedrock section at its end. */
export const EXAMPLE_WITH_BEDROCK = `${EXAMPLE_YAML}${BEDROCK_SECTION}`;

/** The line the section's `bedrock:` key is on, in EXAMPLE_WITH_BEDROCK. */
export const BEDROCK_LINE = EXAMPLE_WITH_BEDROCK.split('\n').indexOf('bedrock:') + 1;
