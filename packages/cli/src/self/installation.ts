// How the running dr was installed, read from where its files are, and the command that updates
// it in place (npm in its own prefix, or pnpm). A source checkout, a project's dependency or an
// npx run is never updated, and says what to do instead.
import { basename, dirname, posix, win32 } from 'node:path';

/** The name dr is published under on npm. */
export const NPM_PACKAGE = '@datarobot/cli';

export type Installation =
  | { readonly kind: 'npm'; readonly prefix: string }
  | { readonly kind: 'pnpm' }
  | { readonly kind: 'unmanaged'; readonly instead: string };

export interface UpgradeCommand {
  readonly command: 'npm' | 'pnpm';
  readonly args: readonly string[];
}

/**
 * How the package whose root folder is `packageRoot` (real path, symbolic links resolved) was
 * installed. `exists` is asked whether a file is there (a global npm install has its `bin/dr`).
 */
export function installationOf(
  packageRoot: string,
  options: { readonly platform?: NodeJS.Platform; readonly exists: (path: string) => boolean },
): Installation {
  const windows = (options.platform ?? process.platform) === 'win32';
  const path = windows ? win32 : posix;
  const parts = packageRoot.split(windows ? /[\\/]+/ : '/');
  const modulesAt = parts.length - 3;
  if (parts[modulesAt] !== 'node_modules' || parts.slice(-2).join('/') !== NPM_PACKAGE) {
    return {
      kind: 'unmanaged',
      instead: `dr runs from a source checkout (${packageRoot}): update it with git pull and ./scripts/setup.sh.`,
    };
  }
  if (parts.includes('_npx')) {
    return {
      kind: 'unmanaged',
      instead: `dr runs through npx, which fetches versions itself: run npx ${NPM_PACKAGE}@latest.`,
    };
  }
  const folder = (from: readonly string[]) => from.join(path.sep) || path.sep;
  const above = parts.slice(0, modulesAt);
  const store = above.indexOf('.pnpm');
  if (store >= 0) {
    // pnpm keeps global packages under its global folder ($PNPM_HOME/global/…/.pnpm/…).
    return above.includes('global') ? { kind: 'pnpm' } : projectDependency(folder(above.slice(0, store - 1)));
  }
  // npm's global layout: <prefix>/lib/node_modules with the command in <prefix>/bin on Unix,
  // <prefix>\node_modules with dr.cmd in <prefix> on Windows.
  const prefix = windows ? folder(above) : above.at(-1) === 'lib' ? folder(above.slice(0, -1)) : undefined;
  if (
    prefix !== undefined &&
    options.exists(windows ? path.join(prefix, 'dr.cmd') : path.join(prefix, 'bin', 'dr'))
  ) {
    return { kind: 'npm', prefix };
  }
  return projectDependency(folder(above));
}

function projectDependency(project: string): Installation {
  return {
    kind: 'unmanaged',
    instead: `dr is a dependency of the project in ${project}: update it there with its package manager (npm install ${NPM_PACKAGE}@latest).`,
  };
}

/** The command that installs `version` of dr where `installation` put it, asking `registry` if given. */
export function upgradeCommand(
  installation: Installation & { kind: 'npm' | 'pnpm' },
  version: string,
  registry: string | undefined,
): UpgradeCommand {
  const target = `${NPM_PACKAGE}@${version}`;
  const registryArgs = registry === undefined ? [] : ['--registry', registry];
  return installation.kind === 'npm'
    ? {
        command: 'npm',
        args: ['install', '--global', '--prefix', installation.prefix, target, ...registryArgs],
      }
    : { command: 'pnpm', args: ['add', '--global', target, ...registryArgs] };
}

/** The command as a person would type it (arguments with spaces or quotes are quoted). */
export function commandLine({ command, args }: UpgradeCommand): string {
  const quote = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);
  return [command, ...args].map(quote).join(' ');
}

/** The folder of the running dr's package: the bundle's files are in its dist folder. */
export function runningPackageRoot(bundleFile: string): string {
  const folder = dirname(bundleFile);
  return basename(folder) === 'dist' ? dirname(folder) : folder;
}
