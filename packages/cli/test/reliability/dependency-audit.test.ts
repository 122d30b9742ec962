// An offline dependency audit, read from pnpm-lock.yaml and the installed manifests (issue #6,
// item 6). It needs no network, so it runs in `pnpm test`; `node scripts/audit.mjs` asks the
// registry for advisories when it can. What it holds to:
// - every package comes from the registry with an sha512 integrity hash: no git, tarball or
//   file sources, and workspace links only to this repository's own packages;
// - every package that wants an install script is named in pnpm-workspace.yaml's allowBuilds
//   (true: reviewed and run; false: reviewed and refused), and every `true` there still needs one;
// - what @datarobot/cli ships (its one installed dependency, better-sqlite3, and what the bundle
//   holds: its other dependencies, listed as devDependencies) is exactly RUNTIME_PACKAGES below,
//   so a new runtime dependency is a visible change here, with no package in two major versions;
// - every runtime package has a permissive licence.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const STORE = join(REPO, 'node_modules/.pnpm');

/**
 * What @datarobot/cli ships with (name@version, peer and patch suffixes dropped). better-sqlite3 brings
 * prebuild-install and its helpers: its install script fetches the prebuilt binary. Update this
 * list on purpose, with the reason in the commit.
 */
const RUNTIME_PACKAGES = [
  'base64-js@1.5.1',
  'better-sqlite3@12.11.1',
  'bindings@1.5.0',
  'bl@4.1.0',
  'buffer@5.7.1',
  'chownr@1.1.4',
  'ci-info@4.5.0',
  'clipanion@3.2.1',
  'decompress-response@6.0.0',
  'deep-extend@0.6.0',
  'detect-libc@2.1.2',
  'end-of-stream@1.4.5',
  'env-paths@4.0.0',
  'expand-template@2.0.3',
  'file-uri-to-path@1.0.0',
  'fs-constants@1.0.0',
  'github-from-package@0.0.0',
  'graceful-fs@4.2.12',
  'ieee754@1.2.1',
  'inherits@2.0.4',
  'ini@1.3.8',
  'is-safe-filename@0.1.1',
  'ky@1.14.3',
  'mimic-response@3.1.0',
  'minimist@1.2.8',
  'mkdirp-classic@0.5.3',
  'napi-build-utils@2.0.0',
  'node-abi@3.104.0',
  'once@1.4.0',
  'prebuild-install@7.1.3',
  'proper-lockfile@4.1.2',
  'pump@3.0.4',
  'rc@1.2.8',
  'readable-stream@3.6.2',
  'retry@0.12.0',
  'safe-buffer@5.2.1',
  'semver@7.8.6',
  'signal-exit@3.0.7',
  'simple-concat@1.0.1',
  'simple-get@4.0.1',
  'string_decoder@1.3.0',
  'strip-json-comments@2.0.1',
  'tar-fs@2.1.6',
  'tar-stream@2.2.0',
  'tunnel-agent@0.6.0',
  'typanion@3.14.0',
  'undici@7.30.2',
  'util-deprecate@1.0.2',
  'wrappy@1.0.2',
  'yaml@2.9.1',
];

/** SPDX ids that let us ship without obligations beyond keeping the notice. */
const PERMISSIVE = new Set([
  'MIT',
  'ISC',
  'BSD-2-Clause',
  'BSD-3-Clause',
  'Apache-2.0',
  '0BSD',
  'BlueOak-1.0.0',
  'CC0-1.0',
  'Unlicense',
]);

interface Dependency {
  readonly specifier?: string;
  readonly version: string;
}
interface Lockfile {
  readonly importers?: Record<
    string,
    {
      dependencies?: Record<string, Dependency>;
      devDependencies?: Record<string, Dependency>;
      packageManagerDependencies?: Record<string, Dependency>;
    }
  >;
  readonly packages?: Record<string, { resolution?: Record<string, unknown> }>;
  readonly snapshots?: Record<
    string,
    { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }
  >;
  readonly patchedDependencies?: Record<string, unknown>;
}

/** The lockfile's YAML documents (pnpm 12 writes the package manager's own first), read with the yaml package @dr/shared uses. */
function lockfileDocuments(): Lockfile[] {
  const { parseAllDocuments } = createRequire(join(REPO, 'packages/shared/package.json'))('yaml') as {
    parseAllDocuments(text: string): { toJS(): unknown }[];
  };
  return parseAllDocuments(readFileSync(join(REPO, 'pnpm-lock.yaml'), 'utf8')).map(
    (doc) => doc.toJS() as Lockfile,
  );
}

