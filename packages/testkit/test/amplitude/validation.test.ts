// The request and event checks in process, for the cases too fiddly to spell over HTTP.

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { findInvalidEvents, readUpload } from '../../src/amplitude/validation.ts';
import { endpointLimits } from '../../src/index.ts';

const rules = { limits: endpointLimits.httpapi, isValidApiKey: () => true };
const event = { event_type: 'e', device_id: 'device-0001' };

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let level = 1; level < depth; level++) value = { inner: value };
  return value;
}

describe('findInvalidEvents', () => {
  it('passes a valid event, session_id -1 included', () => {
    expect(findInvalidEvents([{ ...event, session_id: -1, time: 1, insert_id: 'i' }])).toBeUndefined();
  });

  it.each([
    ['session_id', { session_id: -2 }],
    ['session_id', { session_id: 1.5 }],
    ['time', { time: -1 }],
    ['insert_id', { insert_id: 42 }],
    ['event_type', { event_type: 7 }],
    ['device_id', { device_id: 12345 }],
    ['event_properties', { event_properties: 'flat' }],
  ])('refuses a bad %s', (field, change) => {
    expect(findInvalidEvents([{ ...event, ...change }])?.events_with_invalid_fields).toEqual({
      [field]: [0],
    });
  });

  it('allows property nesting 40 deep and refuses 41', () => {
    expect(findInvalidEvents([{ ...event, event_properties: nested(40) }])).toBeUndefined();
    expect(
      findInvalidEvents([{ ...event, event_properties: nested(41) }])?.events_with_invalid_fields,
    ).toEqual({
      event_properties: [0],
    });
  });
});

describe('readUpload', () => {
  it('refuses an encoding other than gzip', () => {
    const reading = readUpload(Buffer.from('{}'), 'br', rules);
    expect(reading).toMatchObject({ ok: false, answer: { error: 'Invalid JSON request body' } });
  });

  it('counts exactly 1,000,000 bytes as within the HTTP V2 limit', () => {
    const base = JSON.stringify({ api_key: 'k', events: [event], padding: '' });
    const exact = JSON.stringify({
      api_key: 'k',
      events: [event],
      padding: 'p'.repeat(1_000_000 - base.length),
    });
    expect(Buffer.byteLength(exact)).toBe(1_000_000);
    expect(readUpload(Buffer.from(exact), undefined, rules).ok).toBe(true);
    expect(readUpload(gzipSync(exact), 'gzip', rules).ok).toBe(true);
    expect(readUpload(Buffer.from(exact + ' '), undefined, rules)).toMatchObject({ answer: { code: 413 } });
    expect(readUpload(gzipSync(exact + ' '), 'gzip', rules)).toMatchObject({ answer: { code: 413 } });
  });

  it('keeps the events array of a rejected request for the record', () => {
    const reading = readUpload(Buffer.from(JSON.stringify({ events: [event, event] })), undefined, rules);
    expect(reading).toMatchObject({
      ok: false,
      events: [event, event],
      answer: { missing_field: 'api_key' },
    });
  });
});
