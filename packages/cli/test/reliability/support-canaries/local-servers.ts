// The two local servers the canary test needs besides the fakes in @dr/testkit, each recording
// every request it receives whole:
// - an HTTP proxy (HTTP_PROXY) that tunnels CONNECTs to one named host to the fake DataRobot, so
//   dr can be given a DataRobot URL whose host is a canary word and still reach the fake (the
//   host never has to resolve); a CONNECT to any other host is refused, and recorded;
// - an npm registry answering `GET /<package>/latest` for `dr self update`.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';

export interface RecordedLocalRequest {
  readonly method: string;
  /** The request target as sent (for a CONNECT: `host:port`). */
  readonly target: string;
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

export interface LocalServer {
  readonly url: string;
  readonly requests: readonly RecordedLocalRequest[];
  close(): Promise<void>;
}

export interface TunnellingProxy extends LocalServer {
  /** CONNECTs it refused, because they named another host. */
  readonly refused: readonly RecordedLocalRequest[];
}

/** A proxy that tunnels `CONNECT <host>:<any port>` to 127.0.0.1:`targetPort`, and refuses the rest. */
export async function startTunnellingProxy(host: string, targetPort: number): Promise<TunnellingProxy> {
  const requests: RecordedLocalRequest[] = [];
  const refused: RecordedLocalRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      refused.push(recorded(request, body));
      response.writeHead(405).end();
    });
  });
  server.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
    const entry = recorded(request, Buffer.alloc(0));
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if ((request.url ?? '').split(':')[0] !== host) {
      refused.push(entry);
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    requests.push(entry);
    const upstream = connect(targetPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  const url = await listen(server);
  return {
    url,
    requests,
    refused,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await close(server);
    },
  };
}

export interface FakeRegistry extends LocalServer {
  /** The newest version it names, or null to answer 404 (no such package). */
  latest: string | null;
}

/** An npm registry that knows one version of every package (or none). */
export async function startFakeRegistry(latest: string): Promise<FakeRegistry> {
  const requests: RecordedLocalRequest[] = [];
  const registry = { latest: latest as string | null };
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      requests.push(recorded(request, body));
      const answer =
        registry.latest === null
          ? { status: 404, body: { error: 'Not found' } }
          : { status: 200, body: { name: 'dr', version: registry.latest } };
      response
        .writeHead(answer.status, { 'content-type': 'application/json' })
        .end(JSON.stringify(answer.body));
    });
  });
  const url = await listen(server);
  return Object.assign(registry, {
    url,
    requests,
    close: () => close(server),
  });
}

function recorded(request: IncomingMessage, body: Buffer): RecordedLocalRequest {
  return {
    method: request.method ?? '',
    target: request.url ?? '',
    rawHeaders: [...request.rawHeaders],
    body,
  };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', () => resolve(Buffer.concat(chunks)));
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
