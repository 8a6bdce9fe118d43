// The shape of the code: no import cycles under src/ (between files, and between its folders), the CPU
// twins import nothing from the model, and one kernel = one shader + one twin of the same name (each naming
// the other in its first lines) + one registry entry.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ALL_KERNELS } from '../src/kernels.js';
import { ROOT } from './helpers/cli.js';
import { condense, cycles, importGraph } from './helpers/imports.js';

const SRC = join(ROOT, 'src');
/** A file's group for the folder-level graph: its folder under src/ (cpu/kernels apart), or itself at the top. */
const folderOf = (f: string): string => (f.startsWith('cpu/kernels/') ? 'cpu/kernels' : f.includes('/') ? f.split('/')[0]! : f);
const show = (cs: string[][]): string => cs.map((c) => c.join(' -> ')).join('\n');

describe('imports', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'webgpu-rnn-imports-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('the cycle finder finds a cycle through type-only, re-export and dynamic imports, and none without', () => {
    mkdirSync(join(tmp, 'a'));
    mkdirSync(join(tmp, 'b'));
    writeFileSync(join(tmp, 'a/x.ts'), "import type { Y } from '../b/y.js';\nexport type X = Y;\n");
    writeFileSync(join(tmp, 'b/y.ts'), "export { z } from './z.js';\nexport type Y = number;\n");
    writeFileSync(join(tmp, 'b/z.ts'), "// import { nothing } from '../a/x.js';\nexport const z = () => import('../a/x.js');\n");
    writeFileSync(join(tmp, 'b/w.ts'), "import { z } from './z.js';\nexport const w = z;\n");
    const g = importGraph(tmp);
    expect(g.get('b/z.ts')).toEqual(['a/x.ts']); // the commented-out import is not an edge
    expect(show(cycles(g))).toBe('a/x.ts -> b/y.ts -> b/z.ts -> a/x.ts');
    expect(show(cycles(condense(g, (f) => f.split('/')[0]!)))).toBe('a -> b -> a');
    writeFileSync(join(tmp, 'b/z.ts'), 'export const z = 1;\n');
    expect(cycles(importGraph(tmp))).toEqual([]);
  });

  const graph = importGraph(SRC);

  it('reads the whole source tree', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get('model/network.ts')).toContain('kernels.ts');
  });

  it('no import cycle between files under src/', () => {
    expect(show(cycles(graph))).toBe('');
  });

  it('no import cycle between the folders of src/ (core, cpu, gpu, tune, model, train, ...)', () => {
    expect(show(cycles(condense(graph, folderOf)))).toBe('');
  });

  it('the CPU twins import only core/ and each other (never the model)', () => {
    for (const [f, deps] of graph) {
      if (!f.startsWith('cpu/kernels/')) continue;
      for (const d of deps) expect(d, f).toMatch(/^(core|cpu\/kernels)\//);
    }
  });
});

describe('one place per kernel', () => {
  const shaders = readdirSync(join(ROOT, 'shaders')).filter((f) => f.endsWith('.wgsl') && f !== 'prelude.wgsl').map((f) => f.replace(/\.wgsl$/, ''));
  const head = (path: string): string => readFileSync(join(ROOT, path), 'utf8').split('\n').slice(0, 3).join('\n');

  it('every shader has exactly one registry entry, and every entry its shader', () => {
    const names = ALL_KERNELS.map((k) => k.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual([...shaders].sort());
  });

  for (const k of ALL_KERNELS) {
    it(`${k.name}: the shader and src/cpu/kernels/${k.name}.ts name each other; the entry's twin comes from that file`, async () => {
      expect(head(`shaders/${k.name}.wgsl`)).toContain(`src/cpu/kernels/${k.name}.ts`);
      expect(head(`src/cpu/kernels/${k.name}.ts`)).toContain(`shaders/${k.name}.wgsl`);
      const twin = (await import(/* @vite-ignore */ join(SRC, `cpu/kernels/${k.name}.ts`))) as Record<string, unknown>;
      expect(Object.values(twin)).toContain(k.cpu);
      expect(k.wgsl.endsWith(readFileSync(join(ROOT, `shaders/${k.name}.wgsl`), 'utf8'))).toBe(true); // after shared snippets
    });
  }
});
