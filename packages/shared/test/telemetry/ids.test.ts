import { describe, expect, it } from 'vitest';
import { isValidDeviceId, newDeviceId, randomUuid } from '../../src/telemetry/ids.ts';

describe('newDeviceId', () => {
  it('makes random UUID v4s', () => {
    const ids = Array.from({ length: 50 }, () => newDeviceId());
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(isValidDeviceId(id)).toBe(true);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('randomUuid', () => {
  it('makes distinct UUID v4s past the end of its pool of random bytes', () => {
    // 256 bytes hold 16 ids: 1,000 ids refill the pool many times.
    const ids = Array.from({ length: 1000 }, () => randomUuid());
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('uses every hex digit in the random positions (the bytes are not constant or biased to a few)', () => {
    const digits = new Set(
      Array.from({ length: 200 }, () => randomUuid().replaceAll('-', '').slice(0, 12)).join(''),
    );
    expect(digits.size).toBe(16);
  });
});

describe('isValidDeviceId', () => {
  it.each([
    '0f8fad5b-d9cb-469f-a165-70867728950e',
    '0F8FAD5B-D9CB-469F-A165-70867728950E',
    '017f22e2-79b0-7cc3-98c4-dc0c0c07398f',
  ])('accepts %s', (id) => {
    expect(isValidDeviceId(id)).toBe(true);
  });

  it.each([
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '0f8fad5bd9cb469fa16570867728950e',
    ' 0f8fad5b-d9cb-469f-a165-70867728950e',
    '0f8fad5b-d9cb-469f-a165-70867728950e\n',
    'unknown',
    '',
    undefined,
    42,
  ])('rejects %j', (id) => {
    expect(isValidDeviceId(id)).toBe(false);
  });
});
