/**
 * What AWS accepts in a policy's name and description (CreatePolicy, UpdatePolicy) [ORG-POLICY-NAME-TEXT]:
 * a name of 1 to 128 characters of "the ASCII character range", which the API model spells
 * `[\u0020-\u007E]+` where it spells it out: printable ASCII, space to tilde, so a control character or
 * a non-ASCII letter fails CreatePolicy half-way through an apply. A description may hold any Unicode text; it is sent as UTF-8 JSON, in which an
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
