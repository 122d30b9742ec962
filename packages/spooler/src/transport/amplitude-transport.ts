// One POST of already-built events to Amplitude's HTTP V2 or Batch API, answered by a SendResult,
// never a throw: exactly one request (the drainer owns retries), bounded by `timeoutMs`, events as
// given. On node:http, loaded on the first send, not fetch (docs/architecture.md, The drainer's memory).
import { type AmplitudeApi, apiUrl } from './endpoint.ts';
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
  const { postJson } = await import('./http-post.ts');
  const outcome = await postJson(
    apiUrl(options.endpoint, api),
    requestBody(options.apiKey, events, options.minIdLength),
    { timeoutMs, signal, env: options.env ?? process.env },
  );
  switch (outcome.kind) {
    case 'answered':
      return classifyAnswer({
        httpStatus: outcome.status,
        body: outcome.body,
        api,
        eventCount: events.length,
        retryAfter: outcome.retryAfter,
      });
    case 'timeout':
      return { kind: 'timeout', timeoutMs };
    default:
      return outcome;
  }
}
