// One POST of already-built events to Amplitude's HTTP V2 or Batch API, answered by a SendResult
// and never by a throw. Sends exactly one request (no retries: the drainer owns the retry rules),
// bounds the whole exchange (answer and body) by `timeoutMs`, and sends the events as given, so
// their insert_id stays the one fixed when they were spooled. ky is loaded on the first send, so
// importing this package costs a command nothing.
import { type AmplitudeApi, apiUrl } from './endpoint.ts';
import { proxyDispatcher } from './proxy-dispatcher.ts';
import { classifyAnswer, type SendResult } from './send-result.ts';

export const DEFAULT_TIMEOUT_MS = 10_000;
/** Amplitude's default; dr's ids (UUID device ids, DataRobot user ids) are far longer. */
export const DEFAULT_MIN_ID_LENGTH = 5;

export interface SendEventsOptions {
  /** A base URL from resolveEndpoint (no API path). */
  readonly endpoint: string;
  readonly apiKey: string;
  readonly api: AmplitudeApi;
  /** Event objects, sent exactly as given. */
  readonly events: readonly object[];
  /** Limit for the whole exchange, body included. Default 10 s. */
  readonly timeoutMs?: number;
  /** Aborting it ends the request with `{kind: 'aborted'}`. */
  readonly signal?: AbortSignal;
  readonly minIdLength?: number;
  /** Where the proxy variables are read from. Default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/** The exact request body for `events`; also what the drainer measures against size limits. */
export function requestBody(
  apiKey: string,
  events: readonly object[],
  minIdLength = DEFAULT_MIN_ID_LENGTH,
): string {
  return JSON.stringify({
    api_key: apiKey,
    events,
    options: { min_id_length: minIdLength },
    client_upload_time: new Date().toISOString(),
  });
}

export async function sendEvents(options: SendEventsOptions): Promise<SendResult> {
  const { api, events, signal } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (signal?.aborted) return { kind: 'aborted' };

  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(), timeoutMs);
  const combined = signal === undefined ? timer.signal : AbortSignal.any([signal, timer.signal]);
  try {
    const { default: ky } = await import('ky');
    const dispatcher = await proxyDispatcher(options.env ?? process.env);
    const response = await ky.post(apiUrl(options.endpoint, api), {
      body: requestBody(options.apiKey, events, options.minIdLength),
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      retry: 0,
      throwHttpErrors: false,
      timeout: timeoutMs,
      signal: combined,
      // A redirect would resend the API key to a host nobody configured; read it as an answer.
      redirect: 'manual',
      // ky hands options it does not know (dispatcher) to fetch itself.
      ...(dispatcher === undefined ? {} : { dispatcher: dispatcher as never }),
    });
    const body = await response.text();
    return classifyAnswer({
      httpStatus: response.status,
      body,
      api,
      eventCount: events.length,
      retryAfter: response.headers.get('retry-after'),
    });
  } catch (error) {
    if (signal?.aborted) return { kind: 'aborted' };
    if (timer.signal.aborted || (error instanceof Error && error.name === 'TimeoutError'))
      return { kind: 'timeout', timeoutMs };
    return networkError(error);
  } finally {
    clearTimeout(timeout);
  }
}

function networkError(error: unknown): SendResult {
  // fetch reports "fetch failed" and puts the system error (ECONNREFUSED, ENOTFOUND...) in `cause`.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const message = cause instanceof Error ? cause.message : String(cause);
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === 'string'
    ? { kind: 'network-error', message, code }
    : { kind: 'network-error', message };
}
