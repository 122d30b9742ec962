// insert_id deduplication: a resent event is accepted but ingested once per device for 7 days.

import { afterEach, beforeEach, expect, it } from 'vitest';
import { type FakeAmplitude, startFakeAmplitude } from '../../src/index.ts';
import { eventsFor, sendUpload, upload } from './send-upload.ts';

const day = 24 * 60 * 60 * 1000;
let clock = 1_750_000_000_000;
let fake: FakeAmplitude;

beforeEach(async () => {
  clock = 1_750_000_000_000;
  fake = await startFakeAmplitude({ now: () => clock });
});

afterEach(async () => {
  await fake.close();
});

it('accepts a resent event without ingesting it again, and counts it', async () => {
  const events = eventsFor('device-dedup-0001', 3);
  await sendUpload(fake, '/2/httpapi', upload(events));
  const resend = await sendUpload(fake, '/batch', upload([events[1], ...eventsFor('device-dedup-0001', 1)]));

  expect(resend.body).toMatchObject({ code: 200, events_ingested: 2 });
  expect(fake.ingested).toHaveLength(4);
  expect(fake.stats.duplicatesAbsorbed).toBe(1);
  expect(fake.timesAcceptedByInsertId.get(events[1]!.insert_id)).toBe(2);
  expect(fake.timesAcceptedByInsertId.get(events[0]!.insert_id)).toBe(1);
});

it('absorbs a duplicate inside one request too', async () => {
  const [event] = eventsFor('device-dedup-0001', 1);
  await sendUpload(fake, '/2/httpapi', upload([event, event]));
  expect(fake.ingested).toEqual([event]);
  expect(fake.stats.duplicatesAbsorbed).toBe(1);
});

it('remembers insert ids per device', async () => {
  const [event] = eventsFor('device-dedup-0001', 1);
  await sendUpload(fake, '/2/httpapi', upload([event, { ...event, device_id: 'device-dedup-0002' }]));
  expect(fake.ingested).toHaveLength(2);
  expect(fake.stats.duplicatesAbsorbed).toBe(0);
});

it('forgets an insert id after 7 days', async () => {
  const events = eventsFor('device-dedup-0001', 1);
  await sendUpload(fake, '/2/httpapi', upload(events));
  clock += 7 * day - 1;
  await sendUpload(fake, '/2/httpapi', upload(events));
  expect(fake.ingested).toHaveLength(1);

  clock += 1;
  await sendUpload(fake, '/2/httpapi', upload(events));
  expect(fake.ingested).toHaveLength(2);
});

it('does not remember events of a rejected request', async () => {
  const events = eventsFor('device-dedup-0001', 2);
  fake.enqueueAnswers(503);
  await sendUpload(fake, '/2/httpapi', upload(events));
  await sendUpload(fake, '/2/httpapi', upload([...events, { event_type: 'e', device_id: 'x' }]));
  await sendUpload(fake, '/2/httpapi', upload(events));
  expect(fake.ingested).toEqual(events);
  expect(fake.stats.duplicatesAbsorbed).toBe(0);
});

it('ingests every event without an insert_id', async () => {
  const event = { event_type: 'e', device_id: 'device-dedup-0001' };
  await sendUpload(fake, '/2/httpapi', upload([event, event]));
  expect(fake.ingested).toHaveLength(2);
});
