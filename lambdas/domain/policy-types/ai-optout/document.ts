/**
 * AI services opt-out policy documents [ORG-AI-SYNTAX]: rendering a declared policy to canonical JSON,
 * and parsing any document found in an organization (hand-written ones included) into a model the
 * effective-policy engine understands. Parsing never throws: malformed content becomes findings, and whatever part of
 * the document AWS could not apply is left out of the model.
 */
import { isRecord } from '../json-document.ts';
import { ASSIGN, CHILD_CONTROL, OP_ASSIGN, type OperatorSet, parseOperatorList } from '../operators.ts';
import type { DocumentFinding, PolicyDocument } from '../policy-type.ts';
import { AI_OPT_OUT_FACTS } from './facts.ts';
import type { Lock, Setting } from './settings.ts';

// Operators a child policy may use, as a bit set: only `@@assign` matters for this policy type.
export { OP_ASSIGN, OPS_ALL, OPS_NONE, type OperatorSet } from '../operators.ts';

export function allowsAssign(ops: OperatorSet): boolean {
  return (ops & OP_ASSIGN) !== 0;
}

export interface PolicyDefinition {
  default?: Setting | undefined;
  services?: Readonly<Record<string, Setting>> | undefined;
  lock: Lock;
}

/**
 * Renders a declared policy as canonical minified JSON: `default` first, then service keys sorted,
 * child-control operators before the values they guard (the order AWS's own examples use).
 */
export function renderPolicyDocument(definition: PolicyDefinition): string {
  const locked = { [CHILD_CONTROL]: ['@@none'] };
  const entryFor = (setting: Setting) => {
    const lockEntry = definition.lock !== 'none';
    return {
      ...(lockEntry ? locked : {}),
      opt_out_policy: { ...(lockEntry ? locked : {}), [ASSIGN]: setting },
    };
  };
  const services: Record<string, unknown> = definition.lock === 'all' ? { ...locked } : {};
  if (definition.default !== undefined) services.default = entryFor(definition.default);
  for (const key of Object.keys(definition.services ?? {}).sort()) {
    const setting = definition.services?.[key];
    if (setting !== undefined) services[key] = entryFor(setting);
  }
  return JSON.stringify({ services });
}

export function documentTooLong(content: string): boolean {
  return content.length > AI_OPT_OUT_FACTS.maxDocumentCharacters;
}

export interface ParsedEntry {
  /** Child-control operators under the service key, if the document sets them. */
  entryOps?: OperatorSet | undefined;
  /** The `@@assign` value of `opt_out_policy`, when it is one AWS applies. */
  setting?: Setting | undefined;
  /** Child-control operators under `opt_out_policy`. */
  settingOps?: OperatorSet | undefined;
}

export interface ParsedPolicyDocument extends PolicyDocument {
  /** Child-control operators under `services`. */
  servicesOps?: OperatorSet | undefined;
  entries: ReadonlyMap<string, ParsedEntry>;
  findings: DocumentFinding[];
  /** False when nothing in the document can apply (not JSON, no `services` object). */
  usable: boolean;
}

function parseSetting(value: unknown, path: string, findings: DocumentFinding[]): Setting | undefined {
  if (value === 'optOut' || value === 'optIn') return value;
  if (typeof value === 'string' && (value.toLowerCase() === 'optout' || value.toLowerCase() === 'optin')) {
    const expected = value.toLowerCase() === 'optout' ? 'optOut' : 'optIn';
    findings.push({
      path,
      message: `value ${JSON.stringify(value)} has the wrong case; AWS ignores it (expected "${expected}")`,
    });
    return undefined;
  }
  findings.push({ path, message: `value ${JSON.stringify(value)} is not "optOut" or "optIn"; ignored` });
  return undefined;
}

function parseOptOutPolicy(value: unknown, path: string, findings: DocumentFinding[]): ParsedEntry {
  if (!isRecord(value)) {
    const hint =
      value === 'optOut' || value === 'optIn'
        ? ` (that is the effective-policy format; write {"@@assign": "${value}"})`
        : '';
    findings.push({ path, message: `must be an object with "@@assign"${hint}; ignored` });
    return {};
  }
  const entry: ParsedEntry = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === ASSIGN) entry.setting = parseSetting(child, `${path}.${ASSIGN}`, findings);
    else if (key === CHILD_CONTROL) entry.settingOps = parseOperatorList(child, path, findings);
    else if (key === '@@append' || key === '@@remove' || key === '@@enforced_for')
      findings.push({
        path: `${path}.${key}`,
        message: `${key} is not allowed in AI opt-out policies; ignored`,
      });
    else findings.push({ path: `${path}.${key}`, message: 'unknown key; ignored' });
  }
  if (!(ASSIGN in value)) findings.push({ path, message: 'has no "@@assign"; it sets nothing' });
  return entry;
}

function parseEntry(value: unknown, path: string, findings: DocumentFinding[]): ParsedEntry | undefined {
  if (!isRecord(value)) {
    findings.push({ path, message: 'must be an object with "opt_out_policy"; ignored' });
    return undefined;
  }
  let entry: ParsedEntry = {};
  let entryOps: OperatorSet | undefined;
  let sawOptOutPolicy = false;
  for (const [key, child] of Object.entries(value)) {
    if (key === 'opt_out_policy') {
      sawOptOutPolicy = true;
      entry = parseOptOutPolicy(child, `${path}.opt_out_policy`, findings);
    } else if (key === CHILD_CONTROL) entryOps = parseOperatorList(child, path, findings);
    else if (key === ASSIGN) {
      findings.push({
        path: `${path}.${ASSIGN}`,
        message: '"@@assign" belongs inside "opt_out_policy"; ignored',
      });
    } else {
      const hint = key === 'opt_out_policies' ? ' (the key is "opt_out_policy")' : '';
      findings.push({ path: `${path}.${key}`, message: `unknown key${hint}; ignored` });
    }
  }
  if (!sawOptOutPolicy) findings.push({ path, message: 'has no "opt_out_policy"; it sets nothing' });
  if (entryOps !== undefined) entry.entryOps = entryOps;
  return entry;
}

/** Parses policy content as stored in Organizations. Never throws. */
export function parsePolicyDocument(content: string): ParsedPolicyDocument {
  const findings: DocumentFinding[] = [];
  const entries = new Map<string, ParsedEntry>();
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (error) {
    findings.push({ path: '$', message: `not valid JSON: ${(error as Error).message}` });
    return { entries, findings, usable: false };
  }
  if (!isRecord(json) || !isRecord(json.services)) {
    findings.push({ path: '$', message: 'the document has no "services" object; it sets nothing' });
    return { entries, findings, usable: false };
  }
  for (const key of Object.keys(json)) {
    if (key !== 'services') findings.push({ path: key, message: 'unknown top-level key; ignored' });
  }
  let servicesOps: OperatorSet | undefined;
  for (const [key, value] of Object.entries(json.services)) {
    const path = `services.${key}`;
    if (key === CHILD_CONTROL) {
      servicesOps = parseOperatorList(value, 'services', findings);
      continue;
    }
    if (key.startsWith('@@')) {
      findings.push({ path, message: `operator ${key} is not allowed under "services"; ignored` });
      continue;
    }
    if (key !== key.toLowerCase()) {
      findings.push({
        path,
        message: `service key "${key}" is not lower-case; AWS matches keys exactly (did you mean "${key.toLowerCase()}"?)`,
      });
    }
    const entry = parseEntry(value, path, findings);
    if (entry) entries.set(key, entry);
  }
  return { servicesOps, entries, findings, usable: true };
}
