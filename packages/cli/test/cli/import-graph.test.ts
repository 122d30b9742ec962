// The sources of each package import each other without a circle (the command list loads the
// commands, so nothing a command loads may import it), and packages depend one way: cli → spooler → shared.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGES = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SRC = join(PACKAGES, 'cli', 'src');

/** Every relative import of each source file: static, `import type` or `import()`. */
function importGraph(src = SRC): Map<string, string[]> {
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((file) =>
    file.endsWith('.ts'),
  );
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(src, file), 'utf8');
    const targets = [...text.matchAll(/(?:from |import\(|import )'(\.{1,2}\/[^']+)'/g)].map(([, specifier]) =>
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

describe.each(['shared', 'spooler', 'testkit'])('the import graph of packages/%s/src', (name) => {
  it('has no circle', () => {
    expect(findCircle(importGraph(join(PACKAGES, name, 'src')))).toBeUndefined();
  });
});

it('packages depend one way: shared imports neither spooler nor cli, spooler not cli', () => {
  const importsOf = (name: string) =>
    readdirSync(join(PACKAGES, name, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) => [
        ...readFileSync(join(PACKAGES, name, 'src', file), 'utf8').matchAll(
          /(?:from |import\()'(@dr\/[a-z]+)/g,
        ),
      ])
      .map(([, specifier]) => specifier);
  expect(importsOf('spooler')).toContain('@dr/shared');
  expect(importsOf('shared').filter((specifier) => specifier !== '@dr/shared')).toEqual([]);
  expect(importsOf('spooler').filter((specifier) => specifier === '@dr/cli')).toEqual([]);
});
