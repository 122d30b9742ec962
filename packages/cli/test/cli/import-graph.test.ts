// The sources of dr import each other without a circle: the command list loads the commands, so
// nothing a command loads may import the list (it gets what it needs through CommandIO).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** Every relative import of each source file: static, `import type` or `import()`. */
function importGraph(): Map<string, string[]> {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((file) =>
    file.endsWith('.ts'),
  );
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(SRC, file), 'utf8');
    const targets = [...text.matchAll(/(?:from |import\()'(\.{1,2}\/[^']+)'/g)].map(([, specifier]) =>
      join(dirname(file), specifier!),
    );
    graph.set(file, targets);
  }
  return graph;
}

/** A circle of imports, as the files in order, or undefined. */
function findCircle(graph: Map<string, string[]>): string[] | undefined {
  const done = new Set<string>();
  const visit = (file: string, path: string[]): string[] | undefined => {
    if (path.includes(file)) return [...path.slice(path.indexOf(file)), file];
    if (done.has(file)) return undefined;
    for (const target of graph.get(file) ?? []) {
      const circle = visit(target, [...path, file]);
      if (circle !== undefined) return circle;
    }
    done.add(file);
    return undefined;
  };
  for (const file of graph.keys()) {
    const circle = visit(file, []);
    if (circle !== undefined) return circle;
  }
  return undefined;
}

describe('the import graph of packages/cli/src', () => {
  it('reads the imports it checks (the command list loads every command)', () => {
    const graph = importGraph();
    expect(graph.get('cli/command-tree.ts')).toContain('commands/self/completion.ts');
    expect(graph.get('commands/self/completion.ts')).toContain('self/completion.ts');
  });

  it('has no circle', () => {
    expect(findCircle(importGraph())).toBeUndefined();
  });
});
