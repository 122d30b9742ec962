// dr self update against a local fake of the npm registry's `GET /<package>/latest`, pointed
// at by DR_UPDATE_REGISTRY_URL: what it tells, and its failures.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareVersions, NPM_PACKAGE } from '../../src/self/update.ts';
import { type DrHome, makeDrHome, runDr } from '../support/run-dr.ts';

let home: DrHome;
let registry: Server;
let answer: { status: number; body: unknown };
let paths: string[];

beforeEach(async () => {
  home = makeDrHome();
  paths = [];
  answer = { status: 200, body: { name: NPM_PACKAGE, version: '99.0.0' } };
  registry = createServer((request, response) => {
    paths.push(request.url ?? '');
    response
      .writeHead(answer.status, { 'content-type': 'application/json' })
      .end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
});
afterEach(async () => {
  registry.closeAllConnections();
  await new Promise((resolve) => registry.close(resolve));
  home.cleanup();
});

const env = () => ({
  ...home.env,
  DR_UPDATE_REGISTRY_URL: `http://127.0.0.1:${(registry.address() as AddressInfo).port}/`,
});

describe('dr self update', () => {
  it('tells the newer version and the npm command, and never installs anything', async () => {
    const result = await runDr(['self', 'update'], { env: env() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^dr \d+\.\d+\.\d+\S* is installed; 99\.0\.0 is available\.\n/);
    expect(result.stdout).toContain(`Upgrade with: npm install --global ${NPM_PACKAGE}@latest`);
    expect(paths).toEqual([`/${NPM_PACKAGE.replace('/', '%2F')}/latest`]);
  });

  it('says when dr is the newest version, also as JSON', async () => {
    answer = { status: 200, body: { version: '0.0.1' } };
    const text = await runDr(['self', 'update'], { env: env() });
    expect(text.stdout).toMatch(/is newer than the latest published version \(0\.0\.1\)/);
    const json = await runDr(['self', 'update', '--output-format', 'json'], { env: env() });
    expect(JSON.parse(json.stdout)).toMatchObject({ latest: '0.0.1', update_available: false });
  });

  it('exits 4 with one line when the registry fails, has no such package, or cannot be reached', async () => {
    answer = { status: 404, body: { error: 'Not found' } };
    const missing = await runDr(['self', 'update'], { env: env() });
    expect(missing.code).toBe(4);
    expect(missing.stderr.trim()).toBe(
      `Error: ${NPM_PACKAGE} is not published on ${env().DR_UPDATE_REGISTRY_URL.replace(/\/$/, '')}.`,
    );
    answer = { status: 503, body: {} };
    expect((await runDr(['self', 'update'], { env: env() })).code).toBe(4);
    const unreachable = await runDr(['self', 'update'], {
      env: { ...home.env, DR_UPDATE_REGISTRY_URL: 'http://127.0.0.1:9' },
    });
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr).toContain('Cannot reach the npm registry');
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
