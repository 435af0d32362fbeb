/**
 * The layout DESIGN.md describes, checked on the sources: src/ holds the entry points and folders
 * only, every folder says what it is in its first lines, and no two folders of src/ import each
 * other (directly or around a longer cycle), so each layer can be read without the ones above it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(__dirname, '../../src');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** The folder a file belongs to for the layering: src/<folder>, and src/backends/<backend> for each backend. */
function layerOf(file: string): string {
  const parts = relative(SRC, file).split('/');
  if (parts.length === 1) return parts[0];
  return parts[0] === 'backends' ? `backends/${parts[1]}` : parts[0];
}

/** Every relative import, export-from, import() and require() of a file, resolved to a file under src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const path = resolve(dirname(file), match[1]);
    const target = [`${path}.ts`, join(path, 'index.ts'), path].find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
    if (target?.startsWith(SRC)) found.push(target);
  }
  return found;
}

/** layer → the layers it imports, with one importing file per edge (for the message). */
function layerGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(SRC)) {
    const from = layerOf(file);
    for (const target of importsOf(file)) {
      const to = layerOf(target);
      if (to === from) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      if (!graph.get(from)!.has(to)) graph.get(from)!.set(to, relative(SRC, file));
    }
  }
  return graph;
}

/** The cycles of a graph, each as its layers in order (found by depth-first search: each back edge closes one). */
export function cyclesOf(graph: Map<string, Map<string, string>>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

test('the cycle search finds a cycle between two folders and one around three', () => {
  const graph = (edges: [string, string][]) => {
    const result = new Map<string, Map<string, string>>();
    for (const [from, to] of edges) result.set(from, (result.get(from) ?? new Map()).set(to, `${from}/x.ts`));
    return result;
  };
  assert.deepEqual(cyclesOf(graph([['store', 'shared'], ['shared', 'store']])), [['store', 'shared', 'store']]);
  assert.deepEqual(cyclesOf(graph([['a', 'b'], ['b', 'c'], ['c', 'a']])), [['a', 'b', 'c', 'a']]);
  assert.deepEqual(cyclesOf(graph([['cli', 'runner'], ['runner', 'shared'], ['cli', 'shared']])), []);
});

test('no import cycle between the folders of src/', () => {
  const graph = layerGraph();
  const cycles = cyclesOf(graph);
  const described = cycles.map((cycle) => cycle.slice(0, -1).map((from, i) => `${from} → ${cycle[i + 1]} (${graph.get(from)!.get(cycle[i + 1])})`).join(', '));
  assert.deepEqual(described, []);
});

test('core imports nothing from outside core but src/shared; the runner seam imports no backend', () => {
  const graph = layerGraph();
  assert.deepEqual([...(graph.get('core')?.keys() ?? [])].filter((layer) => layer !== 'shared'), []);
  assert.deepEqual([...(graph.get('runner')?.keys() ?? [])].filter((layer) => layer.startsWith('backends')), []);
});

test('src/ holds the entry points and folders only; each folder says what it is in its first lines', () => {
  const top = readdirSync(SRC);
  assert.deepEqual(top.filter((name) => statSync(join(SRC, name)).isFile()), ['extension.ts']);
  const folders = top.filter((name) => statSync(join(SRC, name)).isDirectory()).flatMap((name) => (name === 'backends' ? readdirSync(join(SRC, name)).map((backend) => `${name}/${backend}`) : [name]));
  for (const folder of folders) {
    const index = join(SRC, folder, 'index.ts');
    const described = existsSync(index) && /^(#![^\n]*\n)?\/\*\*/.test(readFileSync(index, 'utf8'));
    assert.ok(described, `src/${folder} has no index.ts beginning with a comment that says what the folder is`);
  }
});
