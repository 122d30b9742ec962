// The one DataRobot client, in process against the fake: the headers of SPEC §4 (with the
// telemetry pair only when given), pagination that never leaves the configured host, and the
// TLS options, also through bin/dr.
import {
  createTestCertificates,
  type FakeDataRobot,
  fakeTemplate,
  startFakeDataRobot,
  type TestCertificates,
} from '@dr/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DataRobotClient } from '../../src/datarobot/client.ts';
import { endpointFromUserInput, parseEndpoint } from '../../src/datarobot/endpoint.ts';
import { DataRobotError } from '../../src/datarobot/errors.ts';
import { dataRobotHeaders } from '../../src/datarobot/request-headers.ts';
import { makeDrHome, runDr } from '../support/run-dr.ts';
import { expectDataRobotHeaders, writeDrConfig } from './fixtures.ts';

let fake: FakeDataRobot | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function client(options: Partial<Parameters<typeof DataRobotClient.create>[0]> = {}) {
  return DataRobotClient.create({
    endpoint: parseEndpoint(fake!.url)!,
    token: 'test-token',
    env: {},
    ...options,
  });
}

describe('headers', () => {
  it('names the CLI, its version and platform, and the telemetry session and device only when given', () => {
    const plain = dataRobotHeaders(undefined, { version: '1.2.3', platform: 'linux', arch: 'x64' });
    expect(plain).toEqual({
      'User-Agent': 'DataRobot CLI version: 1.2.3 (linux/x64)',
      'X-DataRobot-Api-Consumer': 'cli',
      'X-DataRobot-Api-Consumer-Trace': 'datarobot.cli',
      'X-DataRobot-CLI-Version': '1.2.3',
      'X-DataRobot-CLI-Platform': 'linux/x64',
    });
    const withTelemetry = dataRobotHeaders(
      { sessionId: 1718000000000, deviceId: '0b9f3c1e-2d4a-4c5b-8e6f-7a8b9c0d1e2f' },
      { version: '1.2.3', platform: 'darwin', arch: 'arm64' },
    );
    expect(withTelemetry['User-Agent']).toBe(
      'DataRobot CLI version: 1.2.3 (darwin/arm64; session=1718000000000)',
    );
    expect(withTelemetry['X-DataRobot-CLI-Session']).toBe('1718000000000');
    expect(withTelemetry['X-DataRobot-CLI-Device']).toBe('0b9f3c1e-2d4a-4c5b-8e6f-7a8b9c0d1e2f');
  });

  it('sends them on every request', async () => {
    fake = await startFakeDataRobot();
    const api = await client({ telemetry: { sessionId: 42, deviceId: 'device-1' } });
    await api.version();
    expectDataRobotHeaders(fake.requests[0]!);
    expect(fake.requests[0]!.headers['x-datarobot-cli-session']).toBe('42');
    expect(fake.requests[0]!.headers['x-datarobot-cli-device']).toBe('device-1');
  });

  it("name the command in X-DataRobot-Api-Consumer-Trace as the Go dr does, by the Go dr's names", async () => {
    fake = await startFakeDataRobot({
      templates: [fakeTemplate({ url: '/r/1.git', tag: 'v1' }, { id: 't1', name: 'T1' })],
    });
    const home = makeDrHome();
    try {
      writeDrConfig(home, { endpoint: fake.endpoint, token: 'test-token' });
      const traces = async (args: string[]) => {
        const from = fake!.requests.length;
        const result = await runDr(args, { env: home.env });
        expect(result.code, result.stderr).toBe(0);
        return fake!.requests
          .slice(from)
          .map(
            (request) => `${request.path.split('?')[0]} ${request.headers['x-datarobot-api-consumer-trace']}`,
          );
      };
      const listed = ['/api/v2/applicationTemplates/ datarobot.cli.template.list'];
      expect(await traces(['templates', 'list'])).toEqual(listed);
      expect(await traces(['template', 'list'])).toEqual(listed);
      // The token check carries the Go dr's fixed trace, whatever the command.
      const check = await traces(['auth', 'check']);
      expect(check).toContain('/api/v2/version/ datarobot.cli.auth.verify');
      for (const line of check.filter((entry) => !entry.startsWith('/api/v2/version/ ')))
        expect(line).toMatch(/ datarobot\.cli\.auth\.check$/);
    } finally {
      home.cleanup();
    }
  });

  it('leave out the X-DataRobot-Api-Consumer headers when DATAROBOT_API_CONSUMER_TRACKING_ENABLED is false (viper reads a typo as false too)', async () => {
    fake = await startFakeDataRobot();
    const home = makeDrHome();
    try {
      writeDrConfig(home, { endpoint: fake.endpoint, token: 'test-token' });
      for (const [value, tracked] of [
        ['false', false],
        ['0', false],
        ['FALSE', false],
        ['nope', false],
        ['true', true],
        ['', true],
      ] as const) {
        const from = fake.requests.length;
        const env = { ...home.env, DATAROBOT_API_CONSUMER_TRACKING_ENABLED: value };
        const result = await runDr(['auth', 'check'], { env });
        expect(result.code, result.stderr).toBe(0);
        for (const { headers } of fake.requests.slice(from)) {
          expect(headers['x-datarobot-api-consumer'], value).toBe(tracked ? 'cli' : undefined);
          expect(headers['x-datarobot-api-consumer-trace'] !== undefined, value).toBe(tracked);
          expect(headers['x-datarobot-cli-version']).toMatch(/^\d+\.\d+\.\d+/);
          expect(headers.authorization).toBe('Bearer test-token');
        }
      }
    } finally {
      home.cleanup();
    }
  });
});

