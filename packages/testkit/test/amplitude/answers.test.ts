// Every documented Amplitude answer, one at a time, over real HTTP: the status, the exact JSON body,
// and what was (not) ingested.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeAmplitude, startFakeAmplitude } from '../../src/index.ts';
import { eventsFor, sendUpload, upload } from './send-upload.ts';

const device = '3f1c2d7e-9a55-4f5e-8a8e-0d6c1b7a9e21';
const clock = 1_750_000_000_000;
let fake: FakeAmplitude;

beforeEach(async () => {
  fake = await startFakeAmplitude({ now: () => clock });
});

afterEach(async () => {
  await fake.close();
});

describe('200', () => {
  it('ingests every event and answers with the documented body', async () => {
    const events = eventsFor(device, 3);
    const payload = upload(events);
    const answer = await sendUpload(fake, '/2/httpapi', payload);

    expect(answer).toEqual({
      status: 200,
      body: {
        code: 200,
        events_ingested: 3,
        payload_size_bytes: Buffer.byteLength(JSON.stringify(payload)),
        server_upload_time: clock,
      },
    });
    expect(fake.ingested).toEqual(events);
    expect(fake.ingestedByInsertId.get(events[1]!.insert_id)).toEqual(events[1]);
  });

  it('accepts the same on /batch, and ignores unknown top-level keys and a query string', async () => {
    const answer = await sendUpload(
      fake,
      '/batch?x=1',
      upload(eventsFor(device, 2), { client_upload_time: 'x' }),
    );
    expect(answer.status).toBe(200);
    expect(fake.requests[0]!.endpoint).toBe('batch');
    expect(fake.ingested).toHaveLength(2);
  });

  it('accepts events identified by user_id alone', async () => {
    const answer = await sendUpload(fake, '/2/httpapi', upload([{ event_type: 'e', user_id: 'user-12345' }]));
    expect(answer.status).toBe(200);
  });

  it('cuts string values at 1024 characters, as Amplitude stores them', async () => {
    const long = 'x'.repeat(1500);
    await sendUpload(fake, '/2/httpapi', upload(eventsFor(device, 1, { event_properties: { note: long } })));
    expect((fake.ingested[0]!.event_properties as { note: string }).note).toHaveLength(1024);
  });
});

describe('400 for the whole request', () => {
  it.each([
    ['an unknown path', 'POST', '/2/httpapi/extra', '{}', 'Invalid request path'],
    ['a GET', 'GET', '/2/httpapi', '', 'Invalid request path'],
    ['an empty body', 'POST', '/2/httpapi', '', 'Missing request body'],
    ['a body that is not JSON', 'POST', '/2/httpapi', '{"api_key":', 'Invalid JSON request body'],
    ['a JSON array', 'POST', '/batch', '[1]', 'Invalid JSON request body'],
  ])('answers %s with "%s"', async (_case, method, path, body, error) => {
    const answer = await sendUpload(fake, path, body, { method });
    expect(answer).toEqual({ status: 400, body: { code: 400, error } });
    expect(fake.ingested).toHaveLength(0);
  });

  it('names a missing api_key, and missing events', async () => {
    expect(await sendUpload(fake, '/2/httpapi', { events: eventsFor(device, 1) })).toEqual({
      status: 400,
      body: { code: 400, error: 'Request missing required field', missing_field: 'api_key' },
    });
    expect((await sendUpload(fake, '/2/httpapi', { api_key: 'k' })).body.missing_field).toBe('events');
    expect((await sendUpload(fake, '/2/httpapi', upload([]))).body.missing_field).toBe('events');
  });

  it('refuses a key outside validApiKeys', async () => {
    const strict = await startFakeAmplitude({ validApiKeys: ['good-key'] });
    try {
      const events = eventsFor(device, 1);
      expect(await sendUpload(strict, '/2/httpapi', { api_key: 'bad-key', events })).toEqual({
        status: 400,
        body: { code: 400, error: 'Invalid API key' },
      });
      expect((await sendUpload(strict, '/2/httpapi', { api_key: 'good-key', events })).status).toBe(200);
    } finally {
      await strict.close();
    }
  });

  it('answers "Invalid event JSON" when an event is not an object', async () => {
    const answer = await sendUpload(fake, '/2/httpapi', upload([...eventsFor(device, 1), 'not an event']));
    expect(answer.body).toEqual({ code: 400, error: 'Invalid event JSON' });
  });
});

describe('400 "Invalid field values on some events"', () => {
  it('lists each bad event by field and ingests none of the request, valid events included', async () => {
    const [good, ...rest] = eventsFor(device, 6);
    const events = [
      good,
      { ...rest[0], event_type: undefined },
      { ...rest[1], device_id: undefined },
      { ...rest[2], device_id: 'abc' },
      { ...rest[3], time: 'yesterday' },
      { ...rest[4], device_id: 'unknown' },
    ];
    const answer = await sendUpload(fake, '/2/httpapi', upload(events));

    expect(answer).toEqual({
      status: 400,
      body: {
        code: 400,
        error: 'Invalid field values on some events',
        events_with_invalid_fields: { time: [4], device_id: [5] },
        events_with_missing_fields: { event_type: [1], device_id: [2] },
        events_with_invalid_id_lengths: { device_id: [3] },
      },
    });
    expect(fake.ingested).toHaveLength(0);
  });

  it.each(['null', 'None', 'unknown', '0', '-1', '00000000-0000-0000-0000-000000000000'])(
    'refuses the placeholder id %s even when min_id_length allows its length',
    async (id) => {
      const answer = await sendUpload(
        fake,
        '/2/httpapi',
        upload([{ event_type: 'e', user_id: id }], { options: { min_id_length: 1 } }),
      );
      expect(answer.body.events_with_invalid_fields).toEqual({ user_id: [0] });
    },
  );

  it('measures id lengths against options.min_id_length', async () => {
    const short = [{ event_type: 'e', device_id: 'ab' }];
    expect((await sendUpload(fake, '/2/httpapi', upload(short))).status).toBe(400);
    expect(
      (await sendUpload(fake, '/2/httpapi', upload(short, { options: { min_id_length: 2 } }))).status,
    ).toBe(200);
  });
});

