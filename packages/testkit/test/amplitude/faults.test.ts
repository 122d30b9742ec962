// Scripted answers and standing faults: the ways the path to Amplitude fails, as a client meets them.

import { createConnection } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeAmplitude, parseFault, startFakeAmplitude } from '../../src/index.ts';
import { eventsFor, sendUpload, upload } from './send-upload.ts';

const device = 'device-faults-0001';
let fake: FakeAmplitude | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Whether a TCP connection to the port is accepted (true) or refused (false). */
function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('scripted answers', () => {
  it('answers 413, then 429, then as Amplitude, then falls back to the standing behaviour', async () => {
    fake = await startFakeAmplitude();
    fake.enqueueAnswers(413, 429, 200);
    const payload = upload(eventsFor(device, 2));

    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++)
      statuses.push((await sendUpload(fake, '/2/httpapi', payload)).status);

    expect(statuses).toEqual([413, 429, 200, 200]);
    expect(fake.requests.map((request) => request.status)).toEqual([413, 429, 200, 200]);
    expect(fake.ingested).toHaveLength(2);
    expect(fake.stats).toMatchObject({
      requests: 4,
      byStatus: { 200: 2, 413: 1, 429: 1 },
      duplicatesAbsorbed: 2,
    });
  });

  it('takes a scripted answer before the standing fault', async () => {
    fake = await startFakeAmplitude({ fault: 503 });
    fake.enqueueAnswers(200);
    const payload = upload(eventsFor(device, 1));
    expect((await sendUpload(fake, '/2/httpapi', payload)).status).toBe(200);
    expect((await sendUpload(fake, '/2/httpapi', payload)).status).toBe(503);
  });

  it('ingests and then answers 502 when told to: the resend is absorbed by insert_id', async () => {
    fake = await startFakeAmplitude();
    fake.enqueueAnswers({ status: 502, afterIngesting: true });
    const events = eventsFor(device, 3);

    expect((await sendUpload(fake, '/2/httpapi', upload(events))).status).toBe(502);
    expect(fake.ingested).toHaveLength(3);
    expect((await sendUpload(fake, '/2/httpapi', upload(events))).status).toBe(200);
    expect(fake.ingested).toHaveLength(3);
    expect(fake.stats.duplicatesAbsorbed).toBe(3);
    expect(fake.timesAcceptedByInsertId.get(events[0]!.insert_id)).toBe(2);
  });
});

describe('network faults', () => {
  it('resets the connection without an answer', async () => {
    fake = await startFakeAmplitude({ fault: 'reset' });
    await expect(sendUpload(fake, '/2/httpapi', upload(eventsFor(device, 1)))).rejects.toThrow();
    expect(fake.requests[0]).toMatchObject({ outcome: 'reset', status: undefined, eventCount: 1 });
    expect(fake.ingested).toHaveLength(0);
  });

  it('holds a request forever, and still closes at once', async () => {
    fake = await startFakeAmplitude();
    await fake.setFault('hang');
    const pending = sendUpload(fake, '/2/httpapi', upload(eventsFor(device, 1)));
    const outcome = pending.then(
      () => 'answered',
      () => 'failed',
    );
    await fake.waitFor(() => fake!.stats.held === 1);

    const closing = Date.now();
    await fake.close();
    expect(Date.now() - closing).toBeLessThan(1000);
    expect(await outcome).toBe('failed');
    expect(fake.ingested).toHaveLength(0);
  });

  it('adds latency before answering, set at start or at run time', async () => {
    fake = await startFakeAmplitude({ latencyMs: 150 });
    let started = performance.now();
    expect((await sendUpload(fake, '/2/httpapi', upload(eventsFor(device, 1)))).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);

    fake.setLatency(300);
    started = performance.now();
    await sendUpload(fake, '/2/httpapi', upload(eventsFor(device, 1)));
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('refuses connections, then listens again on the same port', async () => {
    fake = await startFakeAmplitude();
    const { port, url } = fake;
    expect((await sendUpload(fake, '/2/httpapi', upload(eventsFor(device, 1)))).status).toBe(200);

    await fake.setFault('refuse');
    expect(await connects(port)).toBe(false);
    await expect(sendUpload(fake, '/2/httpapi', upload(eventsFor(device, 1)))).rejects.toThrow();

    await fake.setFault(null);
    expect(fake.port).toBe(port);
    expect(fake.url).toBe(url);
    expect((await sendUpload(fake, '/2/httpapi', upload(eventsFor(device, 1)))).status).toBe(200);
    expect(fake.ingested).toHaveLength(2);
  });

  it('can start refusing, on a port it has reserved', async () => {
    fake = await startFakeAmplitude({ fault: 'refuse' });
    expect(fake.port).toBeGreaterThan(0);
    expect(await connects(fake.port)).toBe(false);
    await fake.setFault(503);
    expect((await sendUpload(fake, '/batch', upload(eventsFor(device, 1)))).status).toBe(503);
  });

  it('drops a held request when it starts refusing', async () => {
    fake = await startFakeAmplitude({ fault: 'hang' });
    const outcome = sendUpload(fake, '/2/httpapi', upload(eventsFor(device, 1))).then(
      () => 'answered',
      () => 'failed',
    );
    await fake.waitFor(() => fake!.stats.held === 1);
    await fake.setFault('refuse');
    expect(await outcome).toBe('failed');
  });
});

describe('parseFault', () => {
  it('reads the spellings the CLI accepts', () => {
    expect(parseFault('503')).toBe(503);
    expect(parseFault('none')).toBe(200);
    expect(parseFault('Refuse')).toBe('refuse');
    expect(parseFault('ingest-then-504')).toEqual({ status: 504, afterIngesting: true });
    expect(() => parseFault('418')).toThrow(/Unknown fault "418"/);
  });
});
