/**
 * AWS's own Bedrock policy documents, verbatim, as test oracles [ORG-BEDROCK-SYNTAX]: the syntax page's
 * example, the Bedrock User Guide's (whose identifier is a placeholder, `guardrail-id`, that no
 * guardrail ARN can have), and the preview syntax's, with `input_tags`.
 */
export const SYNTAX_PAGE_EXAMPLE = `{
    "bedrock": {
        "guardrail_inference": {
            "us-east-1": {
                "config_1": {
                    "identifier": {
                        "@@assign": "arn:aws:bedrock:us-east-1:123456789012:guardrail/hu1dlsv9wy1d:1"
                    },
                    "selective_content_guarding": {
                        "system": {
                            "@@assign": "selective"
                        },
                        "messages": {
                            "@@assign": "comprehensive"
                        }
                    },
                    "model_enforcement": {
                        "included_models": {
                            "@@assign": ["ALL"]
                        },
                        "excluded_models": {
                            "@@assign": ["amazon.titan-embed-text-v2:0", "cohere.embed-english-v3"]
                        }
                    }
                }
            }
        }
    }
}`;

export const USER_GUIDE_EXAMPLE = SYNTAX_PAGE_EXAMPLE.replace(
  'guardrail/hu1dlsv9wy1d:1',
  'guardrail/guardrail-id:1',
);

export const PREVIEW_EXAMPLE = `{
    "bedrock": {
        "guardrail_inference": {
            "us-east-1": {
                "config_1": {
                    "identifier": {
                        "@@assign": "arn:aws:bedrock:us-east-1:123456789012:guardrail/hu1dlsv9wy1d:1"
                    },
                    "input_tags": {
                        "@@assign": "honor"
                    }
                }
            }
        }
    }
}`;

export const GUARDRAIL_EAST = 'arn:aws:bedrock:us-east-1:111122223333:guardrail/east1guard';
export const GUARDRAIL_WEST = 'arn:aws:bedrock:eu-west-1:111122223333:guardrail/west1guard';

/** A document from nested settings: `{region: {leaf: {"@@assign": value}}}` under config_1, and locks. */
export function bedrockDoc(
  regions: Record<string, Record<string, unknown>>,
  top: Record<string, unknown> = {},
): string {
  const inference: Record<string, unknown> = { ...top };
  for (const [region, config] of Object.entries(regions)) inference[region] = { config_1: config };
  return JSON.stringify({ bedrock: { guardrail_inference: inference } });
}

export const NONE = { '@@operators_allowed_for_child_policies': ['@@none'] };
