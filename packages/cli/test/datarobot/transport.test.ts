// Proxies from the environment: with undici (the spooler's copy stands in for the dependency
// the CLI will have), requests to DataRobot go through the HTTP proxy the environment names,
// unless NO_PROXY lists the host; without it, the unreachable error says the proxy was not used.
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { type AddressInfo, connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createTestCertificates, type FakeDataRobot, startFakeDataRobot } from '@dr/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataRobotClient } from '../../src/datarobot/client.ts';
import { parseEndpoint } from '../../src/datarobot/endpoint.ts';
import { proxySettings, transportFor, type UndiciModule } from '../../src/datarobot/transport.ts';

const spoolerRequire = createRequire(
  fileURLToPath(new URL('../../../spooler/package.json', import.meta.url)),
);
const loadSpoolerUndici = async () => spoolerRequire('undici') as UndiciModule;

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
  it('reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY in either case, lower case first', () => {
    expect(proxySettings({ HTTPS_PROXY: 'http://a', https_proxy: 'http://b', NO_PROXY: 'x' })).toEqual({
      httpsProxy: 'http://b',
      httpProxy: undefined,
      noProxy: 'x',
    });
  });

  it('tunnels DataRobot requests through the proxy with undici, and not for NO_PROXY hosts', async () => {
    const env = { HTTP_PROXY: proxyUrl() };
    const transport = await transportFor({}, env, loadSpoolerUndici);
    const response = await fetch(`${fake.endpoint}/version/`, {
      headers: { authorization: 'Bearer test-token' },
      ...({ dispatcher: transport.dispatcher } as object),
    });
    expect(response.status).toBe(200);
    expect(tunnels).toEqual([`127.0.0.1:${fake.port}`]);

    const direct = await transportFor({}, { ...env, NO_PROXY: '127.0.0.1' }, loadSpoolerUndici);
    await fetch(`${fake.endpoint}/version/`, { ...({ dispatcher: direct.dispatcher } as object) });
    expect(tunnels).toHaveLength(1);
  });

  it('applies --ca-cert and --skip-certificate-check through undici too', async () => {
    const certs = createTestCertificates();
    const secure = await startFakeDataRobot({ tls: { key: certs.key, cert: certs.cert } });
    try {
      const init = (transport: { dispatcher?: object }) => ({
        headers: { authorization: 'Bearer test-token' },
        ...({ dispatcher: transport.dispatcher } as object),
      });
      const trusted = await transportFor({ caCertFile: certs.caFile }, {}, loadSpoolerUndici);
      expect((await fetch(`${secure.endpoint}/version/`, init(trusted))).status).toBe(200);
      const skipped = await transportFor({ skipCertificateCheck: true }, {}, loadSpoolerUndici);
      expect((await fetch(`${secure.endpoint}/version/`, init(skipped))).status).toBe(200);
      const strict = await transportFor({}, { HTTPS_PROXY: '' }, loadSpoolerUndici);
      expect(strict).toEqual({});
    } finally {
      await secure.close();
      certs.cleanup();
    }
  });

  it('says in the unreachable error that the proxy was not used when undici is missing', async () => {
    const transport = await transportFor({}, { HTTPS_PROXY: proxyUrl() }, async () => undefined);
    expect(transport.note).toContain('HTTPS_PROXY');
    await fake.setFault('refuse');
    const client = await DataRobotClient.create({
      endpoint: parseEndpoint(fake.url)!,
      token: 'test-token',
      env: { HTTPS_PROXY: proxyUrl() },
    });
    await expect(client.version()).rejects.toThrow(
      /Cannot reach DataRobot at .*; the proxy in HTTPS_PROXY\/HTTP_PROXY is not used/,
    );
  });
});
