// The JSON bodies Amplitude's ingestion endpoints answer with, as /work/shared/amplitude-http-api.md
// documents them. Every answer carries `code` (the official SDK trusts it over the HTTP status), and
// the fake never answers with a body that is not built here.

/** The two ingestion endpoints: HTTP V2 (`/2/httpapi`) and Batch (`/batch`). */
export type AmplitudeEndpoint = 'httpapi' | 'batch';

/** Which ids of an event a map of event indexes refers to, e.g. `{ device_id: [0, 3] }`. */
export type EventIndexesByField = Record<string, number[]>;

export interface IngestedAnswer {
  readonly code: 200;
  readonly events_ingested: number;
  readonly payload_size_bytes: number;
  readonly server_upload_time: number;
}

/** A 400 that concerns the whole request: nothing in it was ingested, resending it unchanged fails again. */
export interface BadRequestAnswer {
  readonly code: 400;
  readonly error:
    | 'Invalid request path'
    | 'Missing request body'
    | 'Invalid JSON request body'
    | 'Invalid event JSON'
    | 'Invalid API key';
}

export interface MissingFieldAnswer {
  readonly code: 400;
  readonly error: 'Request missing required field';
  readonly missing_field: string;
}

/** Some events are invalid: the listed indexes must be dropped, the others resent (none was ingested). */
export interface InvalidEventsAnswer {
  readonly code: 400;
  readonly error: 'Invalid field values on some events';
  readonly events_with_invalid_fields: EventIndexesByField;
  readonly events_with_missing_fields: EventIndexesByField;
  readonly events_with_invalid_id_lengths: EventIndexesByField;
}

export interface SilencedAnswer {
  readonly code: 400;
  readonly error: 'Events silenced for device_id';
  readonly silenced_devices: string[];
  readonly silenced_events: number[];
  readonly throttled_devices: Record<string, number>;
  readonly throttled_events: number[];
  readonly exceeded_daily_quota_devices: Record<string, number>;
}

export interface PayloadTooLargeAnswer {
  readonly code: 413;
  readonly error: 'Payload too large';
}

export interface ThrottledAnswer {
  readonly code: 429;
  readonly error: 'Too many requests for some devices and users';
  readonly eps_threshold: number;
  /** Id → the events per second it would have reached. */
  readonly throttled_devices: Record<string, number>;
  readonly throttled_users: Record<string, number>;
  readonly throttled_events: number[];
  /** Batch only: id → events in the rolling day it would have reached. */
  readonly exceeded_daily_quota_devices?: Record<string, number>;
  readonly exceeded_daily_quota_users?: Record<string, number>;
}

export interface BlockedAnswer {
  readonly code: 403;
  readonly error: 'Forbidden';
}

export type ServerErrorStatus = 500 | 502 | 503 | 504;

export interface ServerErrorAnswer {
  readonly code: ServerErrorStatus;
  readonly error: string;
}

export type AmplitudeAnswer =
  | IngestedAnswer
  | BadRequestAnswer
  | MissingFieldAnswer
  | InvalidEventsAnswer
  | SilencedAnswer
  | PayloadTooLargeAnswer
  | ThrottledAnswer
  | BlockedAnswer
  | ServerErrorAnswer;

/** Every answer but 200: the request as a whole was not (or, for 500/502/504, maybe not) ingested. */
export type RejectionAnswer = Exclude<AmplitudeAnswer, IngestedAnswer>;

export function badRequest(error: BadRequestAnswer['error']): BadRequestAnswer {
  return { code: 400, error };
}

export function missingField(field: string): MissingFieldAnswer {
  return { code: 400, error: 'Request missing required field', missing_field: field };
}

export const payloadTooLarge: PayloadTooLargeAnswer = Object.freeze({
  code: 413,
  error: 'Payload too large',
});

export const blocked: BlockedAnswer = Object.freeze({ code: 403, error: 'Forbidden' });

const serverErrorMessages: Record<ServerErrorStatus, string> = {
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
  504: 'Gateway timeout',
};

export function serverError(status: ServerErrorStatus): ServerErrorAnswer {
  return { code: status, error: serverErrorMessages[status] };
}
