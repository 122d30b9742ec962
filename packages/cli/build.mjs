// Bundles dr for a fast start: esbuild's ES module pass with code splitting (dist/dr.js, the
// drainer's dist/drainer.js, lazy chunks), each file rewritten as CommonJS, the start-up pack and
// V8's code cache recorded (docs/architecture.md, Start-up). Build facts go in as __DR_BUILD__.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// bin/dr is CommonJS without an extension: require, not import.
/** @type {typeof import('../../scripts/typecheck/bin-dr.cjs')} */
const { STARTUP_PACK, startupPack } = createRequire(import.meta.url)('./bin/dr');

const here = dirname(fileURLToPath(import.meta.url));
const cliRequire = createRequire(join(here, 'package.json'));
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

/**
 * env-paths's `import process from 'node:process'` is the global process. Left as an import, the
 * CommonJS pass's interop would copy every property of process at start-up (about half a
 * millisecond). Only env-paths's default import is rewritten: a namespace import elsewhere
 * (`import * as p`) or a require('process') (yaml has one) wants the module object itself.
 */
const globalProcess = {
  name: 'global-process',
  setup(builder) {
    builder.onResolve({ filter: /^(node:)?process$/ }, ({ kind, importer }) =>
      kind === 'import-statement' && /[\\/]env-paths[\\/]/.test(importer)
        ? { path: 'process', namespace: 'global-process' }
        : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'global-process' }, () => ({
      contents: 'export default globalThis.process;',
      loader: 'js',
    }));
  },
};

const drainerEntry = join(here, '../spooler/src/drainer/entry.ts');
const dist = join(here, 'dist');
const esm = mkdtempSync(join(tmpdir(), 'dr-build-esm-'));
try {
  await build({
    entryPoints: {
      dr: join(here, 'src/main.ts'),
      ...(existsSync(drainerEntry) ? { drainer: drainerEntry } : {}),
    },
    outdir: esm,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    sourcemap: 'linked',
    define: { __DR_BUILD__: JSON.stringify(buildInfo) },
    // clipanion and typanion ship ES module builds beside their CommonJS main: bundled as ES
    // modules they are tree-shaken and need no CommonJS wrappers at start-up.
    alias: {
      clipanion: cliRequire.resolve('clipanion').replace(/\.js$/, '.mjs'),
      typanion: createRequire(cliRequire.resolve('clipanion')).resolve('typanion').replace(/\.js$/, '.mjs'),
    },
    plugins: [globalProcess],
    logLevel: 'warning',
  });

  rmSync(dist, { recursive: true, force: true });
  // The package is "type": "module"; its dist folder holds CommonJS (written first, so a build
  // that fails half-way leaves no CommonJS file read as an ES module).
  mkdirSync(dist, { recursive: true });
  writeFileSync(join(dist, 'package.json'), '{ "type": "commonjs" }\n');
  const files = readdirSync(esm).filter((file) => file.endsWith('.js'));
  // import.meta.url becomes the file's URL, worked out when read; only files that use it get the getter.
  const usesImportMeta = (file) => readFileSync(join(esm, file), 'utf8').includes('import.meta');
  /** @type {import('esbuild').BuildOptions} */
  const commonjs = {
    outdir: dist,
    bundle: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: true,
    sourcemap: 'linked',
    define: { 'import.meta.url': '__drImportMeta.url' },
    // import() of a chunk becomes require(): a real import() would start the ES module loader.
    supported: { 'dynamic-import': false },
    logLevel: 'warning',
  };
  const withMeta = files.filter(usesImportMeta);
  const withoutMeta = files.filter((file) => !withMeta.includes(file));
  await build({ ...commonjs, entryPoints: withoutMeta.map((file) => join(esm, file)) });
  if (withMeta.length > 0) {
    await build({
      ...commonjs,
      entryPoints: withMeta.map((file) => join(esm, file)),
      banner: {
        js: 'var __drImportMeta={get url(){return require("node:url").pathToFileURL(__filename).href}};',
      },
    });
  }
  // bin/dr runs the files as scripts, where a dynamic import() cannot work.
  const withImport = readdirSync(dist).filter(
    (file) => file.endsWith('.js') && readFileSync(join(dist, file), 'utf8').includes('import('),
  );
  if (withImport.length > 0) throw new Error(`dynamic import() left in ${withImport.join(', ')}`);
} finally {
  rmSync(esm, { recursive: true, force: true });
}

writeStartupPack();
recordCodeCache();

/**
 * Packs dr.js and every file it requires statically (not through a lazy import) into one
 * script, dist/startup-pack.js: one read and one code cache for what every command loads.
 */
function writeStartupPack() {
  const startup = new Set();
  const visit = (file) => {
    if (startup.has(file)) return;
    startup.add(file);
    const code = readFileSync(join(dist, file), 'utf8');
    for (const match of code.matchAll(/require\("\.\/([^"]+)"\)/g)) {
      // A lazy import() became `Promise.resolve().then(()=>…(require("./x.js")))`.
      const lazy = /Promise\.resolve\(\)\.then\(\(\)=>[\w$]*\($/.test(
        code.slice(match.index - 40, match.index),
      );
      if (!lazy) visit(match[1]);
    }
  };
  visit('dr.js');
  const files = Object.fromEntries(
    [...startup].map((file) => [file, readFileSync(join(dist, file), 'utf8')]),
  );
  writeFileSync(join(dist, STARTUP_PACK), startupPack(files));
}

/**
 * Runs dr on typical command lines, each writing the code cache of the files it loaded (the
 * last line to load a file wins, so the most common comes last: a command recording its
 * events). The home is a throw-away folder and the recorder starts no drainer: the build sends
 * nothing and touches no user file.
 */
function recordCodeCache() {
  const home = mkdtempSync(join(tmpdir(), 'dr-build-home-'));
  const base = {
    PATH: process.env.PATH,
    HOME: home,
    NO_COLOR: '1',
    DR_TELEMETRY_POLICY_FILE: join(home, 'none'),
  };
  const off = { ...base, DO_NOT_TRACK: '1' };
  const on = {
    ...base,
    DR_TELEMETRY_ENABLED: '1',
    DR_TELEMETRY_API_KEY: 'code-cache-recording',
    DR_TELEMETRY_ENDPOINT: 'http://127.0.0.1:9/2/httpapi',
  };
  const recorder = join(here, 'scripts/record-code-cache.cjs');
  try {
    /** @type {Array<[string[], NodeJS.ProcessEnv]>} */
    const lines = [
      [['--help'], off],
      [['self', 'version'], off],
      [['self', 'version'], on],
      [['self', 'version'], on],
    ];
    for (const [line, env] of lines) {
      execFileSync(process.execPath, [recorder, ...line], { env, cwd: home, stdio: 'ignore' });
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
