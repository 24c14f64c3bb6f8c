import { describe, expect, it } from 'vitest';
import { emptyMap, get, remove, set, values } from './persistent-map.js';

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
