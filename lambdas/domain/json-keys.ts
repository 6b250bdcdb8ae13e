/**
 * Keys that appear twice in one object of a JSON text. JSON.parse keeps the last of two equal keys
 * (ECMA-262, JSON.parse: an object's members are defined in order, a later one replacing an earlier one),
 * so `{"failOn":"drift","failOn":"never"}` parses as `never`: text that adds a key after the real one
 * overrides it without a trace. A key is compared decoded, so `"\u0066ailOn"` is `failOn` too.
 *
 * Only for text JSON.parse has accepted: the scan trusts the grammar and only tells strings, keys and
 * nesting apart.
 */

interface Level {
  /** Keys seen so far in this object; undefined for an array. */
  keys: Set<string> | undefined;
  /** In an object: the next string is a key (after `{` or `,`). */
  expectingKey: boolean;
}

/** The end (exclusive) of the string literal that opens at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** The repeated keys of every object in `json` (valid JSON), each named once, in order of repetition. */
export function repeatedKeys(json: string): string[] {
  const repeated = new Set<string>();
  const levels: Level[] = [];
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    const level = levels.at(-1);
    if (c === '{') levels.push({ keys: new Set(), expectingKey: true });
    else if (c === '[') levels.push({ keys: undefined, expectingKey: false });
    else if (c === '}' || c === ']') levels.pop();
    else if (c === ',' && level?.keys) level.expectingKey = true;
    else if (c === '"') {
      const end = stringEnd(json, i);
      if (level?.keys && level.expectingKey) {
        const key = JSON.parse(json.slice(i, end)) as string;
        if (level.keys.has(key)) repeated.add(key);
        level.keys.add(key);
        level.expectingKey = false;
      }
      i = end - 1;
    }
  }
  return [...repeated];
}
