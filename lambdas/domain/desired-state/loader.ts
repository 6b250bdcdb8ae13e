/**
 * Loads `ai-optout.yaml`: YAML parse, the schema, then the checks a schema cannot express (references
 * between parts of the file, AWS limits, rendered size). Every problem is a diagnostic with
 * `file:line:col`, the offending value and what is allowed; nothing here throws on bad input.
 */
import type { Diagnostic } from '../diagnostics.ts';
import { hasErrors, sortDiagnostics } from '../diagnostics.ts';
import { BEDROCK_SECTION_POLICY_TYPE, VERSION_1_POLICY_TYPE } from '../policy-types/version-1.ts';
import type { CheckContext } from './check-context.ts';
import { Locator } from './locator.ts';
import { checkPolicies } from './policy-checks.ts';
import { type DesiredStateDocument, DesiredStateSchema } from './schema.ts';
import { issueToDiagnostics } from './schema-issues.ts';
import { decodeSourceText, type SourceText, textTooLarge } from './source-text.ts';
import { type BedrockSection, DEFAULT_BEDROCK_POLICY_DESCRIPTION, type DesiredState } from './types.ts';
import { parseYaml, yamlValue } from './yaml-document.ts';

export interface LoadOptions {
  /** Name used in diagnostics, normally the path the user gave. */
  file: string;
  /** Unknown service keys become errors. */
  strict?: boolean;
}

export type LoadResult =
  | { ok: true; state: DesiredState; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/** The checks a schema cannot express, by part of the file; the state they describe. */
function semanticChecks(ctx: CheckContext, doc: DesiredStateDocument, file: string): DesiredState {
  const policyType = VERSION_1_POLICY_TYPE;
  const policies = checkPolicies(ctx, doc.policies);
  const expect = policyType.desiredState.checkExpect(ctx, doc.expect);
  const bedrock = doc.bedrock && checkBedrockSection(ctx, doc.bedrock);
  return {
    version: 1,
    mode: doc.mode,
    unmanaged: doc.unmanaged,
    policyType,
    policies,
    expect,
    bedrock,
    file,
  };
}

/** The `bedrock:` section: its policies, checked as the file's others are, and its `expect` rules. */
function checkBedrockSection(
  ctx: CheckContext,
  raw: NonNullable<DesiredStateDocument['bedrock']>,
): BedrockSection {
  const policyType = BEDROCK_SECTION_POLICY_TYPE;
  const section = {
    type: policyType,
    path: ['bedrock', 'policies'],
    defaultDescription: DEFAULT_BEDROCK_POLICY_DESCRIPTION,
  };
  return {
    policyType,
    unmanaged: raw.unmanaged,
    policies: checkPolicies(ctx, raw.policies, section),
    expect: policyType.desiredState.checkExpect(ctx, raw.expect),
    location: ctx.locate.key([], 'bedrock'),
  };
}

function emptyFile(file: string): Diagnostic {
  return {
    severity: 'error',
    code: 'empty-file',
    message: 'the file is empty',
    hint: 'start with `version: 1` and a `policies:` list',
    location: { file, line: 1, col: 1 },
  };
}

/**
 * A snapshot given where the desired state belongs (`--config snapshot.json`: JSON is YAML too): one
 * error saying so, instead of one per key the desired state does not allow.
 */
function snapshotInstead(value: unknown, file: string): Diagnostic | undefined {
  if (value === null || typeof value !== 'object' || !('snapshotVersion' in value)) return undefined;
  return {
    severity: 'error',
    code: 'snapshot-not-desired-state',
    message: 'this is an organization snapshot (it has `snapshotVersion`), not a desired state',
    hint: `pass it to plan as \`--snapshot ${file}\`, and the desired state (ai-optout.yaml) as \`--config\``,
    location: { file, line: 1, col: 1 },
  };
}

/** The text of `input`, or the diagnostic that stops reading it (too large, not UTF-8). */
function sourceText(input: string | Uint8Array, file: string): SourceText {
  if (typeof input !== 'string') return decodeSourceText(input, file);
  const tooLarge = textTooLarge(input, file);
  return tooLarge ? { ok: false, diagnostic: tooLarge } : { ok: true, text: input };
}

/**
 * Parses and validates an `ai-optout.yaml`, from its bytes (as read from disk or from a zip: checked
 * for size and UTF-8) or its text. Linear in the size of the input (see yaml-document.ts).
 */
export function loadDesiredState(input: string | Uint8Array, options: LoadOptions): LoadResult {
  const source = sourceText(input, options.file);
  if (!source.ok) return { ok: false, diagnostics: [source.diagnostic] };
  const parsed = parseYaml(source.text, options.file);
  if (!parsed.doc || parsed.errors.length > 0) return { ok: false, diagnostics: parsed.errors };
  const diagnostics = [...parsed.warnings];
  if (parsed.doc.contents === null)
    return { ok: false, diagnostics: [...diagnostics, emptyFile(options.file)] };
  const built = yamlValue(parsed.doc, parsed.at);
  if (built.errors.length > 0)
    return { ok: false, diagnostics: sortDiagnostics([...built.errors, ...diagnostics]) };
  const snapshot = snapshotInstead(built.value, options.file);
  if (snapshot) return { ok: false, diagnostics: [snapshot] };
  const locate = new Locator(parsed.doc, built.keys, parsed.at, source.text);
  const ctx: CheckContext = { locate, js: built.value, diagnostics, strict: options.strict ?? false };
  const result = DesiredStateSchema.safeParse(built.value);
  if (!result.success) {
    for (const issue of result.error.issues) issueToDiagnostics(ctx, issue);
    return { ok: false, diagnostics: sortDiagnostics(diagnostics) };
  }
  const state = semanticChecks(ctx, result.data, options.file);
  const sorted = sortDiagnostics(diagnostics);
  return hasErrors(sorted) ? { ok: false, diagnostics: sorted } : { ok: true, state, diagnostics: sorted };
}
