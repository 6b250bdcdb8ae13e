/**
 * A value quoted back in a message. Whole when short; otherwise its first ECHO_LIMIT characters and
 * its total length, so a 10 MB scalar gives a one-line error instead of a 10 MB one (a CloudWatch log
 * event is at most 256 KB, a job's failure message 5,000 characters). Control characters are shown
 * as escapes (`\n`, `\u001b`), so a value cannot break the line or drive the terminal.
 */
const ECHO_LIMIT = 200;

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeControls(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    const control = code < 0x20 || (code >= 0x7f && code < 0xa0);
    out += control ? (ESCAPES[c] ?? `\\u${code.toString(16).padStart(4, '0')}`) : c;
  }
  return out;
}

export function echo(value: string, limit: number = ECHO_LIMIT): string {
  if (value.length <= limit) return escapeControls(value);
  const end = /[\uD800-\uDBFF]/.test(value.charAt(limit - 1)) ? limit - 1 : limit;
  return `${escapeControls(value.slice(0, end))}… (${value.length.toLocaleString('en-US')} characters)`;
}
