/**
 * Service name keys accepted under `services` in an AI services opt-out policy.
 *
 * AWS adds services over time, so this list is advisory: an unknown key is a warning (an error under
 * `--strict`). Sources, as read on 2026-12-01:
 * - The AWS Organizations user guide, "AI services opt-out policy syntax and examples",
 *   https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_ai-opt-out_syntax.html
 *   (its list under "The following key names are valid values for this field"). The stored copies of
 *   the page itself break off after its first keys (`default`, `aiops`, `aidevops`, `awssupplychain`,
 *   `chimesdkvoiceanalytics`, `cloudwatch`); the whole list below is the one radkawar/stackd generated
 *   from that page (internal/services/organizations/ai_services_generated.go at 9dc356f5, a third
 *   party, cross-checked key by key against the next source).
 * - "List of supported AI services",
 *   https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_ai-opt-out_all.html#ai-opt-out-all-list:
 *   34 services, one for each key below except `connectamd`, `connectoptimization` and `contactlens`,
 *   which the syntax page still lists (the 2022 page did too) and which therefore stay.
 * - The Amazon Chime SDK guide confirms `chimesdkvoiceanalytics`.
 * Keys are not IAM service prefixes (`codeguruprofiler` is `codeguru-profiler` in IAM, `finopsagent`
 * is `finops-agent`), and two of them name a part of a service with `::`.
 */
export const SERVICE_KEYS_AS_OF = '2026-12-01';

export const KNOWN_SERVICE_KEYS: readonly string[] = [
  'aidevops',
  'aiops',
  'awssupplychain',
  'biodiscovery',
  'chimesdkvoiceanalytics',
  'cloudwatch',
  'codeguruprofiler',
  'codewhisperer',
  'comprehend',
  'config',
  'connect',
  'connectamd',
  'connectdecision',
  'connecthealth::operations',
  'connecthealth::training',
  'connectoptimization',
  'contactlens',
  'datazone',
  'dms',
  'entityresolution',
  'finopsagent',
  'frauddetector',
  'glue',
  'guardduty',
  'lex',
  'polly',
  'q',
  'quicksightq',
  'rekognition',
  'scenariodiscovery',
  'securityhub',
  'securitylake',
  'textract',
  'transcribe',
  'transform',
  'translate',
  'workspaces',
];

const known = new Set(KNOWN_SERVICE_KEYS);

export function isKnownServiceKey(key: string): boolean {
  return known.has(key);
}

/**
 * Service keys are lower-case letters and digits, in parts joined by `::` (`connecthealth::training`),
 * as every key AWS has published.
 */
export const SERVICE_KEY_PATTERN = /^[a-z][a-z0-9]*(?:::[a-z][a-z0-9]*)*$/;
