/**
 * A value quoted back in an error message. Whole when short; otherwise its first ECHO_LIMIT characters
 * and its total length, so a 10 MB scalar gives a one-line error instead of a 10 MB one (a CloudWatch
 * log event is at most 256 KB, and a job's failure message at most 5,000 characters).
 */
export const ECHO_LIMIT = 200;

export function echo(value: string, limit: number = ECHO_LIMIT): string {
  if (value.length <= limit) return value;
  const end = /[\uD800-\uDBFF]/.test(value.charAt(limit - 1)) ? limit - 1 : limit;
  return `${value.slice(0, end)}… (${value.length.toLocaleString('en-US')} characters)`;
}
