// Reads one upload the way Amplitude does (gunzip, size, JSON, fields, key, every event), into the
// events to ingest (long strings cut at 1024 characters, as stored) or the exact rejection. Pure:
// no clock, no state, so the checks are tested without a server.

import { gunzipSync } from 'node:zlib';
import {
  badRequest,
  type EventIndexesByField,
  type InvalidEventsAnswer,
  missingField,
  payloadTooLarge,
  type RejectionAnswer,
} from './answers.ts';
import type { EndpointLimits } from './endpoints.ts';

/** An event as the fake ingests it: the object the client sent, with its long strings cut. */
export interface UploadEvent {
  readonly [field: string]: unknown;
  readonly event_type: string;
  readonly device_id?: string;
  readonly user_id?: string;
  readonly insert_id?: string;
}

export interface Upload {
  readonly apiKey: string;
  readonly events: readonly UploadEvent[];
  /** Bytes of the body after gunzip: what the size limit counts and the 200 answer reports. */
  readonly payloadBytes: number;
}

export type UploadReading =
  | { readonly ok: true; readonly upload: Upload }
  /** `events` is the events array as sent when the body could be parsed that far, else empty. */
  | { readonly ok: false; readonly answer: RejectionAnswer; readonly events: readonly unknown[] };

export interface UploadRules {
  readonly limits: EndpointLimits;
  readonly isValidApiKey: (apiKey: string) => boolean;
}

export const defaultMinIdLength = 5;
export const maxStringLength = 1024;
export const maxPropertyNesting = 40;

/**
 * Ids Amplitude refuses whatever their length (compared without case). The facts file's list, plus
 * the common placeholders Amplitude's docs name alongside them.
 */
export const blockedIds: ReadonlySet<string> = new Set([
  'null',
  'none',
  'nil',
  'undefined',
  'unknown',
  'anonymous',
  'n/a',
  'na',
  '0',
  '-1',
  '00000000-0000-0000-0000-000000000000',
]);

const propertyFields = ['event_properties', 'user_properties', 'groups', 'group_properties'] as const;

export function readUpload(
  body: Buffer,
  contentEncoding: string | undefined,
  rules: UploadRules,
): UploadReading {
  const reject = (answer: RejectionAnswer, events: readonly unknown[] = []): UploadReading => ({
    ok: false,
    answer,
    events,
  });
  if (body.length === 0) return reject(badRequest('Missing request body'));

  const decoded = decodeBody(body, contentEncoding, rules.limits.maxBodyBytes);
  if (decoded === 'too-large') return reject(payloadTooLarge);
  if (decoded === 'undecodable') return reject(badRequest('Invalid JSON request body'));
  if (decoded.length === 0) return reject(badRequest('Missing request body'));
  if (decoded.length > rules.limits.maxBodyBytes) return reject(payloadTooLarge);

  let parsed: unknown;
  try {
    parsed = JSON.parse(decoded.toString('utf8'));
  } catch {
    return reject(badRequest('Invalid JSON request body'));
  }
  if (!isPlainObject(parsed)) return reject(badRequest('Invalid JSON request body'));

  const events = Array.isArray(parsed.events) ? (parsed.events as unknown[]) : [];
  const apiKey = parsed.api_key;
  if (typeof apiKey !== 'string' || apiKey === '') return reject(missingField('api_key'), events);
  if (!Array.isArray(parsed.events) || events.length === 0) return reject(missingField('events'), events);
  if (!rules.isValidApiKey(apiKey)) return reject(badRequest('Invalid API key'), events);
  if (events.length > rules.limits.maxEventsPerRequest) return reject(payloadTooLarge, events);
  if (!events.every(isPlainObject)) return reject(badRequest('Invalid event JSON'), events);

  const invalid = findInvalidEvents(events, minIdLengthOf(parsed.options));
  if (invalid) return reject(invalid, events);

  return {
    ok: true,
    upload: {
      apiKey,
      events: events.map((event) => cutLongStrings(event) as UploadEvent),
      payloadBytes: decoded.length,
    },
  };
}

