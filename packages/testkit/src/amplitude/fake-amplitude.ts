// A local stand-in for Amplitude's ingestion API (HTTP V2 and Batch) on a loopback port: answers
// as Amplitude documents (./README.md), byte for byte in the JSON, keeps what it ingested, fails
// when told as the real path fails. A 400 or 429 request never ingests any of its events.

import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AmplitudeAnswer,
  type AmplitudeEndpoint,
  badRequest,
  blocked,
  type IngestedAnswer,
  payloadTooLarge,
  type SilencedAnswer,
  serverError,
} from './answers.ts';
import { endpointForPath, endpointLimits, insertIdRetentionMs, type RateLimit } from './endpoints.ts';
import { type FaultMix, FaultMixDrawer } from './fault-mix.ts';
import type { FakeAnswer, FakeFault, ForcedStatus } from './faults.ts';
import { InsertIdMemory } from './insert-id-memory.ts';
import { DeviceRateLimiter, throttleEveryone } from './rate-limiter.ts';
import { readUpload, type UploadEvent, type UploadReading } from './validation.ts';

export interface FakeAmplitudeOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Defaults to 127.0.0.1. */
  readonly host?: string;
  /** Keys answered with 200; by default any non-empty key is valid. */
  readonly validApiKeys?: readonly string[];
  /** Milliseconds since the epoch, for rate windows, insert_id retention and server_upload_time. */
  readonly now?: () => number;
  /** Default: 30 events per second averaged over 30 s. */
  readonly httpApiRateLimit?: RateLimit;
  /** Default: 1000 events per second averaged over 30 s. */
  readonly batchRateLimit?: RateLimit;
  /** Batch only: events per device or user per rolling day; default none. */
  readonly batchDailyQuota?: number;
  /** Devices whose events are answered with "Events silenced for device_id". */
  readonly silencedDeviceIds?: readonly string[];
  /** A standing fault from the start; 'refuse' binds the port once, then stops listening. */
  readonly fault?: FakeFault;
  /** Delay before every answer (or reset, or hold), in milliseconds. */
  readonly latencyMs?: number;
  /** A seeded random mix of answers and delays from the start (see setFaultMix). */
  readonly faultMix?: FaultMix;
  /** Called once per request, when its outcome is known (the CLI prints these). */
  readonly onRequest?: (request: RecordedRequest) => void;
}

export interface RecordedRequest {
  readonly method: string;
  /** The request target as sent, query string included. */
  readonly path: string;
  readonly endpoint: AmplitudeEndpoint | undefined;
  readonly headers: IncomingHttpHeaders;
  /** The body exactly as received (still gzipped if it was sent gzipped). */
  readonly body: Buffer;
  /** Events in the body, when it could be read that far; else 0. */
  readonly eventCount: number;
  /** 'reset': the connection was destroyed; 'held': the request is never answered. */
  readonly outcome: 'answered' | 'reset' | 'held';
  /** The HTTP status and body answered; undefined unless `outcome` is 'answered'. */
  readonly status: number | undefined;
  readonly answer: AmplitudeAnswer | undefined;
  readonly receivedAt: number;
}

export interface FakeAmplitudeStats {
  readonly requests: number;
  readonly byStatus: Readonly<Record<number, number>>;
  /** Requests answered 429. */
  readonly throttled: number;
  /** Events accepted in a 200 whose (device, insert_id) was already ingested: not ingested again. */
  readonly duplicatesAbsorbed: number;
  readonly eventsIngested: number;
  readonly resets: number;
  readonly held: number;
}

export interface WaitForOptions {
  /** Default 5000. */
  readonly timeoutMs?: number;
  /** Default 10. */
  readonly intervalMs?: number;
  /** Named in the timeout error. */
  readonly description?: string;
}

