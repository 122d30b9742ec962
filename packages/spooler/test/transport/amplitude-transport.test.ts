// The transport against a real local HTTP server that answers each request from a script:
// every kind of SendResult, the request it sends, connection reuse, and the proxy route.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sendEvents } from '../../src/transport/amplitude-transport.ts';
import { closeProxyDispatchers } from '../../src/transport/proxy-dispatcher.ts';
import { type ConnectProxy, startConnectProxy } from './fixtures/connect-proxy.ts';

interface Scripted {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** 'hang': never answer; 'stall-body': send headers, never finish the body. */
  behaviour?: 'hang' | 'stall-body';
}

interface Received {
  /** The client's port: the same for requests that share a connection. */
  remotePort: number | undefined;
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** A node:http server that answers request n with script[n] (the last entry repeats). */
async function startScriptedServer() {
  const received: Received[] = [];
  let script: Scripted[] = [{ status: 200, body: { code: 200, events_ingested: 1 } }];
  const open = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = script[Math.min(received.length, script.length - 1)]!;
      received.push({
        remotePort: req.socket.remotePort,
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      if (answer.behaviour === 'hang') return;
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
      if (answer.behaviour === 'stall-body') {
        res.writeHead(answer.status ?? 200, { 'content-length': String(text.length + 100) });
        res.write(text);
        return;
      }
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
      res.end(text);
    });
  });
  server.on('connection', (socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    received,
    answer(...next: Scripted[]) {
      script = next;
      received.length = 0;
    },
    async close() {
      for (const socket of open) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

const events = [0, 1, 2, 3].map((i) => ({
  event_type: 'command_completed',
  device_id: `device-${i % 2}-abcdef`,
  insert_id: `insert-${i}`,
  time: 1_700_000_000_000 + i,
}));

let server: Awaited<ReturnType<typeof startScriptedServer>>;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(async () => {
  await server.close();
  await closeProxyDispatchers();
});

const send = (overrides: Partial<Parameters<typeof sendEvents>[0]> = {}) =>
  sendEvents({ endpoint: server.base, apiKey: 'key-123', api: 'httpapi', events, env: {}, ...overrides });

describe('sendEvents: the request', () => {
  it('posts the events as given to /2/httpapi with the key and options', async () => {
    server.answer({ status: 200, body: { code: 200, events_ingested: 4 } });
    await send();
    expect(server.received).toHaveLength(1);
    const [request] = server.received;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/2/httpapi');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body.api_key).toBe('key-123');
    expect(request?.body.events).toEqual(events);
    expect(request?.body.options).toEqual({ min_id_length: 5 });
    expect(typeof request?.body.client_upload_time).toBe('string');
  });

  it('sends consecutive requests over one kept-alive connection', async () => {
    server.answer({ status: 200, body: { code: 200 } });
    await send();
    await send();
    expect(new Set(server.received.map((request) => request.remotePort)).size).toBe(1);
  });

  it('posts to /batch for the Batch API, under a base with a path', async () => {
    server.answer({ status: 200, body: { code: 200 } });
    await send({ api: 'batch', endpoint: `${server.base}/collector` });
    expect(server.received[0]?.url).toBe('/collector/batch');
  });
});

describe('sendEvents: every answer', () => {
  it('200 is accepted', async () => {
    server.answer({
      status: 200,
      body: { code: 200, events_ingested: 4, payload_size_bytes: 10, server_upload_time: 1 },
    });
    expect(await send()).toEqual({ kind: 'accepted', status: 200, eventsIngested: 4 });
  });

  it('400 with event indexes is partially-invalid, every map read, foreign indexes ignored', async () => {
    server.answer({
      status: 400,
      body: {
        code: 400,
        error: 'Invalid field values on some events',
        events_with_invalid_fields: { time: [3, 99] },
        events_with_missing_fields: { event_type: [1] },
        events_with_invalid_id_lengths: { device_id: [1, 2] },
      },
    });
    const result = await send();
    expect(result).toMatchObject({
      kind: 'partially-invalid',
      throttle: null,
      invalid: [
        { index: 1, reason: 'missing_field', field: 'event_type' },
        { index: 2, reason: 'invalid_id_length', field: 'device_id' },
        { index: 3, reason: 'invalid_field', field: 'time' },
      ],
    });
  });

  it('400 "Events silenced" lists the silenced events and the throttled ones', async () => {
    server.answer({
      status: 400,
      body: {
        code: 400,
        error: 'Events silenced for device_id',
        silenced_devices: ['device-0-abcdef'],
        silenced_events: [0, 2],
        throttled_devices: { 'device-1-abcdef': 31 },
        throttled_events: [1],
        exceeded_daily_quota_devices: {},
      },
    });
    const result = await send();
    expect(result.kind).toBe('partially-invalid');
    if (result.kind !== 'partially-invalid') return;
    expect(result.invalid.map((e) => [e.index, e.reason])).toEqual([
      [0, 'silenced'],
      [2, 'silenced'],
    ]);
    expect(result.throttle).toMatchObject({
      throttledDevices: ['device-1-abcdef'],
      throttledEventIndexes: [1],
    });
  });

  it.each([
    [{ code: 400, error: 'Invalid API key: key-123' }, 400, 'invalid_api_key'],
    [{ code: 400, error: 'Request missing required field', missing_field: 'api_key' }, 400, 'missing_field'],
    [{ code: 400, error: 'Invalid request path' }, 400, 'invalid_path'],
    [{ code: 400, error: 'Invalid JSON request body' }, 400, 'bad_request'],
    [{ code: 403, error: 'Forbidden' }, 403, 'forbidden'],
    ['<html>not found</html>', 404, 'invalid_path'],
    ['', 418, 'unexpected_status'],
  ])('%j (HTTP %i) is rejected: %s', async (body, status, reason) => {
    server.answer({ status, body });
    expect(await send()).toMatchObject({ kind: 'rejected', status, reason });
  });

  it('413 is too-large', async () => {
    server.answer({ status: 413, body: { code: 413, error: 'Payload too large' } });
    expect(await send()).toEqual({ kind: 'too-large', status: 413 });
  });

  it('429 is throttled, with devices, indexes, quotas and a 30 s pause on HTTP V2', async () => {
    server.answer({
      status: 429,
      body: {
        code: 429,
        error: 'Too many requests for some devices and users',
        eps_threshold: 30,
        throttled_devices: { 'device-0-abcdef': 31 },
        throttled_users: {},
        throttled_events: [0, 2],
        exceeded_daily_quota_devices: { 'device-1-abcdef': 500_001 },
      },
    });
    expect(await send()).toEqual({
      kind: 'throttled',
      status: 429,
      throttledDevices: ['device-0-abcdef'],
      throttledUsers: [],
      throttledEventIndexes: [0, 2],
      dailyQuotaDevices: ['device-1-abcdef'],
      dailyQuotaUsers: [],
      retryAfterMs: 30_000,
    });
  });

  it('429 on the Batch API pauses at least 15 s, longer if Retry-After says so', async () => {
    server.answer({ status: 429, body: { code: 429, throttled_events: [1] } });
    expect(await send({ api: 'batch' })).toMatchObject({ kind: 'throttled', retryAfterMs: 15_000 });
    server.answer({ status: 429, body: { code: 429 }, headers: { 'retry-after': '45' } });
    expect(await send({ api: 'batch' })).toMatchObject({ kind: 'throttled', retryAfterMs: 45_000 });
  });

  it.each([
    [500, false],
    [502, false],
    [504, false],
    [503, true],
  ])('%i is a server-error (nothing taken: %s)', async (status, nothingTaken) => {
    server.answer({ status, body: { code: status, error: 'boom' } });
    expect(await send()).toEqual({ kind: 'server-error', status, nothingTaken });
  });

  it('a 5xx from a proxy with an HTML body is a server-error', async () => {
    server.answer({ status: 502, body: '<html>Bad gateway</html>' });
    expect(await send()).toEqual({ kind: 'server-error', status: 502, nothingTaken: false });
  });

  it('trusts the JSON code over the HTTP status', async () => {
    server.answer({ status: 200, body: { code: 429, throttled_events: [0] } });
    expect((await send()).kind).toBe('throttled');
    server.answer({ status: 500, body: { code: 200, events_ingested: 4 } });
    expect((await send()).kind).toBe('accepted');
  });

  it('a redirect is not followed and is rejected', async () => {
    server.answer({ status: 307, body: '', headers: { location: 'http://127.0.0.1:1/elsewhere' } });
    expect(await send()).toMatchObject({ kind: 'rejected', status: 307, reason: 'unexpected_status' });
    expect(server.received).toHaveLength(1);
  });

  it('a refused connection is a network-error', async () => {
    const closed = net.createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    closed.close();
    await once(closed, 'close');
    expect(await send({ endpoint: `http://127.0.0.1:${port}` })).toMatchObject({
      kind: 'network-error',
      code: 'ECONNREFUSED',
    });
  });

  it('no answer within the timeout is a timeout', async () => {
    server.answer({ behaviour: 'hang' });
    const started = performance.now();
    expect(await send({ timeoutMs: 300 })).toEqual({ kind: 'timeout', timeoutMs: 300 });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('a body that never finishes is a timeout too', async () => {
    server.answer({ status: 200, body: { code: 200 }, behaviour: 'stall-body' });
    expect(await send({ timeoutMs: 300 })).toEqual({ kind: 'timeout', timeoutMs: 300 });
  });

  it("the caller's signal aborts the request", async () => {
    server.answer({ behaviour: 'hang' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    expect(await send({ signal: controller.signal })).toEqual({ kind: 'aborted' });
    expect(await send({ signal: AbortSignal.abort() })).toEqual({ kind: 'aborted' });
  });
});

describe('sendEvents: proxies', () => {
  let proxy: ConnectProxy;
  beforeAll(async () => {
    proxy = await startConnectProxy();
  });
  afterEach(async () => {
    proxy.refuseWith(null);
    await closeProxyDispatchers();
  });
  afterAll(() => proxy.close());

  it('goes through HTTP_PROXY, tunnelling with CONNECT (as the DataRobot client does)', async () => {
    server.answer({ status: 200, body: { code: 200 } });
    const before = proxy.connects.length;
    expect((await send({ env: { HTTP_PROXY: proxy.url } })).kind).toBe('accepted');
    expect(proxy.connects.slice(before).map((connect) => connect.authority)).toEqual([
      new URL(server.base).host,
    ]);
    expect(server.received).toHaveLength(1);
  });

  it('keeps the tunnel open for the next request', async () => {
    server.answer({ status: 200, body: { code: 200 } });
    const before = proxy.connects.length;
    expect((await send({ env: { HTTP_PROXY: proxy.url } })).kind).toBe('accepted');
    expect((await send({ env: { HTTP_PROXY: proxy.url } })).kind).toBe('accepted');
    expect(proxy.connects.length).toBe(before + 1);
    expect(server.received).toHaveLength(2);
  });

  it('sends the credentials in the proxy URL as Basic Proxy-Authorization', async () => {
    server.answer({ status: 200, body: { code: 200 } });
    const withCredentials = proxy.url.replace('http://', 'http://me%40corp:p%3Ass@');
    expect((await send({ env: { HTTP_PROXY: withCredentials } })).kind).toBe('accepted');
    expect(proxy.connects.at(-1)?.headers['proxy-authorization']).toBe(
      `Basic ${Buffer.from('me@corp:p:ss').toString('base64')}`,
    );
  });

  it('honours NO_PROXY', async () => {
    server.answer({ status: 200, body: { code: 200 } });
    const before = proxy.connects.length;
    expect((await send({ env: { http_proxy: proxy.url, NO_PROXY: 'localhost,127.0.0.1' } })).kind).toBe(
      'accepted',
    );
    expect(proxy.connects.length).toBe(before);
  });

  it('a proxy that refuses the tunnel is a network-error that names its answer', async () => {
    server.answer({ status: 200, body: { code: 200 } });
    proxy.refuseWith(407);
    const result = await send({ env: { HTTP_PROXY: proxy.url } });
    expect(result).toMatchObject({ kind: 'network-error', message: expect.stringContaining('407') });
    expect(server.received).toHaveLength(0);
  });

  it('a proxy that is down is a network-error', async () => {
    expect(await send({ env: { HTTP_PROXY: 'http://127.0.0.1:1' } })).toMatchObject({
      kind: 'network-error',
      code: 'ECONNREFUSED',
    });
  });

  it('a proxy setting that is not an http(s) URL is a network-error', async () => {
    expect((await send({ env: { HTTP_PROXY: 'socks5://127.0.0.1:1080' } })).kind).toBe('network-error');
  });
});