function decodeBody(
  body: Buffer,
  contentEncoding: string | undefined,
  maxBytes: number,
): Buffer | 'too-large' | 'undecodable' {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return body;
  if (encoding !== 'gzip') return 'undecodable';
  try {
    return gunzipSync(body, { maxOutputLength: maxBytes });
  } catch (error) {
    return (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE' ? 'too-large' : 'undecodable';
  }
}

function minIdLengthOf(options: unknown): number {
  // An unusable min_id_length is ignored rather than refused: the docs say nothing about it.
  const value = isPlainObject(options) ? options.min_id_length : undefined;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : defaultMinIdLength;
}

/** The "Invalid field values on some events" answer for these events, or undefined if all are valid. */
export function findInvalidEvents(
  events: readonly Record<string, unknown>[],
  minIdLength: number = defaultMinIdLength,
): InvalidEventsAnswer | undefined {
  const invalidFields: EventIndexesByField = {};
  const missingFields: EventIndexesByField = {};
  const invalidIdLengths: EventIndexesByField = {};
  const note = (into: EventIndexesByField, field: string, index: number): void => {
    const indexes = into[field] ?? [];
    indexes.push(index);
    into[field] = indexes;
  };

  events.forEach((event, index) => {
    const eventType = event.event_type;
    if (eventType === undefined || eventType === null || eventType === '')
      note(missingFields, 'event_type', index);
    else if (typeof eventType !== 'string') note(invalidFields, 'event_type', index);

    let hasId = false;
    for (const field of ['user_id', 'device_id'] as const) {
      const id = event[field];
      if (id === undefined || id === null) continue;
      hasId = true;
      if (typeof id !== 'string' || blockedIds.has(id.toLowerCase())) note(invalidFields, field, index);
      else if (id.length < minIdLength) note(invalidIdLengths, field, index);
    }
    // Amplitude does not document which key lists an event with neither id; the fake uses
    // device_id, the id every server-side sender is expected to set.
    if (!hasId) note(missingFields, 'device_id', index);

    if (event.time !== undefined && !(Number.isSafeInteger(event.time) && (event.time as number) >= 0)) {
      note(invalidFields, 'time', index);
    }
    if (
      event.session_id !== undefined &&
      !(Number.isSafeInteger(event.session_id) && (event.session_id as number) >= -1)
    ) {
      note(invalidFields, 'session_id', index);
    }
    if (event.insert_id !== undefined && (typeof event.insert_id !== 'string' || event.insert_id === '')) {
      note(invalidFields, 'insert_id', index);
    }
    for (const field of propertyFields) {
      const value = event[field];
      if (value === undefined) continue;
      if (!isPlainObject(value) || nestingDepth(value, maxPropertyNesting + 1) > maxPropertyNesting) {
        note(invalidFields, field, index);
      }
    }
  });

  const isEmpty = (map: EventIndexesByField) => Object.keys(map).length === 0;
  if (isEmpty(invalidFields) && isEmpty(missingFields) && isEmpty(invalidIdLengths)) return undefined;
  return {
    code: 400,
    error: 'Invalid field values on some events',
    events_with_invalid_fields: invalidFields,
    events_with_missing_fields: missingFields,
    events_with_invalid_id_lengths: invalidIdLengths,
  };
}

/** Depth of nested objects and arrays (a flat object is 1), counted no further than `stopAt`. */
function nestingDepth(value: unknown, stopAt: number): number {
  if (value === null || typeof value !== 'object') return 0;
  if (stopAt <= 1) return 1;
  let deepest = 0;
  for (const child of Object.values(value)) deepest = Math.max(deepest, nestingDepth(child, stopAt - 1));
  return 1 + deepest;
}

function cutLongStrings(value: unknown): unknown {
  if (typeof value === 'string')
    return value.length > maxStringLength ? value.slice(0, maxStringLength) : value;
  if (Array.isArray(value)) return value.map(cutLongStrings);
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, cutLongStrings(child)]));
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
