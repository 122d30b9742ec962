// How requests to DataRobot leave the machine: directly with fetch, through the proxy the
// environment names (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, either case), and with the TLS options
// --ca-cert (trust this CA too) and --skip-certificate-check. Proxies go through undici's
// EnvHttpProxyAgent, loaded only when a proxy or a TLS option is set. Where undici cannot be
// loaded (it is not a dependency of this package yet), the TLS options still work through a
// small fetch on node:https, and a proxy is reported in the unreachable error instead.
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { DrError, ExitCode } from '@dr/shared';

export interface TlsOptions {
  /** --skip-certificate-check: accept any certificate (insecure; for test installations). */
  readonly skipCertificateCheck?: boolean;
  /** --ca-cert: a PEM file of CA certificates to trust besides the system ones. */
  readonly caCertFile?: string | undefined;
}

export type FetchFunction = (input: Request | URL | string, init?: RequestInit) => Promise<Response>;

export interface Transport {
  /** A fetch to use instead of the global one. */
  readonly fetch?: FetchFunction;
  /** An undici dispatcher to hand to fetch. */
  readonly dispatcher?: object;
  /** Said in the unreachable error: what this transport could not do. */
  readonly note?: string;
}

const PROXY_NAMES = ['HTTPS_PROXY', 'HTTP_PROXY'] as const;

/** The proxy settings of `env`; curl's rule: the lower-case spelling wins when both are set. */
export function proxySettings(env: NodeJS.ProcessEnv) {
  const pick = (name: string) => nonEmpty(env[name.toLowerCase()]) ?? nonEmpty(env[name]);
  const [httpsProxy, httpProxy] = PROXY_NAMES.map(pick);
  return { httpsProxy, httpProxy, noProxy: pick('NO_PROXY') };
}

export async function transportFor(
  tls: TlsOptions,
  env: NodeJS.ProcessEnv,
  loadProxyLibrary: () => Promise<UndiciModule | undefined> = loadUndici,
): Promise<Transport> {
  const ca = tls.caCertFile === undefined ? undefined : readCaFile(tls.caCertFile);
  const skip = tls.skipCertificateCheck === true;
  const proxy = proxySettings(env);
  const proxied = proxy.httpsProxy !== undefined || proxy.httpProxy !== undefined;
  if (!proxied && ca === undefined && !skip) return {};

  const connect = { ...(ca === undefined ? {} : { ca }), ...(skip ? { rejectUnauthorized: false } : {}) };
  const undici = await loadProxyLibrary();
  if (undici !== undefined) {
    const dispatcher = proxied
      ? new undici.EnvHttpProxyAgent({
          httpProxy: proxy.httpProxy ?? '',
          httpsProxy: proxy.httpsProxy ?? '',
          noProxy: proxy.noProxy ?? '',
          connect,
          requestTls: connect,
        })
      : new undici.Agent({ connect });
    return { dispatcher };
  }
  const note = proxied ? 'the proxy in HTTPS_PROXY/HTTP_PROXY is not used by this build of dr' : undefined;
  if (ca === undefined && !skip) return { note };
  return { fetch: nodeHttpsFetch({ ca, rejectUnauthorized: !skip }), ...(note ? { note } : {}) };
}

/** The part of undici used here. */
export interface UndiciModule {
  Agent: new (options: object) => object;
  EnvHttpProxyAgent: new (options: object) => object;
}

/**
 * undici when it can be resolved from this package. The name is computed so the bundler leaves
 * the import to run time (it is optional, and large).
 */
async function loadUndici(): Promise<UndiciModule | undefined> {
  const name = ['und', 'ici'].join('');
  try {
    return (await import(name)) as UndiciModule;
  } catch {
    return undefined;
  }
}

function readCaFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new DrError(
      'CA_CERT_UNREADABLE',
      `Cannot read the CA certificate file ${file} (${code}): check --ca-cert.`,
      {
        exitCode: ExitCode.config,
        cause: error,
      },
    );
  }
}

/**
 * A fetch over node:https with our own TLS options: enough for dr's JSON requests (no redirects
 * followed, the body buffered). Network failures reject like fetch: a TypeError whose `cause`
 * is the system error.
 */
export function nodeHttpsFetch(tls: { ca?: string | undefined; rejectUnauthorized: boolean }): FetchFunction {
  const agent = new HttpsAgent({
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    rejectUnauthorized: tls.rejectUnauthorized,
  });
  return async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer());
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Response>((resolve, reject) => {
      const outgoing = send(
        url,
        {
          method: request.method,
          headers: Object.fromEntries(request.headers),
          ...(url.protocol === 'https:' ? { agent } : {}),
          signal: request.signal,
        },
        (incoming) => resolve(toResponse(incoming, request.method)),
      );
      outgoing.on('error', (error) => {
        reject(
          request.signal.aborted ? request.signal.reason : new TypeError('fetch failed', { cause: error }),
        );
      });
      outgoing.end(body);
    });
  };
}

function toResponse(incoming: IncomingMessage, method: string): Response {
  const headers = new Headers();
  for (let index = 0; index < incoming.rawHeaders.length; index += 2)
    headers.append(incoming.rawHeaders[index]!, incoming.rawHeaders[index + 1]!);
  const status = incoming.statusCode ?? 502;
  const empty = method === 'HEAD' || [101, 204, 205, 304].includes(status);
  if (empty) incoming.resume();
  const body = empty ? null : (Readable.toWeb(incoming) as ReadableStream<Uint8Array>);
  return new Response(body, { status, statusText: incoming.statusMessage ?? '', headers });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
