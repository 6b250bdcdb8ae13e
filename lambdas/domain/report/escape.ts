/**
 * One escaping function per report format, for every name the tool did not write itself: OU, account and
 * policy names and descriptions come from the organization (an account's owner can rename it) or from a
 * pull request, paths and ids from files. Each function makes such a name print as the characters it is
 * made of, and nothing more, where it lands:
 *
 * - every format first shows invisible and control characters as escapes (`showControls`): a carriage
 *   return, an ANSI escape, a bidirectional override or a zero-width character in a name would otherwise
 *   hide or rewrite what a reviewer reads;
 * - text (terminals): that is all it needs;
 * - markdown (pull-request comments): HTML, link and image syntax, emphasis, tables, code, math and
 *   entities lose their meaning (CommonMark backslash escapes), and @mentions, #references and bare
 *   links are broken with a zero-width space so that GitHub neither notifies nor links;
 * - HTML and XML (the HTML report, JUnit): character references;
 * - SARIF message text: backslash before `\`, `[` and `]`, and `{`, `}` doubled (SARIF 2.1.0, "Messages
 *   with embedded links" and "Messages with placeholders": a viewer reads `[text](target)` as a link and
 *   `{0}` as a placeholder even in plain-text messages);
 * - GitHub workflow commands: the Actions toolkit's escapes (actions/toolkit, packages/core/src/command.ts:
 *   escapeData and escapeProperty).
 */

/**
 * C0 and C1 controls and DEL, and the Unicode format characters that change how text around them reads:
 * bidirectional marks, embeddings, overrides and isolates, zero-width characters, line and paragraph
 * separators, the byte-order mark, and what XML cannot hold (two noncharacters, lone surrogates).
 */
const INVISIBLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters it finds
  /[\u0000-\u001F\u007F-\u009F\u061C\u200B-\u200F\u2028-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Invisible and control characters as visible escapes: `\r`, `\n`, `\t`, `\x1b`, `\u202e`. */
export function showControls(text: string): string {
  return text.replace(INVISIBLE, (c) => {
    const code = c.charCodeAt(0);
    return NAMED[c] ?? (code < 0x100 ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`);
  });
}

function hex(code: number, digits: number): string {
  return code.toString(16).padStart(digits, '0');
}

/** The text report (terminals): control characters, ANSI escapes included, shown as escapes. */
export function escapeText(text: string): string {
  return showControls(text);
}

/** A message of several lines for a terminal (errors, diagnostics): each line through escapeText, our line breaks kept. */
export function escapeTextLines(text: string): string {
  return text.split('\n').map(escapeText).join('\n');
}

/** What markdown (GitHub's and CodeCommit's) would read as syntax in running text or a table cell. */
const MARKDOWN_SYNTAX = /[\\`*_~[\]<>|&!$#]/g;
const ZERO_WIDTH_SPACE = '\u200B';

/**
 * Markdown running text and table cells. Backslash escapes take the meaning from the characters
 * CommonMark and GitHub read as syntax (`$` is GitHub's math); a zero-width space after `@` and `#`
 * before a name or number, and inside `://` and `www.`, keeps GitHub from mentioning, referencing or
 * linking (it finds those in the rendered text, where backslashes are gone).
 */
export function escapeMarkdown(text: string): string {
  return showControls(text)
    .replace(MARKDOWN_SYNTAX, '\\$&')
    .replace(/([@#])(?=[\p{L}\p{N}_-])/gu, `$1${ZERO_WIDTH_SPACE}`)
    .replace(/:\/\//g, `:${ZERO_WIDTH_SPACE}//`)
    .replace(/\b(www)\./gi, `$1${ZERO_WIDTH_SPACE}.`);
}

/**
 * A markdown code span holding `text` literally: delimited by one backtick more than its longest run
 * of backticks (CommonMark 6.1), so nothing in it can close the span; `|` escaped for table cells
 * (GitHub's tables split cells before they read code spans).
 */
export function markdownCode(text: string): string {
  const visible = showControls(text).replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(visible.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = visible.startsWith('`') || visible.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${visible}${pad}${fence}`;
}

/**
 * A fenced code block holding `text` literally (error output in a comment): its fence is longer than any
 * run of backticks in the text, so no line of it can close the block.
 */
export function markdownCodeBlock(text: string): string {
  const visible = text
    .split('\n')
    .map((line) => showControls(line))
    .join('\n');
  const longest = Math.max(2, ...(visible.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}\n${visible}\n${fence}`;
}

/** HTML (and SVG) element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return showControls(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** XML 1.0 text and attribute values (JUnit): what XML cannot hold is shown as escapes, then the five entities. */
export function escapeXml(text: string): string {
  return showControls(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** SARIF plain-text message strings: no embedded link or placeholder can be made of a name. */
export function escapeSarif(text: string): string {
  return showControls(text)
    .replace(/[\\[\]]/g, '\\$&')
    .replace(/[{}]/g, '$&$&');
}

/** The data of a GitHub workflow command (after `::`): one line, `%` escaped. */
export function escapeWorkflowData(text: string): string {
  return showControls(text).replace(/%/g, '%25');
}

/** A property value of a GitHub workflow command (`file=…,title=…`): its separators escaped too. */
export function escapeWorkflowProperty(text: string): string {
  return escapeWorkflowData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
