// Help's order without ICU: compareNames must sort exactly as the localeCompare it stands in for,
// and must not need ICU for dr's own categories and commands.
import { describe, expect, it } from 'vitest';
import { compareNames, plainOrder } from '../../src/cli/compare-names.ts';
import { listingCli } from '../../src/cli/create-cli.ts';

const icu = (a: string, b: string) =>
  Math.sign(a.localeCompare(b, 'en', { usage: 'sort', caseFirst: 'upper' }));

/** A seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('the order of names in help', () => {
  it('is the order of localeCompare for any pair of texts', () => {
    const next = random(20261128);
    // Letters of both cases, digits, space and '-' (sorted here), and what is left to ICU.
    const alphabet = 'aAbBmMzZ059 -_[]<>#.,=|~é\n\t';
    const text = () =>
      Array.from(
        { length: Math.floor(next() * 7) },
        () => alphabet[Math.floor(next() * alphabet.length)],
      ).join('');
    let told = 0;
    for (let round = 0; round < 20_000; round += 1) {
      const a = text();
      const b = next() < 0.3 ? a.slice(0, Math.floor(next() * (a.length + 1))) + text() : text();
      if (plainOrder(a, b) !== undefined) told += 1;
      expect(Math.sign(compareNames(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(icu(a, b));
    }
    // Many pairs are told without ICU, so the check above is about this code, not ICU's.
    expect(told).toBeGreaterThan(5_000);
  });

  it('needs no ICU to sort the categories and commands of `dr --help`', async () => {
    const cli = await listingCli([]);
    const compared: [string, string][] = [];
    const sorting = cli as unknown as { compareNames: (a: string, b: string) => number };
    const own = sorting.compareNames;
    expect(own).toBe(compareNames);
    sorting.compareNames = (a, b) => {
      compared.push([a, b]);
      return own(a, b);
    };
    expect(cli.usage(null)).toContain('dr self telemetry status');
    expect(compared.length).toBeGreaterThan(20);
    for (const [a, b] of compared) expect(plainOrder(a, b), `${a} vs ${b}`).toBeDefined();
  });
});