function workspaceSettings(): { allowBuilds?: Record<string, boolean>; [key: string]: unknown } {
  const { parse } = createRequire(join(REPO, 'packages/shared/package.json'))('yaml') as {
    parse(text: string): unknown;
  };
  return parse(readFileSync(join(REPO, 'pnpm-workspace.yaml'), 'utf8')) as {
    allowBuilds?: Record<string, boolean>;
  };
}

const documents = lockfileDocuments();
const project = documents.find((doc) => doc.importers?.['packages/cli'] !== undefined)!;

/** `name@1.2.3(peer@4)(patch_hash=…)` → ['name', '1.2.3']. */
function splitKey(key: string): [string, string] {
  const at = key.indexOf('@', 1);
  return [key.slice(0, at), key.slice(at + 1).replace(/\(.*$/, '')];
}

/** The devDependencies of packages/cli that are tools for its tests, not bundled into dist. */
const NOT_BUNDLED = new Set(['@dr/testkit']);

/**
 * The packages @datarobot/cli needs at run time, as name@version: its dependencies (installed
 * with it) and the devDependencies its bundle holds, following workspace links.
 */
function runtimeTree(): string[] {
  const found = new Set<string>();
  const visitImporter = (path: string) => {
    const { dependencies = {}, devDependencies = {} } = project.importers![path]!;
    const bundled = path === 'packages/cli' ? devDependencies : {};
    for (const [name, { version }] of Object.entries({ ...dependencies, ...bundled })) {
      if (!NOT_BUNDLED.has(name)) visit(name, version, path);
    }
  };
  const visit = (name: string, version: string, from: string | undefined) => {
    if (version.startsWith('link:')) {
      if (from === undefined) throw new Error(`${name} links to ${version} from outside the workspace`);
      return visitImporter(posix.normalize(posix.join(from, version.slice('link:'.length))));
    }
    const key = `${name}@${version}`;
    if (found.has(key)) return;
    found.add(key);
    const snapshot = project.snapshots?.[key];
    if (snapshot === undefined) throw new Error(`${key} is not in the lockfile's snapshots`);
    for (const [child, childVersion] of Object.entries({
      ...snapshot.dependencies,
      ...snapshot.optionalDependencies,
    })) {
      visit(child, childVersion, undefined);
    }
  };
  visitImporter('packages/cli');
  return [...new Set([...found].map((key) => splitKey(key).join('@')))].sort();
}

/** The installed manifest of name@version in pnpm's store folder. */
function manifestOf(name: string, version: string): Record<string, unknown> {
  const prefix = `${name.replace('/', '+')}@${version}`;
  const folder = readdirSync(STORE).find((entry) => entry === prefix || entry.startsWith(`${prefix}_`));
  if (folder === undefined) throw new Error(`${name}@${version} is not installed in node_modules/.pnpm`);
  return JSON.parse(readFileSync(join(STORE, folder, 'node_modules', name, 'package.json'), 'utf8'));
}

describe('dependency audit (offline, from pnpm-lock.yaml)', () => {
  it('every package comes from the registry with an sha512 integrity hash', () => {
    const entries = documents.flatMap((doc) => Object.entries(doc.packages ?? {}));
    expect(entries.length).toBeGreaterThan(50);
    const unsound = entries
      .filter(([, meta]) => {
        const resolution = meta.resolution ?? {};
        const keys = Object.keys(resolution);
        return !(
          keys.length === 1 &&
          typeof resolution.integrity === 'string' &&
          /^sha512-[A-Za-z0-9+/]+=*$/.test(resolution.integrity)
        );
      })
      .map(([key, meta]) => `${key}: ${JSON.stringify(meta.resolution)}`);
    expect(unsound).toEqual([]);
  });

  it('importers name registry versions, or links to this repository’s own packages', () => {
    const odd: string[] = [];
    for (const doc of documents) {
      for (const [importer, groups] of Object.entries(doc.importers ?? {})) {
        for (const group of [
          groups.dependencies,
          groups.devDependencies,
          groups.packageManagerDependencies,
        ]) {
          for (const [name, { version }] of Object.entries(group ?? {})) {
            if (version.startsWith('link:')) {
              const target = posix.normalize(posix.join(importer, version.slice('link:'.length)));
              if (!/^packages\/[\w-]+$/.test(target) || !existsSync(join(REPO, target, 'package.json')))
                odd.push(`${importer}: ${name} -> ${version}`);
            } else if (!/^\d+\.\d+\.\d+[\w.+-]*(\(.*\))?$/.test(version)) {
              odd.push(`${importer}: ${name} -> ${version}`);
            }
          }
        }
      }
    }
    expect(odd).toEqual([]);
  });

  it('patches come from this repository’s patches/ folder only', () => {
    const patched = documents.flatMap((doc) => Object.values(doc.patchedDependencies ?? {}));
    const settings = workspaceSettings().patchedDependencies as Record<string, string> | undefined;
    for (const path of Object.values(settings ?? {})) {
      expect(path).toMatch(/^patches\/[^/]+\.patch$/);
      expect(existsSync(join(REPO, path))).toBe(true);
    }
    expect(patched.length).toBe(Object.keys(settings ?? {}).length);
  });

  it('every package that wants an install script is named in allowBuilds, and every grant is still needed', () => {
    const wanting = new Set<string>();
    for (const folder of readdirSync(STORE)) {
      const modules = join(STORE, folder, 'node_modules');
      if (!existsSync(modules)) continue;
      const name = folder.startsWith('@')
        ? folder.replace(/^(@[^+]+)\+([^@]+)@.*$/, '$1/$2')
        : folder.replace(/@.*$/, '');
      const root = join(modules, name);
      if (!existsSync(join(root, 'package.json'))) continue;
      const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        scripts?: Record<string, string>;
      };
      const scripts = manifest.scripts ?? {};
      if (
        ['preinstall', 'install', 'postinstall'].some((hook) => scripts[hook]) ||
        existsSync(join(root, 'binding.gyp'))
      ) {
        wanting.add(name);
      }
    }
    // The two the product needs are seen, so the scan above reads the store.
    expect([...wanting]).toEqual(expect.arrayContaining(['better-sqlite3', 'esbuild']));
    const allowBuilds = workspaceSettings().allowBuilds ?? {};
    expect(
      [...wanting].filter((name) => !(name in allowBuilds)),
      'wants to build but is not reviewed in allowBuilds',
    ).toEqual([]);
    const granted = Object.entries(allowBuilds)
      .filter(([, allowed]) => allowed === true)
      .map(([name]) => name);
    expect(
      granted.filter((name) => !wanting.has(name)),
      'allowed to build but has no install script',
    ).toEqual([]);
    expect(granted.sort()).toEqual(['better-sqlite3', 'esbuild']);
  });

  it('the published package installs better-sqlite3 alone, at the version whose JavaScript the bundle holds', () => {
    const manifest = JSON.parse(readFileSync(join(REPO, 'packages/cli/package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    const locked = project.importers!['packages/cli']!.dependencies ?? {};
    expect(Object.keys(manifest.dependencies ?? {})).toEqual(['better-sqlite3']);
    expect(manifest.dependencies!['better-sqlite3']).toBe(locked['better-sqlite3']!.version);
    expect(project.importers!['packages/spooler']!.dependencies!['better-sqlite3']!.version).toBe(
      locked['better-sqlite3']!.version,
    );
  });

  it('the runtime tree of @datarobot/cli is exactly the reviewed list, one major version of each', () => {
    const tree = runtimeTree();
    expect(tree).toEqual(RUNTIME_PACKAGES);
    const majors = new Map<string, Set<string>>();
    for (const entry of tree) {
      const [name, version] = splitKey(entry);
      majors.set(name, (majors.get(name) ?? new Set()).add(version.split('.')[0]!));
    }
    expect([...majors].filter(([, seen]) => seen.size > 1).map(([name]) => name)).toEqual([]);
  });

  it('every runtime package has a permissive licence', () => {
    const licences = runtimeTree().map((entry) => {
      const [name, version] = splitKey(entry);
      const { license } = manifestOf(name, version) as { license?: unknown };
      return { entry, license: typeof license === 'string' ? license : JSON.stringify(license) };
    });
    const permissive = (expression: string) =>
      expression
        .replace(/[()]/g, '')
        .split(/\s+OR\s+/)
        .some((id) => PERMISSIVE.has(id.trim()));
    expect(licences.filter(({ license }) => !permissive(license))).toEqual([]);
  });
});