describe('400 "Events silenced for device_id"', () => {
  it('lists the silenced devices and their events', async () => {
    const quiet = await startFakeAmplitude({ silencedDeviceIds: ['silenced-device'] });
    try {
      const events = [...eventsFor(device, 1), ...eventsFor('silenced-device', 2)];
      expect((await sendUpload(quiet, '/2/httpapi', upload(events))).body).toEqual({
        code: 400,
        error: 'Events silenced for device_id',
        silenced_devices: ['silenced-device'],
        silenced_events: [1, 2],
        throttled_devices: {},
        throttled_events: [],
        exceeded_daily_quota_devices: {},
      });
      expect(quiet.ingested).toHaveLength(0);
    } finally {
      await quiet.close();
    }
  });
});

describe('413 Payload too large', () => {
  const tooLarge = { status: 413, body: { code: 413, error: 'Payload too large' } };

  it('refuses more than 2000 events on either endpoint', async () => {
    const events = eventsFor(device, 2001);
    expect(await sendUpload(fake, '/2/httpapi', upload(events))).toEqual(tooLarge);
    expect(await sendUpload(fake, '/batch', upload(events))).toEqual(tooLarge);
  });

  it('refuses more than 1 MB on HTTP V2 but takes it on Batch (up to 20 MB)', async () => {
    const padded = eventsFor(device, 5, { event_properties: { a: 'x'.repeat(1000), b: 'y'.repeat(1000) } });
    const body = JSON.stringify(upload(padded, { padding: 'z'.repeat(1_000_000) }));
    expect(await sendUpload(fake, '/2/httpapi', body)).toEqual(tooLarge);
    expect((await sendUpload(fake, '/batch', body)).status).toBe(200);
    expect(
      await sendUpload(fake, '/batch', JSON.stringify(upload(padded, { padding: 'z'.repeat(20_000_000) }))),
    ).toEqual(tooLarge);
  });
});

describe('gzip', () => {
  it('accepts a gzipped body, records it as sent, and reports the size after gunzip', async () => {
    const payload = upload(eventsFor(device, 4));
    const answer = await sendUpload(fake, '/2/httpapi', payload, { gzip: true });

    expect(answer.status).toBe(200);
    expect(answer.body.payload_size_bytes).toBe(Buffer.byteLength(JSON.stringify(payload)));
    expect(fake.ingested).toHaveLength(4);
    const recorded = fake.requests[0]!;
    expect(recorded.headers['content-encoding']).toBe('gzip');
    expect(recorded.body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });

  it('counts the size limit after gunzip', async () => {
    const body = JSON.stringify(upload(eventsFor(device, 1), { padding: 'z'.repeat(1_100_000) }));
    const sent = await sendUpload(fake, '/2/httpapi', body, { gzip: true });
    expect(fake.requests[0]!.body.length).toBeLessThan(100_000);
    expect(sent.status).toBe(413);
  });

  it('answers a body that does not gunzip as invalid JSON', async () => {
    const answer = await sendUpload(fake, '/2/httpapi', '{"not":"gzip"}', {
      headers: { 'content-encoding': 'gzip' },
    });
    expect(answer.body).toEqual({ code: 400, error: 'Invalid JSON request body' });
  });
});

describe('forced answers carry their documented bodies', () => {
  it.each([
    [400, { code: 400, error: 'Invalid API key' }],
    [403, { code: 403, error: 'Forbidden' }],
    [413, { code: 413, error: 'Payload too large' }],
    [500, { code: 500, error: 'Internal server error' }],
    [502, { code: 502, error: 'Bad gateway' }],
    [503, { code: 503, error: 'Service unavailable' }],
    [504, { code: 504, error: 'Gateway timeout' }],
  ] as const)('%i', async (status, body) => {
    fake.enqueueAnswers(status);
    expect(await sendUpload(fake, '/2/httpapi', upload(eventsFor(device, 2)))).toEqual({ status, body });
    expect(fake.ingested).toHaveLength(0);
  });

  it('429 names every device and event of the request (Batch adds the daily quota maps)', async () => {
    fake.enqueueAnswers(429, 429);
    const events = [...eventsFor(device, 1), { event_type: 'e', user_id: 'user-12345' }];
    expect((await sendUpload(fake, '/2/httpapi', upload(events))).body).toEqual({
      code: 429,
      error: 'Too many requests for some devices and users',
      eps_threshold: 30,
      throttled_devices: { [device]: 31 },
      throttled_users: { 'user-12345': 31 },
      throttled_events: [0, 1],
    });
    expect((await sendUpload(fake, '/batch', upload(events))).body).toMatchObject({
      eps_threshold: 1000,
      exceeded_daily_quota_devices: {},
      exceeded_daily_quota_users: {},
    });
    expect(fake.stats.throttled).toBe(2);
  });
});
