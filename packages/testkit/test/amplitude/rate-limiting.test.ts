// Per-device and per-user rate limits, on an injected clock: averages over a sliding window, the
// 429 body, and that a throttled request ingests nothing and does not count against its devices.

import { afterEach, describe, expect, it } from 'vitest';
import { type FakeAmplitude, type FakeAmplitudeOptions, startFakeAmplitude } from '../../src/index.ts';
import { eventsFor, sendUpload, upload } from './send-upload.ts';

const busy = 'device-busy-00001';
const calm = 'device-calm-00001';
let clock = 0;
let fake: FakeAmplitude | undefined;

async function start(options: FakeAmplitudeOptions = {}): Promise<FakeAmplitude> {
  clock = 1_750_000_000_000;
  fake = await startFakeAmplitude({ now: () => clock, ...options });
  return fake;
}

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('HTTP V2: 30 events per second averaged over 30 s', () => {
  it('takes 900 events at once, throttles the 901st, and lets it through once the window slides', async () => {
    const amplitude = await start();
    expect((await sendUpload(amplitude, '/2/httpapi', upload(eventsFor(busy, 900)))).status).toBe(200);

    const over = await sendUpload(amplitude, '/2/httpapi', upload(eventsFor(busy, 1)));
    expect(over).toEqual({
      status: 429,
      body: {
        code: 429,
        error: 'Too many requests for some devices and users',
        eps_threshold: 30,
        throttled_devices: { [busy]: 31 },
        throttled_users: {},
        throttled_events: [0],
      },
    });

    clock += 29_999;
    expect((await sendUpload(amplitude, '/2/httpapi', upload(eventsFor(busy, 1)))).status).toBe(429);
    clock += 1;
    expect((await sendUpload(amplitude, '/2/httpapi', upload(eventsFor(busy, 1)))).status).toBe(200);
    expect(amplitude.ingested).toHaveLength(901);
  });

  it('slides: events leave the window one request at a time', async () => {
    const amplitude = await start();
    await sendUpload(amplitude, '/2/httpapi', upload(eventsFor(busy, 600)));
    clock += 20_000;
    expect((await sendUpload(amplitude, '/2/httpapi', upload(eventsFor(busy, 300)))).status).toBe(200);
    expect((await sendUpload(amplitude, '/2/httpapi', upload(eventsFor(busy, 1)))).status).toBe(429);
    clock += 10_000;
    expect((await sendUpload(amplitude, '/2/httpapi', upload(eventsFor(busy, 600)))).status).toBe(200);
    expect((await sendUpload(amplitude, '/2/httpapi', upload(eventsFor(busy, 1)))).status).toBe(429);
  });

  it('answers 429 for the whole request: the other devices events are not ingested either', async () => {
    const amplitude = await start();
    await sendUpload(amplitude, '/2/httpapi', upload(eventsFor(busy, 900)));
    const mixed = [...eventsFor(calm, 2), ...eventsFor(busy, 1), ...eventsFor(calm, 1)];

    const answer = await sendUpload(amplitude, '/2/httpapi', upload(mixed));
    expect(answer.body).toMatchObject({ throttled_devices: { [busy]: 31 }, throttled_events: [2] });
    expect(amplitude.ingested).toHaveLength(900);
    expect(amplitude.ingested.some((event) => event.device_id === calm)).toBe(false);
  });

  it('does not count throttled requests against the device', async () => {
    const amplitude = await start();
    await sendUpload(amplitude, '/2/httpapi', upload(eventsFor(busy, 900)));
    for (let attempt = 0; attempt < 5; attempt++) {
      clock += 5_000;
      expect((await sendUpload(amplitude, '/2/httpapi', upload(eventsFor(busy, 100)))).status).toBe(429);
    }
    clock += 5_000;
    expect((await sendUpload(amplitude, '/2/httpapi', upload(eventsFor(busy, 100)))).status).toBe(200);
  });

  it('throttles a request that alone is above the average', async () => {
    const amplitude = await start();
    const answer = await sendUpload(amplitude, '/2/httpapi', upload(eventsFor(busy, 2000)));
    expect(answer.body).toMatchObject({ code: 429, throttled_devices: { [busy]: 67 } });
    expect(answer.body.throttled_events).toHaveLength(2000);
  });

  it('limits users as well as devices', async () => {
    const amplitude = await start({ httpApiRateLimit: { eventsPerSecond: 1, windowMs: 10_000 } });
    const byUser = (count: number, device: string) => eventsFor(device, count, { user_id: 'user-00042' });
    expect((await sendUpload(amplitude, '/2/httpapi', upload(byUser(6, 'device-a-0001')))).status).toBe(200);
    const answer = await sendUpload(amplitude, '/2/httpapi', upload(byUser(5, 'device-b-0001')));
    expect(answer.body).toMatchObject({
      eps_threshold: 1,
      throttled_devices: {},
      throttled_users: { 'user-00042': 2 },
      throttled_events: [0, 1, 2, 3, 4],
    });
  });
});

describe('Batch: 1000 events per second averaged over 30 s, and an optional daily quota', () => {
  it('takes 30,000 events from one device in 30 s and throttles the next', async () => {
    const amplitude = await start();
    for (let request = 0; request < 15; request++) {
      expect((await sendUpload(amplitude, '/batch', upload(eventsFor(busy, 2000)))).status).toBe(200);
    }
    const over = await sendUpload(amplitude, '/batch', upload(eventsFor(busy, 1)));
    expect(over.body).toEqual({
      code: 429,
      error: 'Too many requests for some devices and users',
      eps_threshold: 1000,
      throttled_devices: { [busy]: 1001 },
      throttled_users: {},
      throttled_events: [0],
      exceeded_daily_quota_devices: {},
      exceeded_daily_quota_users: {},
    });
    // The HTTP V2 window is its own.
    expect((await sendUpload(amplitude, '/2/httpapi', upload(eventsFor(busy, 30)))).status).toBe(200);
  });

  it('names devices over the daily quota until a rolling day has passed', async () => {
    const amplitude = await start({ batchDailyQuota: 100 });
    expect((await sendUpload(amplitude, '/batch', upload(eventsFor(busy, 100)))).status).toBe(200);
    clock += 60_000;
    const over = await sendUpload(
      amplitude,
      '/batch',
      upload([...eventsFor(calm, 1), ...eventsFor(busy, 2)]),
    );
    expect(over.body).toMatchObject({
      code: 429,
      throttled_devices: {},
      throttled_events: [1, 2],
      exceeded_daily_quota_devices: { [busy]: 102 },
      exceeded_daily_quota_users: {},
    });
    clock += 24 * 60 * 60 * 1000 - 60_000;
    expect((await sendUpload(amplitude, '/batch', upload(eventsFor(busy, 2)))).status).toBe(200);
  });
});
