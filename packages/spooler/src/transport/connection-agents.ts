// The keep-alive agents telemetry requests go through, one per route: plain node:http(s), or HTTP
// CONNECT tunnels through an http:// or https:// proxy (its URL's credentials as Basic
// Proxy-Authorization), TLS inside for an https:// target. Loaded on the first send only.
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';

/** How long a proxy may take to open a tunnel. */
export const TUNNEL_TIMEOUT_MS = 10_000;

/** Node's global agents' settings: idle connections kept 5 s, less if the server's Keep-Alive says so. */
const AGENT_OPTIONS: http.AgentOptions = { keepAlive: true, timeout: 5_000, scheduling: 'lifo' };

/** The callback form of Agent#createConnection: called as (error) or (null, socket). */
type ConnectionCallback = (error: Error | null, socket: Duplex) => void;

export function createAgent(secure: boolean, proxy: URL | undefined): http.Agent {
  if (proxy === undefined) return secure ? new https.Agent(AGENT_OPTIONS) : new http.Agent(AGENT_OPTIONS);
  return secure ? new HttpsTunnelAgent(proxy) : new HttpTunnelAgent(proxy);
}

class HttpTunnelAgent extends http.Agent {
  readonly #proxy: URL;

  constructor(proxy: URL) {
    super(AGENT_OPTIONS);
    this.#proxy = proxy;
  }

  override createConnection(options: http.ClientRequestArgs, callback?: ConnectionCallback): undefined {
    return deliver(openTunnel(this.#proxy, options), callback);
  }
}

class HttpsTunnelAgent extends https.Agent {
  readonly #proxy: URL;

  constructor(proxy: URL) {
    super(AGENT_OPTIONS);
    this.#proxy = proxy;
  }

  override createConnection(options: https.RequestOptions, callback?: ConnectionCallback): undefined {
    // https.Agent's own createConnection: TLS to the target over the tunnel, with its session cache.
    const secured = openTunnel(this.#proxy, options).then(
      (socket) => super.createConnection({ ...options, socket } as https.RequestOptions)!,
    );
    return deliver(secured, callback);
  }
}

function deliver(socket: Promise<Duplex>, callback: ConnectionCallback | undefined): undefined {
  socket.then(
    (connected) => callback?.(null, connected),
    (error: Error) => (callback as ((error: Error) => void) | undefined)?.(error),
  );
  return undefined;
}

/** A socket connected to the target through the proxy, once the proxy has answered CONNECT with 200. */
function openTunnel(proxy: URL, target: http.ClientRequestArgs): Promise<Duplex> {
  const host = target.hostname ?? target.host ?? 'localhost';
  const authority = `${host.includes(':') ? `[${host}]` : host}:${target.port}`;
  const secure = proxy.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const connect = (secure ? https : http).request({
      host: proxy.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: proxy.port === '' ? (secure ? 443 : 80) : Number(proxy.port),
      method: 'CONNECT',
      path: authority,
      headers: { host: authority, ...proxyAuthorization(proxy) },
      agent: false,
    });
    const timer = setTimeout(() => {
      const error = Object.assign(new Error(`The proxy did not open a tunnel to ${authority} in time.`), {
        code: 'ETIMEDOUT',
      });
      connect.destroy(error);
    }, TUNNEL_TIMEOUT_MS);
    connect.once('connect', (response: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      clearTimeout(timer);
      if (response.statusCode !== 200) {
        socket.destroy();
        reject(new Error(`The proxy answered ${response.statusCode} to CONNECT ${authority}.`));
        return;
      }
      if (head.length > 0) socket.unshift(head);
      resolve(socket);
    });
    connect.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    connect.end();
  });
}

function proxyAuthorization(proxy: URL): Record<string, string> {
  if (proxy.username === '' && proxy.password === '') return {};
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(credentials).toString('base64')}` };
}
