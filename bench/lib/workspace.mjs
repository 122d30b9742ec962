// Benchmarks are plain Node scripts; the workspace is TypeScript. This bundles the packages a
// benchmark needs (spooler, shared, testkit) once, beside the CLI so that better-sqlite3
// resolves from the CLI's dependencies, and imports the bundle.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI_DIR = join(root, 'packages', 'cli');
export const DR_BIN = join(CLI_DIR, 'bin', 'dr');
export const DRAINER_SCRIPT = join(CLI_DIR, 'dist', 'drainer.js');

let loaded;

/** `{ Spool, drain, startFakeAmplitude, buildEvent, ... }` from the workspace sources. */
export async function loadWorkspace() {
  if (loaded) return loaded;
  const outfile = join(CLI_DIR, '.bench', 'workspace.mjs');
  await build({
    stdin: {
      contents: "export * from '@dr/spooler'; export * from '@dr/testkit'; export * from '@dr/shared';",
      resolveDir: CLI_DIR,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3'],
    outfile,
    banner: {
      js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  loaded = await import(outfile);
  return loaded;
}
