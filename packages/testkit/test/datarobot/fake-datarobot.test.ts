// The fake DataRobot API as a client meets it: token checks, pagination through `next`, the
// recorded requests, the faults, HTTPS, and the template repository a clone reads.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTemplateRepository,
  createTestCertificates,
  DEFAULT_FAKE_TOKEN,
  type FakeDataRobot,
  type FakeTemplate,
  fakeTemplate,
  startFakeDataRobot,
} from '../../src/index.ts';

let fake: FakeDataRobot | undefined;
const cleanups: (() => void)[] = [];

afterEach(async () => {
  await fake?.close();
  fake = undefined;
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const auth = (token = DEFAULT_FAKE_TOKEN) => ({ authorization: `Bearer ${token}` });

function templates(count: number): FakeTemplate[] {
  return Array.from({ length: count }, (_, index) =>
    fakeTemplate(
      { url: `/repos/t${index}.git`, tag: 'v1' },
      { id: `id-${index}`, name: `Template ${index}` },
    ),
  );
}

describe('token checks', () => {
  it('answers the version with a Bearer or a Token token, and 401 without a valid one', async () => {
    fake = await startFakeDataRobot();
    const bearer = await fetch(`${fake.endpoint}/version/`, { headers: auth() });
    expect(bearer.status).toBe(200);
    expect(await bearer.json()).toMatchObject({ major: 2, versionString: expect.any(String) });
    const tokenScheme = await fetch(`${fake.endpoint}/version/`, {
      headers: { authorization: `Token ${DEFAULT_FAKE_TOKEN}` },
    });
    expect(tokenScheme.status).toBe(200);
    expect((await fetch(`${fake.endpoint}/version/`)).status).toBe(401);
    expect((await fetch(`${fake.endpoint}/version/`, { headers: auth('wrong') })).status).toBe(401);
    expect(fake.requests.map((request) => request.status)).toEqual([200, 200, 401, 401]);
    expect(fake.requests[2]!.token).toBeUndefined();
    expect(fake.requests[3]!.token).toBe('wrong');
  });

  it('answers the account with the user id, and 404 for unknown routes', async () => {
    fake = await startFakeDataRobot({ tokens: ['abc'], user: { uid: 'user-0001' } });
    const info = await fetch(`${fake.endpoint}/account/info/`, { headers: auth('abc') });
    expect(await info.json()).toMatchObject({ uid: 'user-0001', email: expect.stringContaining('@') });
    expect((await fetch(`${fake.endpoint}/projects/`, { headers: auth('abc') })).status).toBe(404);
  });
});

describe('templates', () => {
  it('pages through every template with next, and records the headers of each request', async () => {
    fake = await startFakeDataRobot({ templates: templates(5), maxPageSize: 2 });
    const seen: string[] = [];
    let next: string | null = `${fake.endpoint}/applicationTemplates/?limit=100`;
    while (next !== null) {
      const page = (await (
        await fetch(next, { headers: { ...auth(), 'user-agent': 'probe/1' } })
      ).json()) as { data: FakeTemplate[]; next: string | null; totalCount: number };
      expect(page.totalCount).toBe(5);
      seen.push(...page.data.map((template) => template.id));
      next = page.next;
    }
    expect(seen).toEqual(['id-0', 'id-1', 'id-2', 'id-3', 'id-4']);
    expect(fake.requests).toHaveLength(3);
    expect(fake.requests.every((request) => request.headers['user-agent'] === 'probe/1')).toBe(true);
    expect(fake.requests[1]!.path).toBe('/api/v2/applicationTemplates/?limit=100&offset=2');
  });
});

describe('recorded requests', () => {
  it('keeps the headers as sent and the body bytes of each request', async () => {
    fake = await startFakeDataRobot();
    await fetch(`${fake.endpoint}/version/?x=1`, {
      method: 'POST',
      headers: { ...auth(), 'X-Mixed-Case': 'one' },
      body: 'plumwordbody',
    });
    await fetch(`${fake.endpoint}/version/`, { headers: auth() });
    const [post, get] = fake.requests;
    expect(post).toMatchObject({ method: 'POST', path: '/api/v2/version/?x=1', status: 405 });
    expect(post!.body.toString('utf8')).toBe('plumwordbody');
    expect(post!.rawHeaders).toEqual(expect.arrayContaining(['X-Mixed-Case', 'one']));
    expect(post!.rawHeaders.length % 2).toBe(0);
    expect(get!.body).toHaveLength(0);
  });
});

describe('faults', () => {
  it('answers scripted statuses once each, then normally', async () => {
    fake = await startFakeDataRobot();
    fake.enqueueAnswers(503, null, 403);
    const statuses: number[] = [];
    for (let index = 0; index < 4; index++)
      statuses.push((await fetch(`${fake.endpoint}/version/`, { headers: auth() })).status);
    expect(statuses).toEqual([503, 200, 403, 200]);
  });

  it('resets, holds and refuses', async () => {
    fake = await startFakeDataRobot({ fault: 'reset' });
    await expect(fetch(`${fake.endpoint}/version/`, { headers: auth() })).rejects.toThrow();
    await fake.setFault('hang');
    const held = await fetch(`${fake.endpoint}/version/`, {
      headers: auth(),
      signal: AbortSignal.timeout(200),
    }).catch((error: Error) => error.name);
    expect(held).toBe('TimeoutError');
    await fake.waitFor(() => fake!.requests.some((request) => request.outcome === 'held'));
    await fake.setFault('refuse');
    await expect(fetch(`${fake.endpoint}/version/`, { headers: auth() })).rejects.toThrow();
    await fake.setFault(null);
    expect((await fetch(`${fake.endpoint}/version/`, { headers: auth() })).status).toBe(200);
  });

  it('puts the message it is given in every error body, scripted or routed, until told to stop', async () => {
    fake = await startFakeDataRobot({ errorMessage: 'from the options' });
    const message = async (init: RequestInit = { headers: auth() }, path = '/version/') =>
      ((await (await fetch(`${fake!.endpoint}${path}`, init)).json()) as { message?: string }).message;
    expect(await message({})).toBe('from the options');
    fake.setErrorMessage('quincewordxyz');
    fake.enqueueAnswers(503);
    expect(await message()).toBe('quincewordxyz');
    expect(await message(undefined, '/nowhere/')).toBe('quincewordxyz');
    expect(await message()).toBeUndefined();
    fake.setErrorMessage(null);
    expect(await message({})).toBe('Invalid credentials');
    fake.enqueueAnswers(500);
    expect(await message()).toBe('Internal Server Error');
  });

  it('delays answers by the latency and names what it saw when a wait times out', async () => {
    fake = await startFakeDataRobot({ latencyMs: 150 });
    const started = Date.now();
    await fetch(`${fake.endpoint}/version/`, { headers: auth() });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await expect(fake.waitFor(() => false, { timeoutMs: 50, description: 'nothing' })).rejects.toThrow(
      /nothing did not hold within 50 ms \(seen 1 requests: GET \/api\/v2\/version\/ → 200\)/,
    );
  });
});

describe('HTTPS', () => {
  it('serves HTTPS with a certificate that the test CA signs', async () => {
    const certs = createTestCertificates();
    cleanups.push(certs.cleanup);
    fake = await startFakeDataRobot({ tls: { key: certs.key, cert: certs.cert } });
    expect(fake.url.startsWith('https://127.0.0.1:')).toBe(true);
    const status = await new Promise<number>((resolve, reject) => {
      httpsRequest(`${fake!.endpoint}/version/`, { ca: certs.ca, headers: auth() }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(200);
    await expect(fetch(`${fake.endpoint}/version/`, { headers: auth() })).rejects.toThrow();
  });
});

describe('template repository', () => {
  it('clones offline at its tag, without the commits after it', () => {
    const repository = createTemplateRepository({ name: 'my-app' });
    cleanups.push(repository.cleanup);
    const target = mkdtempSync(join(tmpdir(), 'dr-clone-'));
    cleanups.push(() => rmSync(target, { recursive: true, force: true }));
    execFileSync(
      'git',
      ['clone', '--quiet', '--branch', repository.tag, repository.url, join(target, 'app')],
      {
        stdio: 'pipe',
      },
    );
    expect(readFileSync(join(target, 'app/.env.template'), 'utf8')).toContain('DATAROBOT_API_TOKEN=');
    expect(existsSync(join(target, 'app', repository.untaggedFile))).toBe(false);
    expect(repository.url.endsWith('my-app.git')).toBe(true);
  });
});
