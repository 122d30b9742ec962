// What one request to Amplitude came to, as a closed union the drainer switches on, and the pure
// reading of an answer into it (/shared/amplitude-http-api.md): the JSON `code` wins over the HTTP
// status, indexes outside the request are ignored, an answer it cannot place is `rejected`.
import type { AmplitudeApi } from './endpoint.ts';

export type InvalidEventReason = 'invalid_field' | 'missing_field' | 'invalid_id_length' | 'silenced';

export interface InvalidEvent {
  readonly index: number;
  readonly reason: InvalidEventReason;
  /** The offending field, when the answer names one. */
  readonly field?: string;
}

/** Who Amplitude is throttling, and for how long to leave them alone. */
export interface ThrottleDetails {
  readonly throttledDevices: readonly string[];
  readonly throttledUsers: readonly string[];
  /** Indexes (in the request) of the events that were throttled. */
  readonly throttledEventIndexes: readonly number[];
  /** Devices and users over a daily quota: their events will not be taken today. */
  readonly dailyQuotaDevices: readonly string[];
  readonly dailyQuotaUsers: readonly string[];
  /** The least time to wait before sending these devices' events again. */
  readonly retryAfterMs: number;
}

export type RejectedReason =
  | 'invalid_api_key'
  | 'missing_field'
  | 'invalid_path'
  | 'forbidden'
  | 'bad_request'
  | 'unexpected_status';

export type SendResult =
  /** Every event was taken. */
  | { readonly kind: 'accepted'; readonly status: number; readonly eventsIngested: number }
  /** Drop the listed events and resend the rest (which may themselves be throttled). */
  | {
      readonly kind: 'partially-invalid';
      readonly status: number;
      readonly invalid: readonly InvalidEvent[];
      readonly throttle: ThrottleDetails | null;
      readonly error: string;
    }
  /** The whole request was refused: keep the events, stop this run. */
  | {
      readonly kind: 'rejected';
      readonly status: number;
      readonly reason: RejectedReason;
      readonly error: string;
    }
  /** 413: split the batch; a single event this large is dropped. */
  | { readonly kind: 'too-large'; readonly status: number }
  /** 429: hold the throttled devices, drop the over-quota ones, resend the others. */
  | ({ readonly kind: 'throttled'; readonly status: number } & ThrottleDetails)
  /** 5xx: retry later. On 503 nothing was taken; otherwise the insert_id absorbs a duplicate. */
  | { readonly kind: 'server-error'; readonly status: number; readonly nothingTaken: boolean }
  | { readonly kind: 'network-error'; readonly message: string; readonly code?: string }
  /** No complete answer within the request's timeout. */
  | { readonly kind: 'timeout'; readonly timeoutMs: number }
  /** The caller's signal aborted the request (the drainer's deadline). */
  | { readonly kind: 'aborted' };

export type SendResultKind = SendResult['kind'];

/** Least pause for throttled devices, by API (the facts file: about 30 s, Batch about 15 s). */
export const THROTTLE_PAUSE_MS: Readonly<Record<AmplitudeApi, number>> = { httpapi: 30_000, batch: 15_000 };

export interface Answer {
  readonly httpStatus: number;
  readonly body: string;
  readonly api: AmplitudeApi;
  /** How many events the request carried; indexes outside [0, eventCount) are ignored. */
  readonly eventCount: number;
  /** The Retry-After header, if any. */
  readonly retryAfter?: string | null;
}

type Json = Record<string, unknown>;

/** Reads one HTTP answer from Amplitude (or a collector speaking its protocol). */
export function classifyAnswer(answer: Answer): SendResult {
  const json = parseObject(answer.body);
  const code = typeof json?.code === 'number' && Number.isInteger(json.code) ? json.code : answer.httpStatus;
  const error = typeof json?.error === 'string' ? json.error : '';
  const body = json ?? {};

  if (code >= 200 && code < 300) {
    const ingested = body.events_ingested;
    return {
      kind: 'accepted',
      status: code,
      eventsIngested: typeof ingested === 'number' ? ingested : answer.eventCount,
    };
  }
  if (code === 400) return classifyBadRequest(code, error, body, answer);
  if (code === 413) return { kind: 'too-large', status: code };
  if (code === 429) return { kind: 'throttled', status: code, ...throttleDetails(body, answer) };
  if (code === 401) return { kind: 'rejected', status: code, reason: 'invalid_api_key', error };
  if (code === 403) return { kind: 'rejected', status: code, reason: 'forbidden', error };
  if (code === 404) return { kind: 'rejected', status: code, reason: 'invalid_path', error };
  if (code >= 500 && code < 600) return { kind: 'server-error', status: code, nothingTaken: code === 503 };
  return { kind: 'rejected', status: code, reason: 'unexpected_status', error };
}

