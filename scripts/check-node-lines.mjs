// `pnpm test:node-lines [24 26 …]`: the installed-package test (packages/cli/test/install) on other
// Node lines, each installed from the registry's `node` package into a cache folder (the network
// is needed on a line's first run only), the test run with DR_TEST_NODE and DR_TEST_NODEDIR.
//
// It checks: the packed dr installs with that Node's npm, builds better-sqlite3 against its
// headers, starts, records and drains; and dr from this workspace, whose addon was built for
// another Node, still runs there with telemetry saying why in one --debug line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_LINES = ['24', '26'];
const usage = 'usage: node scripts/check-node-lines.mjs [major …] (default: 24 26)';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(
    `${usage}\nRuns packages/cli/test/install on each Node line, downloaded from the npm registry's node package.`,
  );
  process.exit(0);
}
const lines = args.length > 0 ? args : DEFAULT_LINES;
const wrong = lines.filter((line) => !/^\d+$/.test(line));
if (wrong.length > 0) {
  console.error(`Error: not a Node major version: ${wrong.join(', ')}\n${usage}`);
  process.exit(2);
}

const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'dr-node-lines');

/** Installs node@<line> into the cache (once); returns its binary and headers folder. */
function nodeOfLine(line) {
  const dir = join(cache, `node-${line}`);
  const node = join(dir, 'node_modules/node/bin/node');
  if (!existsSync(node)) {
    mkdirSync(dir, { recursive: true });
    console.log(`Fetching node@${line} into ${dir}`);
    const install = spawnSync(
      'npm',
      [
        'install',
        '--prefix',
        dir,
        '--no-save',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        `node@${line}`,
      ],
      { stdio: 'inherit' },
    );
    if (install.status !== 0 || !existsSync(node)) throw new Error(`npm could not install node@${line}`);
  }
  const nodedir = join(dir, 'node_modules/node/node_modules', `node-${process.platform}-${process.arch}`);
  if (!existsSync(join(nodedir, 'include/node/node_version.h')))
    throw new Error(`node@${line} has no headers in ${nodedir}`);
  return { node: realpathSync(node), nodedir };
}

const results = [];
for (const line of lines) {
  const started = Date.now();
  let outcome;
  try {
    const { node, nodedir } = nodeOfLine(line);
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    console.log(`\n== Node ${version} (${node})`);
    const run = spawnSync('pnpm', ['exec', 'vitest', 'run', '--project', 'cli', 'test/install'], {
      cwd: REPO,
      stdio: 'inherit',
      env: { ...process.env, DR_TEST_NODE: node, DR_TEST_NODEDIR: nodedir },
    });
    outcome = { line, version, ok: run.status === 0 };
  } catch (error) {
    console.error(`Error: ${/** @type {Error} */ (error).message}`);
    outcome = { line, version: '?', ok: false };
  }
  results.push({ ...outcome, seconds: Math.round((Date.now() - started) / 1000) });
}

console.log('\nNode line  version    result  time');
for (const { line, version, ok, seconds } of results) {
  console.log(`${line.padEnd(10)} ${version.padEnd(10)} ${ok ? 'pass' : 'FAIL'}    ${seconds} s`);
}
process.exit(results.every(({ ok }) => ok) ? 0 : 1);
