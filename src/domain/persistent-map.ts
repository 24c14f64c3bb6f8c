/**
 * An immutable string-keyed map (a hash array mapped trie, as in Clojure and Immutable.js):
 * an update copies the few small nodes on its key's path, never the whole map, so an event
 * with 100,000 registrations folds a new one in a handful of steps and earlier states stay
 * valid and share all the rest. Evolve stays pure.
 *
 * It replaced 1,024 flat buckets, whose every update copied the 1,024-slot index and a bucket
 * of about 100 keys: at an on-sale that was 11% of the API's CPU and much of its GC, since the
 * command side keeps each registration's state to answer a resent command.
 */
const BITS = 5;
const MASK = (1 << BITS) - 1;

interface Leaf<V> {
  readonly hash: number;
  readonly key: string;
  readonly value: V;
}

/** Keys whose whole hashes are equal. */
interface Collision<V> {
  readonly hash: number;
  readonly entries: readonly Leaf<V>[];
}

/** Present children in the order of their 5-bit slots; `bitmap` says which slots are present. */
interface Branch<V> {
  readonly bitmap: number;
  readonly children: readonly Node<V>[];
}

type Node<V> = Branch<V> | Leaf<V> | Collision<V>;

export interface PersistentMap<V> {
  readonly root: Branch<V>;
  readonly size: number;
}

const isBranch = <V>(node: Node<V>): node is Branch<V> => 'bitmap' in node;
const isLeaf = <V>(node: Node<V>): node is Leaf<V> => 'key' in node;

const hashOf = (key: string): number => {
  // FNV-1a: cheap, and spreads UUIDs and other ids evenly.
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return hash >>> 0;
};

const bitCount = (x: number): number => {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
};

const slotOf = (hash: number, shift: number): number => 1 << ((hash >>> shift) & MASK);
const indexOf = (bitmap: number, slot: number): number => bitCount(bitmap & (slot - 1));

const replaced = <T>(items: readonly T[], index: number, item: T): T[] => {
  const copy = items.slice();
  copy[index] = item;
  return copy;
};
const inserted = <T>(items: readonly T[], index: number, item: T): T[] => [...items.slice(0, index), item, ...items.slice(index)];
const removed = <T>(items: readonly T[], index: number): T[] => [...items.slice(0, index), ...items.slice(index + 1)];

const EMPTY: Branch<never> = { bitmap: 0, children: [] };

export const emptyMap = <V>(): PersistentMap<V> => ({ root: EMPTY, size: 0 });

export const get = <V>(map: PersistentMap<V>, key: string): V | undefined => {
  const hash = hashOf(key);
  let node: Node<V> = map.root;
  for (let shift = 0; isBranch(node); shift += BITS) {
    const slot = slotOf(hash, shift);
    if ((node.bitmap & slot) === 0) return undefined;
    node = node.children[indexOf(node.bitmap, slot)]!;
  }
  if (isLeaf(node)) return node.key === key ? node.value : undefined;
  return node.entries.find((entry) => entry.key === key)?.value;
};

/** A branch holding two nodes whose hashes differ, as deep as their hashes agree. */
const branchOf = <V>(a: Leaf<V> | Collision<V>, b: Leaf<V>, shift: number): Branch<V> => {
  const [slotA, slotB] = [slotOf(a.hash, shift), slotOf(b.hash, shift)];
  if (slotA === slotB) return { bitmap: slotA, children: [branchOf(a, b, shift + BITS)] };
  // Compared unsigned: slot 31's bit is the sign bit.
  return { bitmap: slotA | slotB, children: slotA >>> 0 < slotB >>> 0 ? [a, b] : [b, a] };
};

/** `node` with `leaf` in it; `added` tells whether its key is new. */
const withLeaf = <V>(node: Node<V>, leaf: Leaf<V>, shift: number, added: { yes: boolean }): Node<V> => {
  if (isBranch(node)) {
    const slot = slotOf(leaf.hash, shift);
    const index = indexOf(node.bitmap, slot);
    if ((node.bitmap & slot) === 0) {
      added.yes = true;
      return { bitmap: node.bitmap | slot, children: inserted(node.children, index, leaf) };
    }
    return { bitmap: node.bitmap, children: replaced(node.children, index, withLeaf(node.children[index]!, leaf, shift + BITS, added)) };
  }
  if (isLeaf(node) && node.key === leaf.key) return leaf;
  if (node.hash !== leaf.hash) {
    added.yes = true;
    return branchOf(node, leaf, shift);
  }
  const entries = isLeaf(node) ? [node] : node.entries;
  const index = entries.findIndex((entry) => entry.key === leaf.key);
  added.yes = index < 0;
  return { hash: leaf.hash, entries: index < 0 ? [...entries, leaf] : replaced(entries, index, leaf) };
};

export const set = <V>(map: PersistentMap<V>, key: string, value: V): PersistentMap<V> => {
  const added = { yes: false };
  const root = withLeaf(map.root, { hash: hashOf(key), key, value }, 0, added) as Branch<V>;
  return { root, size: map.size + (added.yes ? 1 : 0) };
};

/** `node` without `key`: the same node when it has no such key, undefined when nothing is left. */
const withoutKey = <V>(node: Node<V>, hash: number, key: string, shift: number): Node<V> | undefined => {
  if (isLeaf(node)) return node.key === key ? undefined : node;
  if (!isBranch(node)) {
    const entries = node.entries.filter((entry) => entry.key !== key);
    if (entries.length === node.entries.length) return node;
    return entries.length === 1 ? entries[0] : { hash, entries };
  }
  const slot = slotOf(hash, shift);
  if ((node.bitmap & slot) === 0) return node;
  const index = indexOf(node.bitmap, slot);
  const child = node.children[index]!;
  const left = withoutKey(child, hash, key, shift + BITS);
  if (left === child) return node;
  if (left !== undefined) return { bitmap: node.bitmap, children: replaced(node.children, index, left) };
  if (node.children.length === 1) return undefined;
  const children = removed(node.children, index);
  // A branch left with one leaf is that leaf: it is found by the same path, one step shorter.
  if (shift > 0 && children.length === 1 && !isBranch(children[0]!)) return children[0];
  return { bitmap: node.bitmap & ~slot, children };
};

export const remove = <V>(map: PersistentMap<V>, key: string): PersistentMap<V> => {
  const root = withoutKey(map.root, hashOf(key), key, 0);
  if (root === map.root) return map;
  return { root: (root as Branch<V> | undefined) ?? EMPTY, size: map.size - 1 };
};

const collect = <V>(node: Node<V>, into: Leaf<V>[]): void => {
  if (isLeaf(node)) into.push(node);
  else if (isBranch(node)) for (const child of node.children) collect(child, into);
  else into.push(...node.entries);
};

export const entries = <V>(map: PersistentMap<V>): [string, V][] => {
  const leaves: Leaf<V>[] = [];
  collect(map.root, leaves);
  return leaves.map(({ key, value }) => [key, value]);
};

export const values = <V>(map: PersistentMap<V>): V[] => entries(map).map(([, value]) => value);

/** Whether a value out of a folded state is one of these maps (audit output shows them as plain objects). */
export const isPersistentMap = (value: object): value is PersistentMap<unknown> =>
  'root' in value && 'size' in value && typeof value.root === 'object' && value.root !== null && 'bitmap' in value.root;
