import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/** folder -> the folders its files import from (relative imports that leave the folder). */
function folderImports(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const walk = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((entry) => (entry.isDirectory() ? walk(path.join(dir, entry.name)) : entry.name.endsWith('.ts') ? [path.join(dir, entry.name)] : []));
  for (const file of walk(SRC)) {
    const from = path.relative(SRC, file).split(path.sep)[0]!;
    if (from.endsWith('.ts')) continue;
    const targets = graph.get(from) ?? new Set<string>();
    graph.set(from, targets);
    for (const match of fs.readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      const to = path.relative(SRC, path.resolve(path.dirname(file), match[1]!)).split(path.sep)[0]!;
      if (to !== from && !to.endsWith('.js') && !to.startsWith('..')) targets.add(to);
    }
  }
  return graph;
}

describe('the folder layout', () => {
  it('has imports that run one way: no two folders of src/ import each other, directly or around a loop', () => {
    const graph = folderImports();
    const cycles: string[] = [];
    const visit = (folder: string, trail: string[]) => {
      for (const next of graph.get(folder) ?? []) {
        if (next === trail[0]) cycles.push([...trail, next].join(' -> '));
        else if (!trail.includes(next) && next > trail[0]!) visit(next, [...trail, next]);
      }
    };
    for (const folder of graph.keys()) visit(folder, [folder]);
    expect(cycles).toEqual([]);
  });
});
