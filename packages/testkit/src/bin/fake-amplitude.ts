// The fake Amplitude server for people: start it, point dr at it with DR_TELEMETRY_ENDPOINT, and
// watch one line per request. Runs until Ctrl-C.
//   fake-amplitude [--port N] [--latency MS] [--fault 503|429|reset|hang|refuse|...] [--api-key KEY]...
//                  [--fault-mix SEED [--mix-answers F=W,...] [--mix-latency MIN-MAX]]

import { parseArgs } from 'node:util';
import { type RecordedRequest, startFakeAmplitude } from '../amplitude/fake-amplitude.ts';
import type { FaultMix, WeightedAnswer } from '../amplitude/fault-mix.ts';
import { describeFault, type FakeFault, faultSpellings, parseFault } from '../amplitude/faults.ts';

/** The mix `--fault-mix SEED` draws from without --mix-answers: mostly 200s, no held requests. */
const DEFAULT_MIX_ANSWERS = '200=6,500=1,503=1,ingest-then-502=1,429=1,413=1,reset=1';

const usage = `Usage: fake-amplitude [--port N] [--latency MS] [--fault F] [--api-key KEY]...
                      [--fault-mix SEED [--mix-answers F=W,...] [--mix-latency MIN-MAX]]
  --port N        listen on 127.0.0.1:N (default: a free port)
  --latency MS    wait MS milliseconds before every answer
  --fault F       answer every request with F: ${faultSpellings}
  --api-key KEY   accept only these keys (repeatable; default: any non-empty key)
  --fault-mix SEED
                  answer each request with a random draw from a mix of answers, seeded with SEED
                  (a whole number, 0 to 4294967295): the same seed and the same order of requests
                  draw the same answers, so a run can be replayed
  --mix-answers F=W,...
                  the answers the mix draws from and their relative weights (F as for --fault,
                  except refuse; W a number of at least 0; the chance of F is W / sum of weights)
                  (default: ${DEFAULT_MIX_ANSWERS})
  --mix-latency MIN-MAX
                  each request also waits a random whole number of ms from MIN to MAX, on top of
                  --latency (default: 0-0)`;

function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new Error(`--${name} takes a whole number, not "${value}".`);
  return parsed;
}

const MAX_SEED = 2 ** 32 - 1;

function seedFlag(value: string): number {
  const seed = Number(value);
  if (value.trim() === '' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED)
    throw new Error(`--fault-mix takes a seed, a whole number from 0 to ${MAX_SEED}, not "${value}".`);
  return seed;
}

function mixAnswersFlag(value: string): WeightedAnswer[] {
  const answers = value.split(',').map((pair): WeightedAnswer => {
    const match = /^\s*([^=\s]+)\s*=\s*(\S+)\s*$/.exec(pair);
    if (!match)
      throw new Error(
        `--mix-answers takes FAULT=WEIGHT pairs separated by commas (e.g. 200=6,503=1), not "${value}".`,
      );
    const [, faultText, weightText] = match;
    let fault: FakeFault;
    try {
      fault = parseFault(faultText!);
    } catch (error) {
      throw new Error(`--mix-answers: ${(error as Error).message}`);
    }
    if (fault === 'refuse')
      throw new Error(
        '--mix-answers cannot draw "refuse" (it closes the port for good): use --fault refuse.',
      );
    const weight = Number(weightText);
    if (!Number.isFinite(weight) || weight < 0)
      throw new Error(
        `--mix-answers weights are numbers of at least 0, not "${weightText}" (in "${pair.trim()}").`,
      );
    return { answer: fault, weight };
  });
  if (!answers.some(({ weight }) => weight > 0))
    throw new Error(`--mix-answers needs at least one answer with a weight above 0, not "${value}".`);
  return answers;
}

function mixLatencyFlag(value: string): readonly [number, number] {
  const match = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(value);
  const range = match ? ([Number(match[1]), Number(match[2])] as const) : undefined;
  if (!range || range[0] > range[1])
    throw new Error(
      `--mix-latency takes MIN-MAX in whole milliseconds with MIN <= MAX (e.g. 0-300), not "${value}".`,
    );
  return range;
}

function faultMixFlags(values: {
  'fault-mix'?: string;
  'mix-answers'?: string;
  'mix-latency'?: string;
}): FaultMix | undefined {
  if (values['fault-mix'] === undefined) {
    for (const flag of ['mix-answers', 'mix-latency'] as const)
      if (values[flag] !== undefined) throw new Error(`--${flag} needs --fault-mix SEED.`);
    return undefined;
  }
  return {
    seed: seedFlag(values['fault-mix']),
    answers: mixAnswersFlag(values['mix-answers'] ?? DEFAULT_MIX_ANSWERS),
    latencyMs: values['mix-latency'] === undefined ? undefined : mixLatencyFlag(values['mix-latency']),
  };
}

function describeMix(mix: FaultMix): string {
  const answers = mix.answers.map(({ answer, weight }) => `${describeFault(answer)}=${weight}`).join(',');
  const latency = mix.latencyMs ? `, latency ${mix.latencyMs[0]}-${mix.latencyMs[1]} ms` : '';
  return `seed ${mix.seed}, answers ${answers}${latency} (replay: --fault-mix ${mix.seed})`;
}

function describeRequest(request: RecordedRequest): string {
  const time = new Date(request.receivedAt).toISOString().slice(11, 23);
  const outcome = request.outcome === 'answered' ? String(request.status) : request.outcome;
  const error = request.answer && 'error' in request.answer ? ` ${request.answer.error}` : '';
  const encoding = request.headers['content-encoding'] ? ` ${request.headers['content-encoding']}` : '';
  return `${time} ${request.method} ${request.path} -> ${outcome}${error} (${request.eventCount} events, ${request.body.length} bytes${encoding})`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      latency: { type: 'string' },
      fault: { type: 'string' },
      'api-key': { type: 'string', multiple: true },
      'fault-mix': { type: 'string' },
      'mix-answers': { type: 'string' },
      'mix-latency': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const fault = values.fault === undefined ? undefined : parseFault(values.fault);
  const faultMix = faultMixFlags(values);
  const fake = await startFakeAmplitude({
    port: numberFlag('port', values.port),
    latencyMs: numberFlag('latency', values.latency),
    fault,
    faultMix,
    validApiKeys: values['api-key'],
    onRequest: (request) => console.log(describeRequest(request)),
  });
  console.log(
    `Fake Amplitude listening at ${fake.url} (HTTP V2: ${fake.url}/2/httpapi, Batch: ${fake.url}/batch)`,
  );
  if (fault !== undefined) console.log(`Standing fault: ${describeFault(fault)}`);
  if (faultMix !== undefined) console.log(`Fault mix: ${describeMix(faultMix)}`);
  console.log(`Point dr at it: DR_TELEMETRY_ENDPOINT=${fake.url}. Ctrl-C to stop.`);

  const stop = () => {
    const { requests, eventsIngested, duplicatesAbsorbed } = fake.stats;
    console.log(
      `\n${requests} requests, ${eventsIngested} events ingested, ${duplicatesAbsorbed} duplicates absorbed.`,
    );
    void fake.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  console.error(usage);
  process.exit(2);
});