export interface FakeAmplitude {
  /** Base URL, e.g. `http://127.0.0.1:43121`; the endpoints are `${url}/2/httpapi` and `${url}/batch`. */
  readonly url: string;
  readonly port: number;
  readonly requests: readonly RecordedRequest[];
  /** Events ingested, in the order they were ingested; each (device, insert_id) at most once. */
  readonly ingested: readonly UploadEvent[];
  readonly ingestedByInsertId: ReadonlyMap<string, UploadEvent>;
  /** How often each insert_id arrived in an accepted (200) request: above 1 means it was resent. */
  readonly timesAcceptedByInsertId: ReadonlyMap<string, number>;
  readonly stats: FakeAmplitudeStats;
  /** Sets the standing fault (null: none). Resolves once it holds: 'refuse' has closed the port, any other fault after 'refuse' has reopened the same port. */
  setFault(fault: FakeFault | null): Promise<void>;
  setLatency(latencyMs: number): void;
  /**
   * Answers each request with a seeded random draw from `mix` (answers by weight, plus a random
   * delay), after scripted answers and before the standing fault; null stops drawing. A 'refuse'
   * fault still closes the port.
   */
  setFaultMix(mix: FaultMix | null): void;
  /** Answers for the next requests, one each, in order, before the standing fault applies again. */
  enqueueAnswers(...answers: FakeAnswer[]): void;
  /** Polls `condition` until it holds; rejects after the timeout with what the fake has seen. */
  waitFor(condition: () => boolean, options?: WaitForOptions): Promise<void>;
  /** Forgets requests, ingested events, insert ids, rate windows, stats and scripted answers; keeps the fault and latency. */
  reset(): void;
  /** Stops listening and drops every connection, held requests included. */
  close(): Promise<void>;
}

export async function startFakeAmplitude(options: FakeAmplitudeOptions = {}): Promise<FakeAmplitude> {
  const fake = new FakeAmplitudeServer(options);
  await fake.listen(options.port ?? 0);
  if (options.fault !== undefined) await fake.setFault(options.fault);
  return fake;
}

interface MutableStats {
  requests: number;
  byStatus: Record<number, number>;
  throttled: number;
  duplicatesAbsorbed: number;
  eventsIngested: number;
  resets: number;
  held: number;
}

const emptyStats = (): MutableStats => ({
  requests: 0,
  byStatus: {},
  throttled: 0,
  duplicatesAbsorbed: 0,
  eventsIngested: 0,
  resets: 0,
  held: 0,
});

class FakeAmplitudeServer implements FakeAmplitude {
  private readonly server = createServer((request, response) => this.receive(request, response));
  private readonly host: string;
  private readonly now: () => number;
  private readonly isValidApiKey: (apiKey: string) => boolean;
  private readonly silencedDeviceIds: ReadonlySet<string>;
  private readonly limiters: Record<AmplitudeEndpoint, DeviceRateLimiter>;
  private readonly insertIds = new InsertIdMemory(insertIdRetentionMs);
  private readonly onRequest: ((request: RecordedRequest) => void) | undefined;
  private readonly delays = new Map<NodeJS.Timeout, () => void>();
  private boundPort = 0;
  private closed = false;
  private fault: FakeFault = 200;
  private latencyMs: number;
  private mix: FaultMixDrawer | undefined;
  private script: FakeAnswer[] = [];
  private recorded: RecordedRequest[] = [];
  private events: UploadEvent[] = [];
  private byInsertId = new Map<string, UploadEvent>();
  private acceptedByInsertId = new Map<string, number>();
  private counters = emptyStats();

  constructor(options: FakeAmplitudeOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.now = options.now ?? Date.now;
    const validKeys = options.validApiKeys ? new Set(options.validApiKeys) : undefined;
    this.isValidApiKey = (apiKey) => validKeys?.has(apiKey) ?? true;
    this.silencedDeviceIds = new Set(options.silencedDeviceIds ?? []);
    this.limiters = {
      httpapi: new DeviceRateLimiter(options.httpApiRateLimit ?? endpointLimits.httpapi.defaultRateLimit),
      batch: new DeviceRateLimiter(options.batchRateLimit ?? endpointLimits.batch.defaultRateLimit, {
        dailyQuota: options.batchDailyQuota,
        reportsDailyQuota: true,
      }),
    };
    this.latencyMs = options.latencyMs ?? 0;
    if (options.faultMix) this.mix = new FaultMixDrawer(options.faultMix);
    this.onRequest = options.onRequest;
  }

