// What a test can see of the fake: every request as received, its answer, the stats, waiting on
// a condition with a deadline, and starting over with reset().

import { afterEach, beforeEach, expect, it } from 'vitest';
import { type FakeAmplitude, type RecordedRequest, startFakeAmplitude } from '../../src/index.ts';
import { eventsFor, sendUpload, upload } from './send-upload.ts';

const device = 'device-observed-01';
let fake: FakeAmplitude;
const seen: RecordedRequest[] = [];

beforeEach(async () => {
  seen.length = 0;
  fake = await startFakeAmplitude({
    now: () => 1_750_000_000_000,
    onRequest: (request) => seen.push(request),
  });
});

afterEach(async () => {
  await fake.close();
});

it('records each request with its raw body, headers, event count and answer', async () => {
  const payload = upload(eventsFor(device, 2));
  await sendUpload(fake, '/2/httpapi', payload, { headers: { 'user-agent': 'dr-test' } });
  fake.enqueueAnswers(503);
  await sendUpload(fake, '/batch', payload);

  expect(fake.requests).toHaveLength(2);
  const [first, second] = fake.requests;
  expect(first).toMatchObject({
    method: 'POST',
    path: '/2/httpapi',
    endpoint: 'httpapi',
    eventCount: 2,
    outcome: 'answered',
    status: 200,
    answer: { code: 200, events_ingested: 2 },
    receivedAt: 1_750_000_000_000,
  });
  expect(first!.headers['user-agent']).toBe('dr-test');
  expect(JSON.parse(first!.body.toString('utf8'))).toEqual(payload);
  expect(second).toMatchObject({ endpoint: 'batch', status: 503, eventCount: 2 });
  expect(seen).toEqual(fake.requests);
  expect(fake.stats).toEqual({
    requests: 2,
    byStatus: { 200: 1, 503: 1 },
    throttled: 0,
    duplicatesAbsorbed: 0,
    eventsIngested: 2,
    resets: 0,
    held: 0,
  });
});

it('waits for a condition, and says what it saw when the condition never holds', async () => {
  const sending = sendUpload(fake, '/2/httpapi', upload(eventsFor(device, 5)));
  await fake.waitFor(() => fake.ingested.length === 5, { timeoutMs: 2000 });
  await sending;

  await expect(
    fake.waitFor(() => fake.ingested.length === 6, { timeoutMs: 50, description: 'a sixth event' }),
  ).rejects.toThrow(/a sixth event did not hold within 50 ms \(seen 1 requests, .*5 events ingested\)/);
});

it('forgets everything on reset but keeps its fault', async () => {
  const events = eventsFor(device, 2);
  await sendUpload(fake, '/2/httpapi', upload(events));
  await fake.setFault(503);
  fake.enqueueAnswers(413);
  fake.reset();

  expect(fake.requests).toHaveLength(0);
  expect(fake.ingested).toHaveLength(0);
  expect(fake.ingestedByInsertId.size).toBe(0);
  expect(fake.stats.requests).toBe(0);
  expect((await sendUpload(fake, '/2/httpapi', upload(events))).status).toBe(503);

  await fake.setFault(null);
  await sendUpload(fake, '/2/httpapi', upload(events));
  expect(fake.ingested).toEqual(events);
  expect(fake.stats.duplicatesAbsorbed).toBe(0);
});
