import { describe, expect, it } from 'vitest';
import { emptyMap, entries, get, isPersistentMap, remove, set, values } from './persistent-map.js';

describe('PersistentMap', () => {
  it('sets, gets, replaces and removes, counting its size', () => {
    let map = emptyMap<number>();
    for (let i = 0; i < 1_000; i++) map = set(map, `key-${i}`, i);
    expect(map.size).toBe(1_000);
    expect(get(map, 'key-737')).toBe(737);
    map = set(map, 'key-737', -1);
    expect(map.size).toBe(1_000);
    expect(get(map, 'key-737')).toBe(-1);
    map = remove(map, 'key-737');
    expect(get(map, 'key-737')).toBeUndefined();
    expect(map.size).toBe(999);
    expect(values(map)).toHaveLength(999);
  });

  it('leaves earlier versions untouched', () => {
    const before = set(emptyMap<string>(), 'a', 'one');
    const after = set(before, 'a', 'two');
    expect(get(before, 'a')).toBe('one');
    expect(get(after, 'a')).toBe('two');
    expect(remove(before, 'missing')).toBe(before);
  });

  it('does not mistake inherited names for keys', () => {
    expect(get(emptyMap<number>(), 'constructor')).toBeUndefined();
    expect(get(set(emptyMap<number>(), 'toString', 1), 'toString')).toBe(1);
  });
});

describe('PersistentMap at scale', () => {
  it('agrees with a Map through 20,000 random sets and removes, and keeps every earlier version', () => {
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 48271) >>> 0) % 2_147_483_647) / 2_147_483_647;
    const model = new Map<string, number>();
    let map = emptyMap<number>();
    const snapshots: [ReturnType<typeof emptyMap<number>>, Map<string, number>][] = [];
    for (let i = 0; i < 20_000; i++) {
      const key = `k${Math.floor(random() * 5_000)}`;
      if (random() < 0.3) {
        model.delete(key);
        map = remove(map, key);
      } else {
        model.set(key, i);
        map = set(map, key, i);
      }
      if (i % 2_500 === 0) snapshots.push([map, new Map(model)]);
    }
    expect(map.size).toBe(model.size);
    expect(new Map(entries(map))).toEqual(model);
    for (const [version, expected] of snapshots) {
      expect(version.size).toBe(expected.size);
      expect(new Map(entries(version))).toEqual(expected);
      for (const [key, value] of expected) expect(get(version, key)).toBe(value);
    }
  });

  it('keeps keys whose hashes collide apart', () => {
    // FNV-1a collides on these two (found by search): both must stay, and go one at a time.
    const [a, b] = collidingKeys();
    let map = set(set(emptyMap<string>(), a, 'a'), b, 'b');
    expect([get(map, a), get(map, b), map.size]).toEqual(['a', 'b', 2]);
    map = set(map, a, 'A');
    expect([get(map, a), get(map, b), map.size]).toEqual(['A', 'b', 2]);
    map = remove(map, b);
    expect([get(map, a), get(map, b), map.size]).toEqual(['A', undefined, 1]);
    expect(remove(remove(map, a), a).size).toBe(0);
  });

  it('empties completely', () => {
    let map = emptyMap<number>();
    for (let i = 0; i < 500; i++) map = set(map, `key-${i}`, i);
    for (let i = 0; i < 500; i++) map = remove(map, `key-${i}`);
    expect([map.size, entries(map), isPersistentMap(map), isPersistentMap({ size: 1 })]).toEqual([0, [], true, false]);
  });
});

/** Two short keys with one FNV-1a hash, found by a birthday search. */
const collidingKeys = (): [string, string] => {
  const fnv = (key: string) => {
    let hash = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
    return hash >>> 0;
  };
  const seen = new Map<number, string>();
  for (let i = 0; ; i++) {
    const key = `c${i}`;
    const other = seen.get(fnv(key));
    if (other !== undefined) return [other, key];
    seen.set(fnv(key), key);
  }
};
