// The import graph of the TypeScript sources under a folder (static imports and re-exports, type-only ones
// included, and dynamic import() of a literal path), and its cycles. A small reader of the source text, not
// a compiler: it resolves relative specifiers ('./x.js' -> x.ts, './dir' -> dir/index.ts) and ignores
// packages and non-TypeScript files (.wgsl).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SPEC_RE = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return /\.ts$/.test(name) && !/\.d\.ts$/.test(name) ? [p] : [];
  });
}

function resolveSpec(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  for (const c of [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')]) {
    if (c.endsWith('.ts') && existsSync(c) && statSync(c).isFile()) return c;
  }
  return null;
}

/** Edges file -> imported files, paths relative to `root`, for every .ts file under `root`. */
export function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const f of tsFiles(root)) {
    // Comments could hold example imports: drop them first (line comments, then block comments).
    const text = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    const deps = new Set<string>();
    for (const m of text.matchAll(SPEC_RE)) {
      const target = resolveSpec(f, (m[1] ?? m[2] ?? m[3])!);
      if (target && target.startsWith(root)) deps.add(relative(root, target));
    }
    graph.set(relative(root, f), [...deps].sort());
  }
  return graph;
}

/** The graph with every node renamed by `group` (edges inside a group dropped). */
export function condense(graph: Map<string, string[]>, group: (node: string) => string): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const [from, deps] of graph) {
    const g = group(from);
    if (!out.has(g)) out.set(g, new Set());
    for (const d of deps) if (group(d) !== g) out.get(g)!.add(group(d));
  }
  return new Map([...out].map(([k, v]) => [k, [...v].sort()]));
}

/** One cycle per strongly connected component with more than one node (or a self-loop), as a path a -> ... -> a. */
export function cycles(graph: Map<string, string[]>): string[][] {
  // Tarjan's algorithm, iterative enough for small graphs (recursion depth = longest import chain).
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], on = new Set<string>();
  const comps: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) comps.push(comp);
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  // A concrete cycle through each component: a shortest path back to its first node.
  return comps.map((comp) => {
    const inComp = new Set(comp), start = comp.sort()[0]!;
    const prev = new Map<string, string>();
    const queue = [start];
    while (queue.length) {
      const v = queue.shift()!;
      for (const w of graph.get(v) ?? []) {
        if (!inComp.has(w)) continue;
        if (w === start) {
          const path = [v];
          while (path[0] !== start) path.unshift(prev.get(path[0]!)!);
          return [...path, start];
        }
        if (!prev.has(w)) {
          prev.set(w, v);
          queue.push(w);
        }
      }
    }
    return comp;
  });
}