  get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host}:${this.boundPort}`;
  }

  get port(): number {
    return this.boundPort;
  }

  get requests(): readonly RecordedRequest[] {
    return this.recorded;
  }

  get ingested(): readonly UploadEvent[] {
    return this.events;
  }

  get ingestedByInsertId(): ReadonlyMap<string, UploadEvent> {
    return this.byInsertId;
  }

  get timesAcceptedByInsertId(): ReadonlyMap<string, number> {
    return this.acceptedByInsertId;
  }

  get stats(): FakeAmplitudeStats {
    return { ...this.counters, byStatus: { ...this.counters.byStatus } };
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (this.server.address() as AddressInfo).port;
  }

  async setFault(fault: FakeFault | null): Promise<void> {
    this.fault = fault ?? 200;
    if (this.closed) return;
    if (this.fault === 'refuse') await this.stopListening();
    else if (!this.server.listening) await this.listen(this.boundPort);
  }

  setLatency(latencyMs: number): void {
    this.latencyMs = latencyMs;
  }

  setFaultMix(mix: FaultMix | null): void {
    this.mix = mix === null ? undefined : new FaultMixDrawer(mix);
  }

  enqueueAnswers(...answers: FakeAnswer[]): void {
    this.script.push(...answers);
  }

  async waitFor(condition: () => boolean, options: WaitForOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 5000;
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() >= deadline) {
        const { requests, byStatus, eventsIngested } = this.counters;
        throw new Error(
          `Fake Amplitude: ${options.description ?? 'condition'} did not hold within ${timeoutMs} ms ` +
            `(seen ${requests} requests, statuses ${JSON.stringify(byStatus)}, ${eventsIngested} events ingested).`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 10));
    }
  }

  reset(): void {
    this.script = [];
    this.recorded = [];
    this.events = [];
    this.byInsertId = new Map();
    this.acceptedByInsertId = new Map();
    this.counters = emptyStats();
    this.insertIds.forget();
    this.limiters.httpapi.forget();
    this.limiters.batch.forget();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const [timer, release] of this.delays) {
      clearTimeout(timer);
      release();
    }
    this.delays.clear();
    await this.stopListening();
  }

  private async stopListening(): Promise<void> {
    if (!this.server.listening) return;
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Refusing means refusing: keep-alive and held connections go too, as when a collector dies.
    this.server.closeAllConnections();
    await stopped;
  }

  private receive(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => void this.respond(request, response, Buffer.concat(chunks)));
    request.on('error', () => {});
  }

  private async respond(request: IncomingMessage, response: ServerResponse, body: Buffer): Promise<void> {
    const receivedAt = this.now();
    const method = request.method ?? 'GET';
    const endpoint = method === 'POST' ? endpointForPath(request.url ?? '') : undefined;
    const reading = readUpload(body, request.headers['content-encoding'], {
      limits: endpointLimits[endpoint ?? 'httpapi'],
      isValidApiKey: this.isValidApiKey,
    });
    const scripted = this.script.shift();
    const drawn =
      scripted === undefined
        ? this.mix?.draw(reading.ok ? reading.upload.events.length : reading.events.length)
        : undefined;
    const planned: FakeFault = scripted ?? drawn?.answer ?? this.fault;
    const latencyMs = this.latencyMs + (drawn?.latencyMs ?? 0);
    if (latencyMs > 0) await this.delay(latencyMs);
    if (this.closed) return;

    const record = (outcome: RecordedRequest['outcome'], answer?: AmplitudeAnswer): void => {
      const entry: RecordedRequest = {
        method,
        path: request.url ?? '',
        endpoint,
        headers: request.headers,
        body,
        eventCount: reading.ok ? reading.upload.events.length : reading.events.length,
        outcome,
        status: answer?.code,
        answer,
        receivedAt,
      };
      this.recorded.push(entry);
      this.counters.requests += 1;
      if (answer) this.counters.byStatus[answer.code] = (this.counters.byStatus[answer.code] ?? 0) + 1;
      if (answer?.code === 429) this.counters.throttled += 1;
      if (outcome === 'reset') this.counters.resets += 1;
      if (outcome === 'held') this.counters.held += 1;
      this.onRequest?.(entry);
    };

    // A request that slipped in as the port closed is treated like the connection it rode on: gone.
    if (response.destroyed || planned === 'reset' || planned === 'refuse') {
      record('reset');
      request.socket.destroy();
      return;
    }
    if (planned === 'hang') {
      record('held');
      return;
    }
    const answer = this.answerFor(planned, endpoint, reading);
    record('answered', answer);
    response.writeHead(answer.code, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer));
  }

  private answerFor(
    planned: 200 | ForcedStatus | { readonly status: 500 | 502 | 504 },
    endpoint: AmplitudeEndpoint | undefined,
    reading: UploadReading,
  ): AmplitudeAnswer {
    if (typeof planned === 'object') {
      const answer = this.answerAsAmplitude(endpoint, reading);
      return answer.code === 200 ? serverError(planned.status) : answer;
    }
    switch (planned) {
      case 200:
        return this.answerAsAmplitude(endpoint, reading);
      case 400:
        return badRequest('Invalid API key');
      case 403:
        return blocked;
      case 413:
        return payloadTooLarge;
      case 429: {
        const limit = endpointLimits[endpoint ?? 'httpapi'].defaultRateLimit;
        return throttleEveryone(
          reading.ok ? reading.upload.events : reading.events,
          limit.eventsPerSecond,
          endpoint === 'batch',
        );
      }
      default:
        return serverError(planned);
    }
  }

  /**
   * What Amplitude answers. Every rejection (400, 429) leaves the whole request un-ingested: the
   * docs tell clients to resend the valid or unthrottled rest, which only works if it was not taken.
   */
  private answerAsAmplitude(
    endpoint: AmplitudeEndpoint | undefined,
    reading: UploadReading,
  ): AmplitudeAnswer {
    if (endpoint === undefined) return badRequest('Invalid request path');
    if (!reading.ok) return reading.answer;
    const { events, payloadBytes } = reading.upload;
    const now = this.now();

    const silenced = this.silencedAnswer(events);
    if (silenced) return silenced;
    const limiter = this.limiters[endpoint];
    const throttled = limiter.judge(events, now);
    if (throttled) return throttled;

    limiter.admit(events, now);
    for (const event of events) {
      if (event.insert_id !== undefined) {
        this.acceptedByInsertId.set(event.insert_id, (this.acceptedByInsertId.get(event.insert_id) ?? 0) + 1);
      }
      if (!this.insertIds.admit(event, now)) {
        this.counters.duplicatesAbsorbed += 1;
        continue;
      }
      this.events.push(event);
      if (event.insert_id !== undefined) this.byInsertId.set(event.insert_id, event);
      this.counters.eventsIngested += 1;
    }
    const ingested: IngestedAnswer = {
      code: 200,
      events_ingested: events.length,
      payload_size_bytes: payloadBytes,
      server_upload_time: now,
    };
    return ingested;
  }

  private silencedAnswer(events: readonly UploadEvent[]): SilencedAnswer | undefined {
    if (this.silencedDeviceIds.size === 0) return undefined;
    const devices = new Set<string>();
    const indexes: number[] = [];
    events.forEach((event, index) => {
      if (event.device_id !== undefined && this.silencedDeviceIds.has(event.device_id)) {
        devices.add(event.device_id);
        indexes.push(index);
      }
    });
    if (indexes.length === 0) return undefined;
    return {
      code: 400,
      error: 'Events silenced for device_id',
      silenced_devices: [...devices],
      silenced_events: indexes,
      throttled_devices: {},
      throttled_events: [],
      exceeded_daily_quota_devices: {},
    };
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.delays.delete(timer);
        resolve();
      }, ms);
      this.delays.set(timer, resolve);
    });
  }
}
