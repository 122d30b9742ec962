// One POST of already-built events to Amplitude's HTTP V2 or Batch API, answered by a SendResult
// and never by a throw. Sends exactly one request (no retries: the drainer owns the retry rules),
// bounds the whole exchange (answer and body) by `timeoutMs`, and sends the events as given, so
// their insert_id stays the one fixed when they were spooled. The request goes out on node:http
// (./http-post.ts), loaded on the first send, so importing this package costs a command nothing.
//
// Why not fetch (or ky over it): the drainer must stay under 60 MiB of RSS (SPEC §6), and a bare
// Node 20 already takes ~40 MB. A 10,000-event drain through ky and the global fetch peaked at
// ~98 MiB; the same run with this module, ~81 MiB. fetch loads undici's JavaScript, web streams and
// its llhttp parser, WebAssembly whose compilation spiked RSS by ~30 MB; merely constructing a
// Request and a Response costs ~12 MB in a bare Node; node:http and node:https cost ~4 MB.
// ky remains the CLI's client for the DataRobot API (packages/cli), where none of this matters.
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
