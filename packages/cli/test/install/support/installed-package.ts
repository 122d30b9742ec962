// What the installed-package test needs: the Node that runs it (this one, or the one named by
// DR_TEST_NODE, as scripts/check-node-lines.mjs sets), the tarball `npm pack` makes of
// packages/cli, and `npm install --global` of it into a throw-away prefix, run by that Node so
// better-sqlite3 is built for it. Nothing is installed outside the prefix; npm's cache is the
// user's own, so a second run needs no network.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DrResult, runProgram } from '../../support/run-dr.ts';

export const CLI_PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface TargetNode {
  /** The node binary (real path). */
  readonly node: string;
  readonly version: string;
  /** Its addon ABI (process.versions.modules). */
  readonly abi: string;
  /** Node's headers for node-gyp (npm_config_nodedir); undefined: node-gyp fetches them. */
  readonly nodedir: string | undefined;
}

/** The Node the installed dr runs on: DR_TEST_NODE (with DR_TEST_NODEDIR), or the one running the tests. */
export function targetNode(env: NodeJS.ProcessEnv = process.env): TargetNode {
  const node = realpathSync(env.DR_TEST_NODE || process.execPath);
  const asked = spawnSync(node, ['-p', 'process.versions.node + " " + process.versions.modules'], {
    encoding: 'utf8',
  });
  const [version = '', abi = ''] = asked.stdout.trim().split(' ');
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`${node} does not run: ${asked.stderr}`);
  return { node, version, abi, nodedir: env.DR_TEST_NODEDIR || headersFor(version, env) };
}

/** A folder holding this Node version's headers: one named by npm_config_nodedir, or /usr's. */
function headersFor(version: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of [env.npm_config_nodedir, '/usr']) {
    if (dir === undefined || dir === '') continue;
    try {
      const header = readFileSync(join(dir, 'include/node/node_version.h'), 'utf8');
      const part = (name: string) => new RegExp(`#define NODE_${name}_VERSION (\\d+)`).exec(header)?.[1];
      if (`${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}` === version) return dir;
    } catch {
      // No headers there.
    }
  }
  return undefined;
}

/** npm's own script (npm-cli.js), found through the `npm` on PATH, so any Node can run it. */
function npmCli(env: NodeJS.ProcessEnv): string {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'npm');
    if (dir !== '' && existsSync(candidate)) return realpathSync(candidate);
  }
  throw new Error('npm is not on PATH');
}

/**
 * The environment npm runs in: this one without what pnpm passes to its scripts (npm_*), with
 * the target Node first on PATH (install scripts run `node`) and its headers for node-gyp.
 */
export function npmEnv(target: TargetNode, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const kept = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) || kept.has(key)),
  );
  return {
    ...env,
    PATH: [dirname(target.node), env.PATH].join(delimiter),
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    ...(target.nodedir === undefined ? {} : { npm_config_nodedir: target.nodedir }),
    ...extra,
  };
}

/** Runs npm (npm-cli.js under the target Node) with `args`; 10 minutes at most. */
export function runNpm(
  target: TargetNode,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<DrResult> {
  const env = npmEnv(target, options.env);
  return runProgram([target.node, npmCli(env), ...args], { env, cwd: options.cwd, timeoutMs: 600_000 });
}

/**
 * `npm pack` of packages/cli into `destination`, from the dist folder the build made (scripts
 * off: its prepack would rebuild dist under the other tests' feet). Returns the tarball's path.
 */
export async function packCli(target: TargetNode, destination: string): Promise<string> {
  if (!existsSync(join(CLI_PACKAGE, 'dist/dr.js'))) throw new Error('dr is not built: run pnpm build');
  const packed = await runNpm(target, ['pack', '--ignore-scripts', '--pack-destination', destination], {
    cwd: CLI_PACKAGE,
  });
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  const tarball = readdirSync(destination).find((name) => name.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`npm pack wrote no tarball: ${packed.stdout}`);
  return join(destination, tarball);
}

/**
 * `npm install --global <tarball> --prefix <prefix>`, preferring npm's cache to the network;
 * better-sqlite3 downloads its prebuilt addon or compiles where none can be fetched.
 */
export async function installGlobally(
  target: TargetNode,
  tarball: string,
  prefix: string,
): Promise<DrResult> {
  return runNpm(target, ['install', '--global', '--prefer-offline', '--prefix', prefix, tarball], {
    cwd: dirname(tarball),
  });
}
