import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The top-level folders of src/ depend on each other one way only: a cycle (jobs ↔
 * projections, say) means neither can be understood, tested or changed without the other.
 * Every relative import of the code counts, type-only ones too (they are knowledge of the
 * other folder all the same); specs and fixtures do not, since a test may reach across.
 */

const SRC = path.dirname(fileURLToPath(import.meta.url));
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;

const codeFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return codeFiles(file);
    return /\.ts$/.test(entry.name) && !/\.(spec|fixture)\.ts$/.test(entry.name) ? [file] : [];
  });

/** The folder (or, for a file directly in src/, the file) of src/ that `file` belongs to; imports name `.ts` files `.js`. */
const areaOf = (file: string): string => path.relative(SRC, file).split(path.sep)[0]!.replace(/\.js$/, '.ts');

/** Which areas each area imports from, each with the files (relative to src/) that do. */
const folderGraph = (): Map<string, Map<string, Set<string>>> => {
  const graph = new Map<string, Map<string, Set<string>>>();
  for (const file of codeFiles(SRC)) {
    const from = areaOf(file);
    const edges = graph.get(from) ?? new Map<string, Set<string>>();
    graph.set(from, edges);
    for (const [, specifier, dynamic] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = path.resolve(path.dirname(file), (specifier ?? dynamic)!);
      // Imports leaving src/ (package.json, say) are no folder's.
      if (!target.startsWith(SRC + path.sep)) continue;
      const to = areaOf(target);
      if (to !== from) edges.set(to, (edges.get(to) ?? new Set()).add(path.relative(SRC, file)));
    }
  }
  return graph;
};

/** Every cycle, each once, as the path around it (`a → b → a`). */
const cyclesOf = (graph: Map<string, Map<string, Set<string>>>): string[] => {
  const cycles = new Set<string>();
  const walk = (node: string, trail: string[]): void => {
    const at = trail.indexOf(node);
    if (at >= 0) {
      const loop = trail.slice(at);
      // The same loop entered elsewhere is the same cycle: name it from its smallest member.
      const start = loop.indexOf([...loop].sort()[0]!);
      const rotated = [...loop.slice(start), ...loop.slice(0, start)];
      cycles.add([...rotated, rotated[0]].join(' → '));
      return;
    }
    for (const next of graph.get(node)?.keys() ?? []) walk(next, [...trail, node]);
  };
  for (const node of graph.keys()) walk(node, []);
  return [...cycles].sort();
};

describe('the folders of src/', () => {
  it('import each other without cycles', () => {
    expect(cyclesOf(folderGraph())).toEqual([]);
  });

  it('keep projections to projecting: no read model reaches the jobs folder', () => {
    expect(folderGraph().get('projections')?.get('jobs')).toBeUndefined();
  });

  it('are read by this check: it finds the imports of a folder that is known to have some', () => {
    expect(folderGraph().get('commands')?.get('domain')?.size).toBeGreaterThan(0);
  });
});
