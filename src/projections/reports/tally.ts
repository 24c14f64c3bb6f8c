/**
 * Counter changes by key, gathered by the pure step and written as one statement per table.
 * A key is the row's key columns in order; a tally with every counter back at zero is left
 * out, so a batch that adds and takes away the same writes nothing.
 */
export class Tally<Counter extends string> {
  private readonly byKey = new Map<string, { key: string[]; counts: Partial<Record<Counter, number>> }>();

  add(key: readonly string[], counter: Counter, n: number): void {
    if (n === 0) return;
    const id = key.join('\u0000');
    const entry = this.byKey.get(id) ?? { key: [...key], counts: {} as Partial<Record<Counter, number>> };
    entry.counts[counter] = (entry.counts[counter] ?? 0) + n;
    this.byKey.set(id, entry);
  }

  /** The keys with a counter that moved, each with every counter of `counters` (0 where it did not move). */
  rows(counters: readonly Counter[]): { key: string[]; counts: number[] }[] {
    return [...this.byKey.values()]
      .filter((entry) => counters.some((c) => (entry.counts[c] ?? 0) !== 0))
      .map((entry) => ({ key: entry.key, counts: counters.map((c) => entry.counts[c] ?? 0) }));
  }
}
