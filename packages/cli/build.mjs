// Bundles dr for a fast start: dist/dr.js (the CLI) and dist/drainer.js (the detached drainer,
// which loads nothing of the CLI). Heavy modules reached through dynamic import() become
// separate chunks, loaded only by the commands that need them. better-sqlite3's JavaScript is
// bundled too; only its native addon stays outside, loaded by path (spool.ts). Build facts (version, commit, date, the Amplitude API key from
// DR_AMPLITUDE_API_KEY) are compiled in as __DR_BUILD__.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const { version } = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const buildInfo = {
  version,
  commit: gitCommit(),
  buildDate: new Date().toISOString(),
  amplitudeApiKey: process.env.DR_AMPLITUDE_API_KEY ?? '',
};

const drainerEntry = join(here, '../spooler/src/drainer/entry.ts');
rmSync(join(here, 'dist'), { recursive: true, force: true });
await build({
  entryPoints: {
    dr: join(here, 'src/main.ts'),
    ...(existsSync(drainerEntry) ? { drainer: drainerEntry } : {}),
  },
  outdir: join(here, 'dist'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: 'linked',
  define: { __DR_BUILD__: JSON.stringify(buildInfo) },
  // Some dependencies are CommonJS and call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __drCreateRequire } from 'node:module'; const require = __drCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
