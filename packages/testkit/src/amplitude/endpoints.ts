// The limits of Amplitude's two ingestion endpoints, from /work/shared/amplitude-http-api.md.
// Where the docs are loose ("1 MB", "about 30 per second") the stricter reading is taken:
// MB means 10^6 bytes, and both per-device limits are averages over a 30 s window.

import type { AmplitudeEndpoint } from './answers.ts';

/** A per-device (and per-user) limit: at most `eventsPerSecond` averaged over the last `windowMs`. */
export interface RateLimit {
  readonly eventsPerSecond: number;
  readonly windowMs: number;
}

export interface EndpointLimits {
  readonly path: string;
  readonly maxEventsPerRequest: number;
  /** Counted on the body after gunzip. */
  readonly maxBodyBytes: number;
  readonly defaultRateLimit: RateLimit;
}

export const endpointLimits: Readonly<Record<AmplitudeEndpoint, EndpointLimits>> = {
  httpapi: {
    path: '/2/httpapi',
    maxEventsPerRequest: 2000,
    maxBodyBytes: 1_000_000,
    defaultRateLimit: { eventsPerSecond: 30, windowMs: 30_000 },
  },
  batch: {
    path: '/batch',
    maxEventsPerRequest: 2000,
    maxBodyBytes: 20_000_000,
    defaultRateLimit: { eventsPerSecond: 1000, windowMs: 30_000 },
  },
};

/** How long Amplitude remembers an insert_id per device. */
export const insertIdRetentionMs = 7 * 24 * 60 * 60 * 1000;

/** The span of the Batch API's per-device daily quota (a rolling day). */
export const dailyQuotaSpanMs = 24 * 60 * 60 * 1000;

/** The endpoint a request path names, or undefined for any other path (query strings ignored). */
export function endpointForPath(url: string): AmplitudeEndpoint | undefined {
  const path = url.split('?', 1)[0];
  if (path === endpointLimits.httpapi.path) return 'httpapi';
  if (path === endpointLimits.batch.path) return 'batch';
  return undefined;
}
