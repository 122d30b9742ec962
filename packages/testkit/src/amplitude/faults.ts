// The ways a test can make the fake misbehave: one answer at a time from a script, or a standing
// fault for every request. Each answer is a documented Amplitude answer or a network failure a
// real collector (or the path to it) can produce; none is invented.

import type { ServerErrorStatus } from './answers.ts';

/** Statuses the fake can be told to answer, each with its documented body (400 is "Invalid API key"). */
export type ForcedStatus = 400 | 403 | 413 | 429 | ServerErrorStatus;

export type FakeAnswer =
  /** Behave as Amplitude: validate, limit, deduplicate and ingest (usually a 200). */
  | 200
  /** Answer this status with its documented body; nothing is ingested. */
  | ForcedStatus
  /** Ingest as Amplitude would, then answer this status: the "may or may not have been taken" case. */
  | { readonly status: 500 | 502 | 504; readonly afterIngesting: true }
  /** Destroy the connection without answering. */
  | 'reset'
  /** Take the request and never answer, until the fake closes or starts refusing. */
  | 'hang';

/** A standing fault: any answer above for every request, or 'refuse': stop listening on the port. */
export type FakeFault = FakeAnswer | 'refuse';

const forcedStatuses: readonly ForcedStatus[] = [400, 403, 413, 429, 500, 502, 503, 504];

/** How to name a fault on the command line, for `--fault` and its error message. */
export const faultSpellings =
  'none, reset, hang, refuse, 400, 403, 413, 429, 500, 502, 503, 504, or ingest-then-500/502/504';

/** Reads a fault as people type it (`503`, `reset`, `ingest-then-502`, `none`). */
export function parseFault(text: string): FakeFault {
  const spelled = text.trim().toLowerCase();
  if (spelled === 'none' || spelled === '200') return 200;
  if (spelled === 'reset' || spelled === 'hang' || spelled === 'refuse') return spelled;
  const afterIngest = /^ingest-then-(500|502|504)$/.exec(spelled);
  if (afterIngest) return { status: Number(afterIngest[1]) as 500 | 502 | 504, afterIngesting: true };
  const status = Number(spelled) as ForcedStatus;
  if (forcedStatuses.includes(status)) return status;
  throw new Error(`Unknown fault "${text}": use one of ${faultSpellings}.`);
}

/** The fault as `parseFault` reads it back, for logs. */
export function describeFault(fault: FakeFault): string {
  if (fault === 200) return 'none';
  if (typeof fault === 'object') return `ingest-then-${fault.status}`;
  return String(fault);
}