function classifyBadRequest(code: number, error: string, body: Json, answer: Answer): SendResult {
  if (error.startsWith('Invalid API key'))
    return { kind: 'rejected', status: code, reason: 'invalid_api_key', error };
  if (typeof body.missing_field === 'string' || error.startsWith('Request missing required field')) {
    return { kind: 'rejected', status: code, reason: 'missing_field', error };
  }
  if (error.startsWith('Invalid request path'))
    return { kind: 'rejected', status: code, reason: 'invalid_path', error };

  const invalid = new Map<number, InvalidEvent>();
  const add = (index: number, reason: InvalidEventReason, field?: string) => {
    if (!invalid.has(index))
      invalid.set(index, field === undefined ? { index, reason } : { index, reason, field });
  };
  for (const [field, indexes] of fieldIndexes(body.events_with_invalid_fields, answer.eventCount)) {
    for (const index of indexes) add(index, 'invalid_field', field);
  }
  for (const [field, indexes] of fieldIndexes(body.events_with_missing_fields, answer.eventCount)) {
    for (const index of indexes) add(index, 'missing_field', field);
  }
  for (const [field, indexes] of fieldIndexes(body.events_with_invalid_id_lengths, answer.eventCount)) {
    for (const index of indexes) add(index, 'invalid_id_length', field);
  }
  for (const index of indexList(body.silenced_events, answer.eventCount)) add(index, 'silenced');

  const throttle = throttleDetails(body, answer);
  const throttles =
    throttle.throttledDevices.length +
      throttle.throttledUsers.length +
      throttle.throttledEventIndexes.length >
      0 || throttle.dailyQuotaDevices.length + throttle.dailyQuotaUsers.length > 0;
  if (invalid.size === 0 && !throttles) {
    // "Missing request body", "Invalid JSON request body", "Invalid event JSON" and the like:
    // nothing says which events are at fault, so none may be dropped.
    return { kind: 'rejected', status: code, reason: 'bad_request', error };
  }
  return {
    kind: 'partially-invalid',
    status: code,
    invalid: [...invalid.values()].sort((a, b) => a.index - b.index),
    throttle: throttles ? throttle : null,
    error,
  };
}

function throttleDetails(body: Json, answer: Answer): ThrottleDetails {
  return {
    throttledDevices: idList(body.throttled_devices),
    throttledUsers: idList(body.throttled_users),
    throttledEventIndexes: indexList(body.throttled_events, answer.eventCount),
    dailyQuotaDevices: idList(body.exceeded_daily_quota_devices),
    dailyQuotaUsers: idList(body.exceeded_daily_quota_users),
    retryAfterMs: Math.max(THROTTLE_PAUSE_MS[answer.api], retryAfterMs(answer.retryAfter)),
  };
}

function parseObject(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** `{field: [indexes]}` → entries with the valid indexes only. */
function fieldIndexes(value: unknown, eventCount: number): [string, number[]][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).map(([field, indexes]) => [field, indexList(indexes, eventCount)]);
}

function indexList(value: unknown, eventCount: number): number[] {
  if (!Array.isArray(value)) return [];
  const indexes = value.filter((i): i is number => Number.isInteger(i) && i >= 0 && i < eventCount);
  return [...new Set(indexes)].sort((a, b) => a - b);
}

/** Ids from either `{id: rate}` (the documented shape) or `[id, ...]`. */
function idList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((id): id is string => typeof id === 'string');
  if (typeof value === 'object' && value !== null) return Object.keys(value);
  return [];
}

function retryAfterMs(header: string | null | undefined): number {
  if (header === null || header === undefined) return 0;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 3600) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? 0 : Math.min(Math.max(date - Date.now(), 0), 3_600_000);
}
