// A local stand-in for the DataRobot API routes dr calls (version, account info, paged templates),
// over HTTP or HTTPS on a loopback port: every route checks the token (401 otherwise), every
// request is recorded whole, and it fails when told as a real installation or its network fails.

import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** A template as `GET /api/v2/applicationTemplates/` lists it (the fields dr reads, and a few more). */
export interface FakeTemplate {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly repository: { readonly url: string; readonly tag: string; readonly isPublic: boolean };
  readonly tags?: readonly string[];
  readonly isGlobal?: boolean;
  readonly isPremium?: boolean;
  readonly readme?: string;
  readonly mediaUrl?: string | null;
}

/** The user `GET /api/v2/account/info/` answers with. `uid` is what telemetry may send as user_id. */
export interface FakeUser {
  readonly uid: string;
  readonly username: string;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly orgId: string;
}

/**
 * How a request can go wrong: an HTTP status with a DataRobot-style error body, 'reset' (the
 * connection is destroyed), 'hang' (the request is never answered) or, as a standing fault only,
 * 'refuse' (the port stops listening).
 */
export type FakeDataRobotAnswer = 401 | 403 | 404 | 429 | 500 | 502 | 503 | 504 | 'reset' | 'hang';
export type FakeDataRobotFault = FakeDataRobotAnswer | 'refuse';

export interface FakeDataRobotOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Tokens the fake accepts. Default: ['test-token']. */
  readonly tokens?: readonly string[];
  readonly user?: Partial<FakeUser>;
  readonly templates?: readonly FakeTemplate[];
  /** The most templates one page holds, whatever `limit` asks for (to exercise `next`). Default 100. */
  readonly maxPageSize?: number;
  /** Delay before every answer, in milliseconds. */
  readonly latencyMs?: number;
  /** A standing fault from the start. */
  readonly fault?: FakeDataRobotFault;
  /** Serve HTTPS with this PEM key pair instead of HTTP. */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** The `message` of every error answer instead of the reason phrase (see `setErrorMessage`). */
  readonly errorMessage?: string;
}

export interface RecordedDataRobotRequest {
  readonly method: string;
  /** The request target as sent, query string included. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The headers exactly as sent: names in their case, in order, repeats kept (name, value, …). */
  readonly rawHeaders: readonly string[];
  /** The request body as received (empty for a GET without one). */
  readonly body: Buffer;
  /** The token the request carried, if any (as sent, without the scheme word). */
  readonly token: string | undefined;
  /** The status answered; undefined for 'reset' and 'hang'. */
  readonly status: number | undefined;
  readonly outcome: 'answered' | 'reset' | 'held';
  readonly receivedAt: number;
}

export interface DataRobotWaitOptions {
  /** Default 5000. */
  readonly timeoutMs?: number;
  /** Default 10. */
  readonly intervalMs?: number;
  readonly description?: string;
}

