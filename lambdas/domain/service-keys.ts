/**
 * Service name keys accepted under `services` in an AI services opt-out policy.
 *
 * AWS adds services over time, so this list is advisory: an unknown key is a warning (an error under
 * `--strict`). Sources:
 * - 2022-12-20: the AWS Organizations user guide page "AI services opt-out policy syntax and examples"
 *   (orgs_manage_policies_ai-opt-out_syntax), which listed the 14 keys below `aiops`.
 * - 2026: the current version of that page opens its alphabetical list with `aiops`, `aidevops`,
 *   `awssupplychain`, `chimesdkvoiceanalytics`, `cloudwatch`; the Amazon Chime SDK guide confirms
 *   `chimesdkvoiceanalytics`.
 * Keys for the newer services whose key is not confirmed (Config, Glue, Q, Security Lake, ...) are not
 * listed; write them anyway and the tool warns, then renders them as written.
 */
export const SERVICE_KEYS_AS_OF = '2026-11-26';

export const KNOWN_SERVICE_KEYS: readonly string[] = [
  'aidevops',
  'aiops',
  'awssupplychain',
  'chimesdkvoiceanalytics',
  'cloudwatch',
  'codeguruprofiler',
  'codewhisperer',
  'comprehend',
  'connectamd',
  'connectoptimization',
  'contactlens',
  'frauddetector',
  'guardduty',
  'lex',
  'polly',
  'rekognition',
  'textract',
  'transcribe',
  'translate',
];

const known = new Set(KNOWN_SERVICE_KEYS);

export function isKnownServiceKey(key: string): boolean {
  return known.has(key);
}

/** Service keys are lower-case letters and digits, as every key AWS has published. */
export const SERVICE_KEY_PATTERN = /^[a-z][a-z0-9]*$/;
