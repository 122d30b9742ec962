// The fake Amplitude server for people: start it, point dr at it with DR_TELEMETRY_ENDPOINT, and
// watch one line per request. Runs until Ctrl-C.
//   fake-amplitude [--port N] [--latency MS] [--fault 503|429|reset|hang|refuse|...] [--api-key KEY]...

import { parseArgs } from 'node:util';
import { type RecordedRequest, startFakeAmplitude } from '../amplitude/fake-amplitude.ts';
import { describeFault, faultSpellings, parseFault } from '../amplitude/faults.ts';

const usage = `Usage: fake-amplitude [--port N] [--latency MS] [--fault F] [--api-key KEY]...
  --port N        listen on 127.0.0.1:N (default: a free port)
  --latency MS    wait MS milliseconds before every answer
  --fault F       answer every request with F: ${faultSpellings}
  --api-key KEY   accept only these keys (repeatable; default: any non-empty key)`;

function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new Error(`--${name} takes a whole number, not "${value}".`);
  return parsed;
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
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const fault = values.fault === undefined ? undefined : parseFault(values.fault);
  const fake = await startFakeAmplitude({
    port: numberFlag('port', values.port),
    latencyMs: numberFlag('latency', values.latency),
    fault,
    validApiKeys: values['api-key'],
    onRequest: (request) => console.log(describeRequest(request)),
  });
  console.log(
    `Fake Amplitude listening at ${fake.url} (HTTP V2: ${fake.url}/2/httpapi, Batch: ${fake.url}/batch)`,
  );
  if (fault !== undefined) console.log(`Standing fault: ${describeFault(fault)}`);
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
