/**
 * Service name keys accepted under `services` in an AI services opt-out policy [ORG-AI-SERVICE-KEYS]:
 * the syntax page's list, which also keeps `connectamd`, `connectoptimization` and `contactlens` that the
 * list of supported services no longer shows. AWS adds services over time, so this list is advisory: an
 * unknown key is a warning (an error under `--strict`). Keys are not IAM service prefixes
 * (`codeguruprofiler` is `codeguru-profiler` in IAM, `finopsagent` is `finops-agent`), and two of them name
 * a part of a service with `::`.
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