export interface FakeDataRobot {
  /** The installation's base URL, e.g. `http://127.0.0.1:43121` (what `dr auth set-url` takes). */
  readonly url: string;
  /** `${url}/api/v2`, the endpoint as drconfig.yaml and DATAROBOT_ENDPOINT hold it. */
  readonly endpoint: string;
  readonly port: number;
  readonly requests: readonly RecordedDataRobotRequest[];
  readonly user: FakeUser;
  readonly templates: readonly FakeTemplate[];
  /** Sets the standing fault (null: none). 'refuse' resolves once the port is closed. */
  setFault(fault: FakeDataRobotFault | null): Promise<void>;
  setLatency(latencyMs: number): void;
  /** Answers for the next requests, one each, in order; `null` answers normally. */
  enqueueAnswers(...answers: (FakeDataRobotAnswer | null)[]): void;
  setTemplates(templates: readonly FakeTemplate[]): void;
  /**
   * The `message` of every error body from now on (401, 403, 404, 405, 422, 5xx, scripted or
   * standing); null goes back to the reason phrase. For tests that look for where a server's
   * message ends up.
   */
  setErrorMessage(message: string | null): void;
  /** Polls `condition` until it holds; rejects after the timeout with what the fake has seen. */
  waitFor(condition: () => boolean, options?: DataRobotWaitOptions): Promise<void>;
  /** Forgets requests and scripted answers; keeps the fault, latency and templates. */
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_FAKE_TOKEN = 'test-token';

const DEFAULT_USER: FakeUser = {
  uid: '5f3c0ffee0000000000000a1',
  username: 'ada@example.com',
  email: 'ada@example.com',
  firstName: 'Ada',
  lastName: 'Lovelace',
  orgId: '5f3c0ffee0000000000000b2',
};

/** The version the fake reports, shaped as DataRobot's `GET /api/v2/version/`. */
export const FAKE_DATAROBOT_VERSION = {
  major: 2,
  minor: 38,
  versionString: '2.38.0',
  releasedVersion: '11.1.0',
} as const;

const REASONS: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export async function startFakeDataRobot(options: FakeDataRobotOptions = {}): Promise<FakeDataRobot> {
  const fake = new FakeDataRobotServer(options);
  await fake.listen(options.port ?? 0);
  if (options.fault !== undefined) await fake.setFault(options.fault);
  return fake;
}

class FakeDataRobotServer implements FakeDataRobot {
  private readonly server: Server;
  private readonly scheme: 'http' | 'https';
  private readonly tokens: ReadonlySet<string>;
  private readonly maxPageSize: number;
  private readonly held = new Set<ServerResponse>();
  private readonly timers = new Set<NodeJS.Timeout>();
  readonly user: FakeUser;
  private currentTemplates: readonly FakeTemplate[];
  private boundPort = 0;
  private closed = false;
  private fault: FakeDataRobotFault | null = null;
  private latencyMs: number;
  private errorMessage: string | null;
  private script: (FakeDataRobotAnswer | null)[] = [];
  private recorded: RecordedDataRobotRequest[] = [];

  constructor(options: FakeDataRobotOptions) {
    const handler = (request: IncomingMessage, response: ServerResponse) => this.receive(request, response);
    this.scheme = options.tls ? 'https' : 'http';
    this.server = options.tls
      ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler)
      : createHttpServer(handler);
    this.tokens = new Set(options.tokens ?? [DEFAULT_FAKE_TOKEN]);
    this.maxPageSize = options.maxPageSize ?? 100;
    this.user = { ...DEFAULT_USER, ...options.user };
    this.currentTemplates = options.templates ?? [];
    this.latencyMs = options.latencyMs ?? 0;
    this.errorMessage = options.errorMessage ?? null;
  }

  get url(): string {
    return `${this.scheme}://127.0.0.1:${this.boundPort}`;
  }

  get endpoint(): string {
    return `${this.url}/api/v2`;
  }

  get port(): number {
    return this.boundPort;
  }

  get requests(): readonly RecordedDataRobotRequest[] {
    return this.recorded;
  }

  get templates(): readonly FakeTemplate[] {
    return this.currentTemplates;
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (this.server.address() as AddressInfo).port;
  }

  async setFault(fault: FakeDataRobotFault | null): Promise<void> {
    this.fault = fault;
    if (this.closed) return;
    if (fault === 'refuse') await this.stopListening();
    else if (!this.server.listening) await this.listen(this.boundPort);
  }

  setLatency(latencyMs: number): void {
    this.latencyMs = latencyMs;
  }

  enqueueAnswers(...answers: (FakeDataRobotAnswer | null)[]): void {
    this.script.push(...answers);
  }

  setTemplates(templates: readonly FakeTemplate[]): void {
    this.currentTemplates = templates;
  }

  setErrorMessage(message: string | null): void {
    this.errorMessage = message;
  }

