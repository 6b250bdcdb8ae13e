/** Small collection helpers shared by the domain modules. */

/** Appends `value` to the list kept under `key`, creating the list on first use. */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Ordinal comparison: the same order on every machine, whatever its locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Memoizes a computation on pairs of objects compared by identity. Effective states and exemption
 * sets are shared between the nodes they are the same for, so most accounts hit the cache.
 */
export class PairCache<A extends object, B, T> {
  private readonly cache = new WeakMap<A, Map<B, T>>();
  get(a: A, b: B, compute: () => T): T {
    let inner = this.cache.get(a);
    if (!inner) {
      inner = new Map();
      this.cache.set(a, inner);
    }
    let value = inner.get(b);
    if (value === undefined) {
      value = compute();
      inner.set(b, value);
    }
    return value;
  }
}
