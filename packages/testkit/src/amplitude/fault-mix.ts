// A seeded random mix of answers and latencies, for soaks: a failing run names its seed. Every
// drawn answer is a real Amplitude answer: a 413 drawn for a one-event request is answered as
// Amplitude would instead, since no real collector calls one small event too large.

import type { FakeAnswer } from './faults.ts';

export interface WeightedAnswer {
  readonly answer: FakeAnswer;
  /** Relative weight, a non-negative number; the chance is weight / sum of weights. */
  readonly weight: number;
}

export interface FaultMix {
  /** Seeds the generator: the same seed and the same order of requests draw the same answers. */
  readonly seed: number;
  readonly answers: readonly WeightedAnswer[];
  /** Each request waits a whole number of ms drawn evenly from [min, max], on top of the standing latency. */
  readonly latencyMs?: readonly [min: number, max: number];
}

export interface MixDraw {
  readonly answer: FakeAnswer;
  readonly latencyMs: number;
}

/** Draws answers and delays of a FaultMix, one per request, in the order requests arrive. */
export class FaultMixDrawer {
  private readonly random: () => number;
  private readonly total: number;

  constructor(private readonly mix: FaultMix) {
    if (mix.answers.some(({ weight }) => !(weight >= 0) || !Number.isFinite(weight)))
      throw new Error('Fault mix weights must be finite numbers of at least 0.');
    this.total = mix.answers.reduce((sum, { weight }) => sum + weight, 0);
    if (!(this.total > 0)) throw new Error('A fault mix needs at least one answer with a weight above 0.');
    const [min, max] = mix.latencyMs ?? [0, 0];
    if (!(min >= 0 && max >= min))
      throw new Error('Fault mix latency must be [min, max] with 0 <= min <= max.');
    this.random = seededRandom(mix.seed);
  }

  /** The answer and delay for a request carrying `eventCount` events. */
  draw(eventCount: number): MixDraw {
    let point = this.random() * this.total;
    let answer: FakeAnswer = this.mix.answers.at(-1)!.answer;
    for (const entry of this.mix.answers) {
      if (point < entry.weight) {
        answer = entry.answer;
        break;
      }
      point -= entry.weight;
    }
    const [min, max] = this.mix.latencyMs ?? [0, 0];
    const latencyMs = min + Math.floor(this.random() * (max - min + 1));
    return { answer: answer === 413 && eventCount <= 1 ? 200 : answer, latencyMs };
  }
}

/** mulberry32: a small, fast 32-bit generator; uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 2 ** 32;
  };
}
