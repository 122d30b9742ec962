// dr self update against the fake npm registry (packages/testkit), pointed at by
// DR_UPDATE_REGISTRY_URL: what it tells, its failures, and what it does when it cannot update
// itself (this workspace's dr is a source checkout). Installing for real is tested on the
// installed package: test/install/installed-package.test.ts. How an installation is recognised
// and the command that updates it are tested in process.
import { type FakeNpmRegistry, startFakeNpmRegistry } from '@dr/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandLine, installationOf, upgradeCommand } from '../../src/self/installation.ts';
import { compareVersions, NPM_PACKAGE } from '../../src/self/update.ts';
import { type DrHome, makeDrHome, runDr } from '../support/run-dr.ts';

let home: DrHome;
let registry: FakeNpmRegistry;

beforeEach(async () => {
  home = makeDrHome();
  registry = await startFakeNpmRegistry();
  registry.publish({ name: NPM_PACKAGE, version: '99.0.0' });
});
afterEach(async () => {
  await registry.close();
  home.cleanup();
});

const env = () => ({ ...home.env, DR_UPDATE_REGISTRY_URL: `${registry.url}/` });

describe('dr self update', () => {
  it('--check tells the newer version and installs nothing', async () => {
    const result = await runDr(['self', 'update', '--check'], { env: env() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^dr \d+\.\d+\.\d+\S* is installed; 99\.0\.0 is available\.\n/);
    expect(result.stdout).toContain('dr runs from a source checkout');
    expect(registry.requests).toEqual([`/${NPM_PACKAGE.replace('/', '%2F')}/latest`]);
  });

  it('from a source checkout, refuses to update in one line that says what to do instead', async () => {
    for (const args of [
      ['self', 'update'],
      ['self', 'update', '--yes'],
    ]) {
      const result = await runDr(args, { env: env() });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^Error: dr runs from a source checkout \(.+\): update it with git pull and \.\/scripts\/setup\.sh\.\n$/,
      );
    }
    expect(registry.requests.filter((path) => path.endsWith('.tgz'))).toEqual([]);
  });

  it('says when dr is the newest version, also as JSON', async () => {
    registry.publish({ name: NPM_PACKAGE, version: '0.0.1' });
    const text = await runDr(['self', 'update'], { env: env() });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/is newer than the latest published version \(0\.0\.1\)/);
    const json = await runDr(['self', 'update', '--output-format', 'json'], { env: env() });
    expect(JSON.parse(json.stdout)).toMatchObject({
      latest: '0.0.1',
      update_available: false,
      upgrade_command: null,
    });
  });

  it('exits 4 with one line when the registry fails, has no such package, or cannot be reached', async () => {
    registry.answerAll({ status: 404, body: { error: 'Not found' } });
    const missing = await runDr(['self', 'update'], { env: env() });
    expect(missing.code).toBe(4);
    expect(missing.stderr).toBe(`Error: ${NPM_PACKAGE} is not published on ${registry.url}.\n`);
    registry.answerAll({ status: 503, body: {} });
    expect((await runDr(['self', 'update'], { env: env() })).code).toBe(4);
    const unreachable = await runDr(['self', 'update'], {
      env: { ...home.env, DR_UPDATE_REGISTRY_URL: 'http://127.0.0.1:9' },
    });
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr).toContain('Cannot reach the npm registry');
  });
});

describe('how dr was installed', () => {
  const exists = (present: string[]) => (path: string) => present.includes(path);
  const root = (...parts: string[]) => [...parts, 'node_modules', '@datarobot', 'cli'].join('/');

  it('recognises a global npm install by its prefix and command link', () => {
    expect(
      installationOf(root('/usr/local/lib'), { platform: 'linux', exists: exists(['/usr/local/bin/dr']) }),
    ).toEqual({ kind: 'npm', prefix: '/usr/local' });
    expect(
      installationOf('C:\\Users\\me\\AppData\\Roaming\\npm\\node_modules\\@datarobot\\cli', {
        platform: 'win32',
        exists: exists(['C:\\Users\\me\\AppData\\Roaming\\npm\\dr.cmd']),
      }),
    ).toEqual({ kind: 'npm', prefix: 'C:\\Users\\me\\AppData\\Roaming\\npm' });
  });

  it('recognises a global pnpm install, and never updates a project dependency, npx or a checkout', () => {
    const pnpmGlobal = root(
      '/home/me/.local/share/pnpm/global/v11/abc/node_modules/.pnpm/@datarobot+cli@1.0.0',
    );
    expect(installationOf(pnpmGlobal, { platform: 'linux', exists: exists([]) })).toEqual({ kind: 'pnpm' });
    const unmanaged = (path: string) => {
      const found = installationOf(path, { platform: 'linux', exists: exists([]) });
      return found.kind === 'unmanaged' ? found.instead : found.kind;
    };
    expect(unmanaged(root('/work/app'))).toMatch(/dependency of the project in \/work\/app/);
    expect(unmanaged(root('/work/lib'))).toMatch(/dependency of the project in \/work\/lib/);
    expect(unmanaged(root('/work/app/node_modules/.pnpm/@datarobot+cli@1.0.0'))).toMatch(
      /project in \/work\/app/,
    );
    expect(unmanaged(root('/home/me/.npm/_npx/1234'))).toMatch(/npx/);
    expect(unmanaged('/home/me/src/dr/packages/cli')).toMatch(/source checkout/);
  });

  it('updates with the same package manager, keeping the mirror', () => {
    const npm = upgradeCommand(
      { kind: 'npm', prefix: '/opt/my tools' },
      '2.0.0',
      'https://mirror.example/npm/',
    );
    expect(commandLine(npm)).toBe(
      "npm install --global --prefix '/opt/my tools' @datarobot/cli@2.0.0 --registry https://mirror.example/npm/",
    );
    expect(commandLine(upgradeCommand({ kind: 'pnpm' }, '2.0.0', undefined))).toBe(
      'pnpm add --global @datarobot/cli@2.0.0',
    );
  });
});

describe('version order', () => {
  it('orders releases and pre-releases as semver does', () => {
    expect(compareVersions('1.2.10', '1.2.9')).toBe(1);
    expect(compareVersions('1.0.0', '1.0.0-rc.1')).toBe(1);
    expect(compareVersions('1.0.0-rc.2', '1.0.0-rc.10')).toBe(-1);
    expect(compareVersions('v2.0.0', '2.0.0')).toBe(0);
    expect(compareVersions('garbage', '1.0.0')).toBe(0);
  });
});
