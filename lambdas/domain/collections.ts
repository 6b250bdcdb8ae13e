/** Small collection helpers shared by the domain modules. */

/** Appends `value` to the list kept under `key`, creating the list on first use. */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Service keys in report order: `default` first, then the others sorted. */
export function compareServiceKeys(a: string, b: string): number {
  if (a === b) return 0;
  if (a === 'default') return -1;
  if (b === 'default') return 1;
  return a < b ? -1 : 1;
}