  async waitFor(condition: () => boolean, options: DataRobotWaitOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 5000;
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() >= deadline) {
        const seen = this.recorded.map(
          (request) => `${request.method} ${request.path} → ${request.status ?? request.outcome}`,
        );
        throw new Error(
          `Fake DataRobot: ${options.description ?? 'condition'} did not hold within ${timeoutMs} ms ` +
            `(seen ${seen.length} requests${seen.length > 0 ? `: ${seen.join(', ')}` : ''}).`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 10));
    }
  }

  reset(): void {
    this.script = [];
    this.recorded = [];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.stopListening();
  }

  private async stopListening(): Promise<void> {
    for (const response of this.held) response.destroy();
    this.held.clear();
    if (!this.server.listening) return;
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await stopped;
  }

  private receive(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('error', () => {});
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => void this.respond(request, response, Buffer.concat(chunks)));
  }

  private async respond(request: IncomingMessage, response: ServerResponse, body: Buffer): Promise<void> {
    const receivedAt = Date.now();
    const scripted = this.script.length > 0 ? this.script.shift() : undefined;
    const planned = scripted === undefined ? this.fault : scripted;
    if (this.latencyMs > 0) await this.delay(this.latencyMs);
    if (this.closed) return;

    const token = tokenOf(request.headers.authorization);
    const record = (outcome: RecordedDataRobotRequest['outcome'], status?: number): void => {
      this.recorded.push({
        method: request.method ?? 'GET',
        path: request.url ?? '',
        headers: request.headers,
        rawHeaders: [...request.rawHeaders],
        body,
        token,
        status,
        outcome,
        receivedAt,
      });
    };

    if (planned === 'reset' || planned === 'refuse' || response.destroyed) {
      record('reset');
      request.socket.destroy();
      return;
    }
    if (planned === 'hang') {
      record('held');
      this.held.add(response);
      response.on('close', () => this.held.delete(response));
      return;
    }
    const routed = typeof planned === 'number' ? errorAnswer(planned) : this.route(request, token);
    const answer =
      this.errorMessage !== null && routed.status >= 400
        ? { status: routed.status, body: { message: this.errorMessage } }
        : routed;
    record('answered', answer.status);
    response.writeHead(answer.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer.body));
  }

  private route(request: IncomingMessage, token: string | undefined): { status: number; body: unknown } {
    const url = new URL(request.url ?? '/', this.url);
    const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
    const known = ['/api/v2/version/', '/api/v2/account/info/', '/api/v2/applicationTemplates/'];
    if (!known.includes(path)) return errorAnswer(404);
    if (request.method !== 'GET') return { status: 405, body: { message: 'Method Not Allowed' } };
    if (token === undefined || !this.tokens.has(token)) return errorAnswer(401);
    switch (path) {
      case '/api/v2/version/':
        return { status: 200, body: FAKE_DATAROBOT_VERSION };
      case '/api/v2/account/info/':
        return { status: 200, body: this.user };
      default:
        return this.templatePage(url);
    }
  }

  private templatePage(url: URL): { status: number; body: unknown } {
    const limit = nonNegativeInteger(url.searchParams.get('limit'), 100);
    const offset = nonNegativeInteger(url.searchParams.get('offset'), 0);
    if (limit === undefined || offset === undefined || limit === 0)
      return { status: 422, body: { message: 'Invalid limit or offset' } };
    const size = Math.min(limit, this.maxPageSize);
    const data = this.currentTemplates.slice(offset, offset + size);
    const pageUrl = (at: number) => {
      const next = new URL('/api/v2/applicationTemplates/', this.url);
      next.searchParams.set('limit', String(limit));
      next.searchParams.set('offset', String(at));
      return next.toString();
    };
    const total = this.currentTemplates.length;
    return {
      status: 200,
      body: {
        count: data.length,
        totalCount: total,
        next: offset + size < total ? pageUrl(offset + size) : null,
        previous: offset > 0 ? pageUrl(Math.max(0, offset - size)) : null,
        data,
      },
    };
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}

/** The token of `Authorization: Bearer <token>` or `Token <token>` (DataRobot accepts both). */
function tokenOf(authorization: string | undefined): string | undefined {
  const match = /^(?:Bearer|Token)\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

function errorAnswer(status: number): { status: number; body: unknown } {
  const message = status === 401 ? 'Invalid credentials' : (REASONS[status] ?? 'Error');
  return { status, body: { message } };
}

function nonNegativeInteger(text: string | null, fallback: number): number | undefined {
  if (text === null) return fallback;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
