// Benchmarks and scripts are plain Node scripts; the workspace is TypeScript. This bundles the
// packages one needs (spooler, shared, testkit) once, beside the CLI so that better-sqlite3
// resolves from the CLI's dependencies, and imports the bundle. Benchmarks and scripts bundle
// into files of their own, so a demo and a benchmark running at once never rewrite each other's.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI_DIR = join(root, 'packages', 'cli');
export const DR_BIN = join(CLI_DIR, 'bin', 'dr');
export const DRAINER_SCRIPT = join(CLI_DIR, 'dist', 'drainer.js');

const ALL_PACKAGES = ['@dr/spooler', '@dr/testkit', '@dr/shared'];
const loaded = new Map();

/** `{ Spool, drain, startFakeAmplitude, buildEvent, ... }` from the workspace sources (for bench/). */
export function loadWorkspace() {
  return bundleAndImport('workspace.mjs', ALL_PACKAGES);
}

/**
 * The same for scripts/, in a bundle of its own. `packages` narrows what is bundled: a script
 * that needs only `@dr/shared` loads no native module.
 */
export function loadScriptWorkspace(packages = ALL_PACKAGES) {
  const name = packages.map((name) => name.replace('@dr/', '')).join('-');
  return bundleAndImport(`script-${name}.mjs`, packages);
}

function bundleAndImport(fileName, packages) {
  if (!loaded.has(fileName)) loaded.set(fileName, bundle(join(CLI_DIR, '.bench', fileName), packages));
  return loaded.get(fileName);
}

async function bundle(outfile, packages) {
  await build({
    stdin: {
      contents: packages.map((name) => `export * from '${name}';`).join(' '),
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
  return import(outfile);
}
