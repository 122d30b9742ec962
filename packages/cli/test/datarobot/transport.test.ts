// Proxies and TLS options through undici: requests to DataRobot go through the HTTP proxy the
// environment names, unless NO_PROXY lists the host (the rule is tested in @dr/shared), and
// --ca-cert/--skip-certificate-check reach the TLS connection.
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { createTestCertificates, type FakeDataRobot, startFakeDataRobot } from '@dr/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { transportFor } from '../../src/datarobot/transport.ts';

let fake: FakeDataRobot;
let proxy: Server;
let tunnels: string[];

beforeEach(async () => {
  fake = await startFakeDataRobot();
  tunnels = [];
  proxy = createServer((_, response) => response.writeHead(405).end());
  proxy.on('connect', (request, socket, head) => {
    tunnels.push(request.url ?? '');
    const [host, port] = (request.url ?? '').split(':');
    const upstream = connect(Number(port), host!, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
});
afterEach(async () => {
  proxy.closeAllConnections();
  await new Promise((resolve) => proxy.close(resolve));
  await fake.close();
});

const proxyUrl = () => `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

describe('proxies', () => {
  it('tunnels DataRobot requests through the proxy with undici, and not for NO_PROXY hosts', async () => {
    const env = { HTTP_PROXY: proxyUrl() };
    const transport = await transportFor({}, env);
    const response = await fetch(`${fake.endpoint}/version/`, {
      headers: { authorization: 'Bearer test-token' },
      ...({ dispatcher: transport.dispatcher } as object),
    });
    expect(response.status).toBe(200);
    expect(tunnels).toEqual([`127.0.0.1:${fake.port}`]);

    const direct = await transportFor({}, { ...env, NO_PROXY: '127.0.0.1' });
    await fetch(`${fake.endpoint}/version/`, { ...({ dispatcher: direct.dispatcher } as object) });
    expect(tunnels).toHaveLength(1);
  });

  it("routes by @dr/shared's proxy rule: a proxy without a scheme, a `*` among NO_PROXY's entries", async () => {
    const bare = await transportFor({}, { HTTP_PROXY: proxyUrl().replace('http://', '') });
    await fetch(`${fake.endpoint}/version/`, { ...({ dispatcher: bare.dispatcher } as object) });
    expect(tunnels).toEqual([`127.0.0.1:${fake.port}`]);

    const star = await transportFor({}, { HTTP_PROXY: proxyUrl(), NO_PROXY: 'other.example,*' });
    await fetch(`${fake.endpoint}/version/`, { ...({ dispatcher: star.dispatcher } as object) });
    expect(tunnels).toHaveLength(1);
  });

  it('refuses a proxy setting that is not a URL with a one-line error', async () => {
    await expect(transportFor({}, { HTTPS_PROXY: 'http://[bad' })).rejects.toMatchObject({
      code: 'PROXY_INVALID',
      message: 'HTTPS_PROXY is not a URL: set it to http://host:port or unset it.',
    });
  });

  it('applies --ca-cert and --skip-certificate-check through undici too', async () => {
    const certs = createTestCertificates();
    const secure = await startFakeDataRobot({ tls: { key: certs.key, cert: certs.cert } });
    try {
      const init = (transport: { dispatcher?: object }) => ({
        headers: { authorization: 'Bearer test-token' },
        ...({ dispatcher: transport.dispatcher } as object),
      });
      const trusted = await transportFor({ caCertFile: certs.caFile }, {});
      expect((await fetch(`${secure.endpoint}/version/`, init(trusted))).status).toBe(200);
      const skipped = await transportFor({ skipCertificateCheck: true }, {});
      expect((await fetch(`${secure.endpoint}/version/`, init(skipped))).status).toBe(200);
      const strict = await transportFor({}, { HTTPS_PROXY: '' });
      expect(strict).toEqual({});
    } finally {
      await secure.close();
      certs.cleanup();
    }
  });
});
