/**
 * Bedrock policy documents [ORG-BEDROCK-SYNTAX]: parsing any document an organization holds
 * (hand-written ones included) into the operators it places on each node. Parsing never throws:
 * what AWS would not read becomes a finding at its JSON path and is left out of the model; a
 * malformed guardrail identifier is a finding but stays in the model, since AWS stores it and it then
 * breaks every Bedrock call of the accounts below [ORG-BEDROCK-INVALID-IDENTIFIER].
 */
import { isRecord } from '../json-document.ts';
import { APPEND, ASSIGN, CHILD_CONTROL, type OperatorSet, parseOperatorList, REMOVE } from '../operators.ts';
import type { DocumentFinding, PolicyDocument } from '../policy-type.ts';
import { BEDROCK_FACTS } from './facts.ts';
import { nameOf, type Segments } from './paths.ts';
import { type LeafSpec, type NodeSpec, ROOT_SPEC } from './spec.ts';

/** A setting's value: a string, or a list of strings. */
export type Value = string | readonly string[];

/** The value-setting operators one document places on one setting. */
export interface LeafOperators {
  assign?: Value;
  append?: readonly string[];
  remove?: readonly string[];
}

export interface LeafEntry {
  segments: Segments;
  operators: LeafOperators;
}

export interface ParsedBedrockDocument extends PolicyDocument {
  /** Child-control operators by node name, with the node's keys. */
  locks: ReadonlyMap<string, { segments: Segments; ops: OperatorSet }>;
  /** Value-setting operators by setting (node name). */
  leaves: ReadonlyMap<string, LeafEntry>;
  findings: DocumentFinding[];
}

interface Parse {
  locks: Map<string, { segments: Segments; ops: OperatorSet }>;
  leaves: Map<string, LeafEntry>;
  findings: DocumentFinding[];
}

function unusable(findings: DocumentFinding[], message: string): ParsedBedrockDocument {
  findings.push({ path: '$', message });
  return { locks: new Map(), leaves: new Map(), findings, usable: false };
}

/** Parses policy content as stored in Organizations. Never throws. */
export function parseBedrockDocument(content: string): ParsedBedrockDocument {
  const findings: DocumentFinding[] = [];
  if (content.length > BEDROCK_FACTS.maxDocumentCharacters) {
    findings.push({
      path: '$',
      message: `the document has ${content.length} characters, more than the ${BEDROCK_FACTS.maxDocumentCharacters} AWS allows`,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (error) {
    return unusable(findings, `not valid JSON: ${(error as Error).message}`);
  }
  if (!isRecord(json) || !isRecord(json.bedrock)) {
    return unusable(findings, 'the document has no "bedrock" object; it sets nothing');
  }
  const parse: Parse = { locks: new Map(), leaves: new Map(), findings };
  walkNode(parse, json, [], ROOT_SPEC);
  return { locks: parse.locks, leaves: parse.leaves, findings, usable: true };
}

function walkNode(parse: Parse, value: Record<string, unknown>, segments: Segments, spec: NodeSpec): void {
  const path = nameOf(segments);
  for (const [key, child] of Object.entries(value)) {
    const childPath = nameOf([...segments, key]);
    if (key === CHILD_CONTROL && segments.length > 0) {
      lockAt(parse, segments, parseOperatorList(child, path, parse.findings));
    } else if (key.startsWith('@@')) {
      parse.findings.push({ path: childPath, message: `operator ${key} is not allowed here; ignored` });
    } else {
      const found = spec.child(key, segments);
      if ('problem' in found) parse.findings.push({ path: childPath, message: found.problem });
      else if (found.spec.kind === 'node') walkChildNode(parse, child, [...segments, key], found.spec);
      else walkLeaf(parse, child, [...segments, key], found.spec);
    }
  }
}

function walkChildNode(parse: Parse, value: unknown, segments: Segments, spec: NodeSpec): void {
  if (isRecord(value)) walkNode(parse, value, segments, spec);
  else parse.findings.push({ path: nameOf(segments), message: 'must be a JSON object; ignored' });
}

function lockAt(parse: Parse, segments: Segments, ops: OperatorSet | undefined): void {
  if (ops !== undefined) parse.locks.set(nameOf(segments), { segments, ops });
}

function walkLeaf(parse: Parse, value: unknown, segments: Segments, spec: LeafSpec): void {
  const path = nameOf(segments);
  if (!isRecord(value)) {
    const printed = typeof value === 'string' || Array.isArray(value);
    const hint = printed ? ' (that is the effective-policy format; write {"@@assign": ...})' : '';
    parse.findings.push({ path, message: `must be an object with "@@assign"${hint}; ignored` });
    return;
  }
  const operators: LeafOperators = {};
  let locked = false;
  for (const [key, child] of Object.entries(value)) {
    const where = `${path}.${key}`;
    if (key === CHILD_CONTROL) {
      lockAt(parse, segments, parseOperatorList(child, path, parse.findings));
      locked = true;
    } else if (key === ASSIGN) {
      // A value AWS would not read is undefined here: the same as no operator to every reader.
      operators.assign = readValue(parse, child, where, spec, segments);
    } else if (key === APPEND || key === REMOVE) {
      const field = key === APPEND ? 'append' : 'remove';
      operators[field] = readListOperator(parse, child, where, spec, segments, key);
    } else {
      const what = key.startsWith('@@') ? `operator ${key} is not one AWS defines` : 'unknown key';
      parse.findings.push({ path: where, message: `${what}; ignored` });
    }
  }
  const sets = operators.assign !== undefined || operators.append || operators.remove;
  if (sets) parse.leaves.set(path, { segments, operators });
  else if (!locked) parse.findings.push({ path, message: 'has no "@@assign"; it sets nothing' });
}

function readListOperator(
  parse: Parse,
  value: unknown,
  where: string,
  spec: LeafSpec,
  segments: Segments,
  operator: typeof APPEND | typeof REMOVE,
): readonly string[] | undefined {
  if (spec.list !== true) {
    const message = `${operator} applies to lists only, and this setting is a single value; ignored`;
    parse.findings.push({ path: where, message });
    return undefined;
  }
  return readValue(parse, value, where, spec, segments) as readonly string[] | undefined;
}

/** A value of the leaf's kind, checked; undefined (with a finding) when AWS would not read it. */
function readValue(
  parse: Parse,
  value: unknown,
  where: string,
  spec: LeafSpec,
  segments: Segments,
): Value | undefined {
  if (spec.list === true) {
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
      parse.findings.push({ path: where, message: 'must be a JSON array of strings; ignored' });
      return undefined;
    }
  } else if (typeof value !== 'string') {
    parse.findings.push({ path: where, message: `must be a string, not ${JSON.stringify(value)}; ignored` });
    return undefined;
  }
  const checked = spec.check(value as Value, segments);
  if (checked?.message) parse.findings.push({ path: where, message: checked.message });
  return checked?.drop ? undefined : (value as Value);
}
