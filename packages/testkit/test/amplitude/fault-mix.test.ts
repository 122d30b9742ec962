// The seeded fault mix: answers drawn by weight from a seed (the same seed, the same answers),
// random delays within their range, scripted answers first, and no 413 for a single event.

import { afterEach, describe, expect, it } from 'vitest';
import { type FakeAmplitude, FaultMixDrawer, seededRandom, startFakeAmplitude } from '../../src/index.ts';
import { eventsFor, sendUpload, upload } from './send-upload.ts';

const device = 'device-mix-0001';
let fake: FakeAmplitude | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('FaultMixDrawer', () => {
  it('draws the same answers and delays from the same seed, by weight', () => {
    const mix = {
      seed: 42,
      answers: [
        { answer: 200, weight: 3 },
        { answer: 503, weight: 1 },
      ] as const,
      latencyMs: [10, 20] as const,
    };
    const first = new FaultMixDrawer(mix);
    const second = new FaultMixDrawer(mix);
    const draws = Array.from({ length: 4000 }, () => first.draw(5));
    expect(Array.from({ length: 4000 }, () => second.draw(5))).toEqual(draws);
    const failures = draws.filter((draw) => draw.answer === 503).length;
    expect(failures).toBeGreaterThan(800);
    expect(failures).toBeLessThan(1200);
    expect(Math.min(...draws.map((draw) => draw.latencyMs))).toBe(10);
    expect(Math.max(...draws.map((draw) => draw.latencyMs))).toBe(20);
    const other = new FaultMixDrawer({ ...mix, seed: 43 });
    expect(Array.from({ length: 50 }, () => other.draw(5))).not.toEqual(draws.slice(0, 50));
  });

  it('answers a single event as Amplitude would when it draws 413', () => {
    const drawer = new FaultMixDrawer({ seed: 7, answers: [{ answer: 413, weight: 1 }] });
    expect(drawer.draw(1).answer).toBe(200);
    expect(drawer.draw(2).answer).toBe(413);
  });

  it('refuses weights that cannot draw anything', () => {
    expect(() => new FaultMixDrawer({ seed: 1, answers: [{ answer: 200, weight: 0 }] })).toThrow(/weight/);
    expect(() => new FaultMixDrawer({ seed: 1, answers: [{ answer: 200, weight: -1 }] })).toThrow(/weight/);
    expect(
      () => new FaultMixDrawer({ seed: 1, answers: [{ answer: 200, weight: 1 }], latencyMs: [5, 1] }),
    ).toThrow(/latency/);
  });

  it('seededRandom stays in [0, 1)', () => {
    const random = seededRandom(0);
    for (let index = 0; index < 10_000; index++) {
      const value = random();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });
});

describe('a fake with a fault mix', () => {
  it('answers with drawn answers after scripted ones, and stops drawing on null', async () => {
    fake = await startFakeAmplitude({ faultMix: { seed: 9, answers: [{ answer: 503, weight: 1 }] } });
    fake.enqueueAnswers(200);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++)
      statuses.push((await sendUpload(fake, '/2/httpapi', upload(eventsFor(device, 2)))).status);
    fake.setFaultMix(null);
    statuses.push((await sendUpload(fake, '/2/httpapi', upload(eventsFor(device, 2)))).status);
    expect(statuses).toEqual([200, 503, 503, 200]);
    expect(fake.ingested).toHaveLength(4);
  });

  it('takes the standing fault back when the mix stops, and a drawn ingest-then-5xx ingests', async () => {
    fake = await startFakeAmplitude({ fault: 429 });
    fake.setFaultMix({ seed: 3, answers: [{ answer: { status: 502, afterIngesting: true }, weight: 1 }] });
    const events = eventsFor(device, 2);
    expect((await sendUpload(fake, '/2/httpapi', upload(events))).status).toBe(502);
    expect(fake.ingested).toHaveLength(2);
    fake.setFaultMix(null);
    expect((await sendUpload(fake, '/2/httpapi', upload(events))).status).toBe(429);
  });

  it('delays each answer by a drawn latency', async () => {
    fake = await startFakeAmplitude({
      faultMix: { seed: 5, answers: [{ answer: 200, weight: 1 }], latencyMs: [150, 150] },
    });
    const started = performance.now();
    expect((await sendUpload(fake, '/2/httpapi', upload(eventsFor(device, 1)))).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });
});
