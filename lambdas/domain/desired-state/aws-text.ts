/**
 * What AWS accepts in a policy's name and description (CreatePolicy, UpdatePolicy). botocore's model
 * (botocore/data/organizations/2016-11-28/service-2.json, shapes PolicyName: min 1, max 128, and
 * PolicyDescription: max 512) writes both patterns as `[\s\S]*`, but the API reference says of Name:
 * "The regex pattern that is used to validate this parameter is a string of any of the characters in
 * the ASCII character range" (https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreatePolicy.html).
 * Where the same model spells that rule out (CreateAccountName) it is `[\u0020-\u007E]+`: printable
 * ASCII, space to tilde, so a control character or a non-ASCII letter fails CreatePolicy half-way
 * through an apply. A description may hold any Unicode text; it is sent as UTF-8 JSON, in which an
 * unpaired surrogate (only written as a `\uD800` escape in YAML) has no encoding.
 */

/** Printable ASCII, as AWS's "any of the characters in the ASCII character range" means for names. */
export const POLICY_NAME_PATTERN = /^[\x20-\x7E]*$/;

/** The first character of `name` AWS does not accept in a policy name, with its index. */
export function firstNonNameCharacter(name: string): { index: number; character: string } | undefined {
  for (let index = 0; index < name.length; index++) {
    const code = name.charCodeAt(index);
    if (code < 0x20 || code > 0x7e) {
      const character = String.fromCodePoint(name.codePointAt(index) ?? code);
      return { index, character };
    }
  }
  return undefined;
}

/** The index of the first unpaired UTF-16 surrogate in `text`, or -1. */
export function unpairedSurrogate(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return i;
    } else if (code >= 0xdc00 && code <= 0xdfff) return i;
  }
  return -1;
}

/** `U+00E4 (ä)`, or `U+0007` for a character that does not print. */
export function describeCharacter(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return code < 0x20 || (code >= 0x7f && code < 0xa0) || (code >= 0xd800 && code <= 0xdfff)
    ? hex
    : `${hex} (${character})`;
}
