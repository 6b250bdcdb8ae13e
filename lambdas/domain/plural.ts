/** `1 account`, `3 accounts`: a count with its noun, for messages and reports. */
export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}