describe('endpoints', () => {
  it('reads shortcuts and URLs as the Go dr stores them', () => {
    expect(endpointFromUserInput(' 2 ').apiUrl).toBe('https://app.eu.datarobot.com/api/v2');
    expect(parseEndpoint('http://127.0.0.1:8080/api/v2/')).toEqual({
      baseUrl: 'http://127.0.0.1:8080',
      apiUrl: 'http://127.0.0.1:8080/api/v2',
    });
    expect(parseEndpoint('javascript:alert(1)')).toBeUndefined();
  });
});

describe('pagination', () => {
  it('follows next on the configured host only, whatever host the link names', async () => {
    const templates = Array.from({ length: 5 }, (_, index) =>
      fakeTemplate({ url: `/r/${index}.git`, tag: 'v1' }, { id: `t${index}`, name: `T${index}` }),
    );
    fake = await startFakeDataRobot({ templates, maxPageSize: 2 });
    const api = await client();
    const all = await api.getAllPages<{ id: string }>('applicationTemplates/', 'the templates', {
      limit: 100,
    });
    expect(all.map((template) => template.id)).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect(fake.requests.map((request) => request.path)).toEqual([
      '/api/v2/applicationTemplates/?limit=100',
      '/api/v2/applicationTemplates/?limit=100&offset=2',
      '/api/v2/applicationTemplates/?limit=100&offset=4',
    ]);
  });

  it('turns a failed page into a one-line error with its status', async () => {
    fake = await startFakeDataRobot({
      templates: [fakeTemplate({ url: '/r.git', tag: 'v' }, { id: 'a', name: 'A' })],
      maxPageSize: 1,
    });
    fake.enqueueAnswers(502);
    const api = await client();
    const error = await api
      .getAllPages('applicationTemplates/', 'the templates')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DataRobotError);
    expect((error as DataRobotError).code).toBe('DATAROBOT_SERVER_ERROR');
    expect((error as DataRobotError).exitCode).toBe(4);
  });
});

describe('TLS', () => {
  let certs: TestCertificates;
  beforeAll(() => {
    certs = createTestCertificates();
  });
  afterAll(() => certs.cleanup());

  it('refuses an unknown CA, trusts --ca-cert, and skips the check when told', async () => {
    fake = await startFakeDataRobot({ tls: { key: certs.key, cert: certs.cert } });
    const untrusted = await (await client()).version().catch((error: DataRobotError) => error);
    expect(untrusted).toBeInstanceOf(DataRobotError);
    expect((untrusted as DataRobotError).code).toBe('DATAROBOT_TLS_CERTIFICATE');
    expect((untrusted as DataRobotError).message).toContain('--ca-cert');

    await (await client({ tls: { caCertFile: certs.caFile } })).version();
    await (await client({ tls: { skipCertificateCheck: true } })).version();
    expectDataRobotHeaders(fake.requests.at(-1)!);
  });

  it('takes --ca-cert and -k on the command line, and names an unreadable CA file', async () => {
    fake = await startFakeDataRobot({ tls: { key: certs.key, cert: certs.cert } });
    const home = makeDrHome();
    try {
      writeDrConfig(home, { endpoint: fake.endpoint, token: 'test-token' });
      const refused = await runDr(['auth', 'check'], { env: home.env });
      expect(refused.code).toBe(4);
      expect(refused.stderr).toContain('Cannot verify the TLS certificate');
      expect((await runDr(['auth', 'check', '--ca-cert', certs.caFile], { env: home.env })).code).toBe(0);
      expect((await runDr(['auth', 'check', '-k'], { env: home.env })).code).toBe(0);
      // Global options of the Go dr: anywhere on the line, and from its DATAROBOT_CLI_<KEY> variables.
      expect((await runDr(['-k', 'auth', 'check'], { env: home.env })).code).toBe(0);
      expect((await runDr(['--ca-cert', certs.caFile, 'auth', 'check'], { env: home.env })).code).toBe(0);
      const fromEnv = async (variables: NodeJS.ProcessEnv, args = ['auth', 'check']) =>
        (await runDr(args, { env: { ...home.env, ...variables } })).code;
      expect(await fromEnv({ DATAROBOT_CLI_SKIP_CERTIFICATE_CHECK: 'true' })).toBe(0);
      expect(await fromEnv({ DATAROBOT_CLI_CA_CERT: certs.caFile })).toBe(0);
      expect(await fromEnv({ DATAROBOT_CLI_SKIP_CERTIFICATE_CHECK: 'false' })).toBe(4);
      // The line wins over the variable.
      expect(
        await fromEnv({ DATAROBOT_CLI_SKIP_CERTIFICATE_CHECK: 'true' }, [
          'auth',
          'check',
          '--no-skip-certificate-check',
        ]),
      ).toBe(4);
      const missing = await runDr(['auth', 'check', '--ca-cert', `${home.dir}/nope.pem`], { env: home.env });
      expect(missing.code).toBe(5);
      expect(missing.stderr).toContain('Cannot read the CA certificate file');
    } finally {
      home.cleanup();
    }
  });
});
