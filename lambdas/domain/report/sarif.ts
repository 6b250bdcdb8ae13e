/**
 * SARIF 2.1.0 (`--format sarif`), for GitHub code scanning and other SARIF readers. The shape follows
 * the OASIS schema (sarif-2.1/schema/sarif-schema-2.1.0.json in oasis-tcs/sarif-spec; a test validates
 * real output against it) and what GitHub reads (docs.github.com, "SARIF support for code scanning"):
 * `$schema`, a rule per ruleId with short and full descriptions and help text, and per result a message,
 * one physical location with a repository-relative `uri` and a region, and `partialFingerprints` of our
 * own (upload-sarif adds its `primaryLocationLineHash`).
 */
import { escapeSarif, showControls } from './escape.ts';
import { checkFindings, type Finding, RULES, type Rule, reviewFindings } from './findings.ts';
import { defineFormat, reviewState } from './format.ts';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
const FINGERPRINT = 'aiOptout/v1';

export interface SarifOptions {
  /** The tool's version, as the driver's `version` and `semanticVersion` (left out when not given). */
  toolVersion?: string | undefined;
}

function ruleOf(id: string): Rule {
  return (
    RULES[id] ?? {
      name: id.replace(/(^|-)(\w)/g, (_m, _dash, c: string) => c.toUpperCase()),
      description: `${(RULES['desired-state'] as Rule).description} Diagnostic code: ${id}.`,
    }
  );
}

function sarifRule(id: string) {
  const rule = ruleOf(id);
  return {
    id,
    name: rule.name,
    shortDescription: { text: rule.description },
    fullDescription: { text: rule.description },
    help: { text: `${rule.description} See docs/pull-requests.md and docs/configuration.md.` },
    defaultConfiguration: { level: id === 'policy-change' || id === 'plan-warning' ? 'warning' : 'error' },
  };
}

/** A path as SARIF wants it: forward slashes, relative to the repository root (the caller's cwd). */
function uriOf(file: string): string {
  return file.replace(/\\/g, '/').replace(/^\.\//, '');
}

export function renderSarif(findings: readonly Finding[], options: SarifOptions = {}): string {
  const ruleIds = [...new Set(findings.map((f) => f.rule))];
  const results = findings.map((finding) => {
    const { line, col } = finding.location;
    return {
      ruleId: finding.rule,
      ruleIndex: ruleIds.indexOf(finding.rule),
      level: finding.level,
      message: { text: escapeSarif(finding.message) },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: uriOf(finding.location.file), uriBaseId: '%SRCROOT%' },
            region: { startLine: line, startColumn: col, endLine: line, endColumn: col + 1 },
          },
        },
      ],
      partialFingerprints: { [FINGERPRINT]: showControls(finding.key) },
    };
  });
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ai-optout',
            ...(options.toolVersion
              ? { version: options.toolVersion, semanticVersion: options.toolVersion }
              : {}),
            rules: ruleIds.map(sarifRule),
          },
        },
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** `--format sarif`: for code scanning (GitHub's, and any SARIF 2.1.0 viewer). */
export const sarifFormat = defineFormat({
  name: 'sarif',
  kind: 'review',
  render: (input) =>
    renderSarif(reviewFindings(input, reviewState(input, 'sarif')), {
      toolVersion: input.toolVersion,
    }),
  renderCheck: (check) => ({ output: renderSarif(checkFindings(check), { toolVersion: check.toolVersion }) }),
});
