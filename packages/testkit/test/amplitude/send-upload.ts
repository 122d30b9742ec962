// How the tests talk to the fake: real HTTP over loopback with global fetch, as a client would.
// Not a test file itself (vitest runs only *.test.ts).

import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { FakeAmplitude } from '../../src/index.ts';

export interface SentUpload {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export interface SendOptions {
  readonly gzip?: boolean;
  readonly method?: string;
  readonly headers?: Record<string, string>;
}

/** Posts `payload` (an object to serialize, or raw text/bytes) to `path` and reads the JSON answer. */
export async function sendUpload(
  fake: FakeAmplitude,
  path: string,
  payload: unknown,
  options: SendOptions = {},
): Promise<SentUpload> {
  const text = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload);
  const bytes = options.gzip ? gzipSync(text) : Buffer.from(text);
  const response = await fetch(`${fake.url}${path}`, {
    method: options.method ?? 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.gzip ? { 'content-encoding': 'gzip' } : {}),
      ...options.headers,
    },
    ...(options.method === 'GET' ? {} : { body: bytes }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** `count` valid events for one device, each with its own insert_id. */
export function eventsFor(deviceId: string, count: number, extra: Record<string, unknown> = {}) {
  return Array.from({ length: count }, (_, index) => ({
    event_type: 'command_completed',
    device_id: deviceId,
    time: 1_700_000_000_000 + index,
    insert_id: randomUUID(),
    ...extra,
  }));
}

export function upload(events: readonly unknown[], extra: Record<string, unknown> = {}) {
  return { api_key: 'test-api-key', events, ...extra };
}
