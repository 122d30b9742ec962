// What `pnpm demo` prints: each dr process as it runs, then what the fake Amplitude received, the
// journey, latency from a command's exit to ingestion, totals and the verdict. A "run" is what
// ./dr-process.mjs returns, with the demo's `phase`, the exit code it `expect`s and a `note`.
import { isDeepStrictEqual } from 'node:util';
import { drainerLogLines, spoolDepth } from './demo-world.mjs';
import { clip, median, seconds, table } from './text-table.mjs';

const PHASE_NAMES = {
  online: 'collector up',
  flaky: 'a 502 after ingesting',
  offline: 'collector offline',
  back: 'collector back',
};

/** Prints the session table's header and lines; column widths fit every step of `steps`. */
export function sessionPrinter(world, steps) {
  const commandWidth = Math.max(24, ...steps.map((step) => commandLine(world, step.args).length));
  const columns = [
    { width: 2, right: true },
    { width: commandWidth },
    { width: 4, right: true },
    { width: 6, right: true },
    { width: 15 },
  ];
  const format = (cells, tail) => {
    const padded = cells.map((cell, index) =>
      columns[index].right
        ? String(cell).padStart(columns[index].width)
        : String(cell).padEnd(columns[index].width),
    );
    return `  ${padded.join('  ')}  ${tail}`;
  };
  return {
    header() {
      console.log(format(['#', 'command', 'exit', 'events', 'drainer'], 'note, or first line of output'));
    },
    line(run, index) {
      const drainer = run.drainer === 'drainer-running' ? 'already running' : run.drainer;
      const said = `${run.stderr}\n${run.stdout}`.split('\n').find((line) => line.trim() !== '') ?? '';
      const tail = clip((run.note || said.trim()).replaceAll(world.home, '~'), 60);
      const offScript = run.code === run.expect ? '' : `  << expected exit ${run.expect}`;
      console.log(
        format([index, commandLine(world, run.args), run.code, run.events.length, drainer], tail) + offScript,
      );
    },
  };
}

/** Prints what the collector received and the verdict; true if every event arrived exactly once. */
export function printReport(world, runs, delivery) {
  const { amplitude } = world;
  const produced = runs.flatMap((run) => run.events);
  const runOf = new Map(runs.flatMap((run) => run.events.map((event) => [event.insert_id, run])));
  console.log(
    delivery.timedOut
      ? `\nGave up waiting for delivery after ${seconds(delivery.waitedMs)}.`
      : `\nAll delivered ${seconds(delivery.waitedMs)} after the last command: spool empty.`,
  );
  printEventTypes(produced, amplitude.ingested);
  printJourney(amplitude.ingested, runOf);
  printLatency(runs, world.ingestedAt);
  return printTotalsAndVerdict(world, runs, delivery, runOf);
}

function printEventTypes(produced, ingested) {
  const count = (events) => {
    const counts = new Map();
    for (const event of events) counts.set(event.event_type, (counts.get(event.event_type) ?? 0) + 1);
    return counts;
  };
  const recorded = count(produced);
  const arrived = count(ingested);
  const rows = [...new Set([...recorded.keys(), ...arrived.keys()])]
    .map((type) => [type, recorded.get(type) ?? 0, arrived.get(type) ?? 0])
    .sort((a, b) => b[2] - a[2] || a[0].localeCompare(b[0]));
  console.log('\nEvents by type');
  console.log(
    table(['event type', 'recorded', 'ingested'], [...rows, ['total', produced.length, ingested.length]]),
  );
}

/** The session with the most events, as Amplitude would show it: one line per command. */
function printJourney(ingested, runOf) {
  const sessions = new Map();
  for (const event of ingested)
    sessions.set(event.session_id, [...(sessions.get(event.session_id) ?? []), event]);
  const [sessionId, events] = [...sessions].sort((a, b) => b[1].length - a[1].length)[0] ?? [];
  if (events === undefined) return;
  const ordered = [...events].sort((a, b) => a.time - b.time);
  const user = ordered.find((event) => event.user_id !== undefined)?.user_id;
  console.log(
    `\nJourney of session ${sessionId} (${events.length} of ${ingested.length} events; ` +
      `device ${ordered[0].device_id.slice(0, 8)}…${user ? `; user_id ${user} from the login on` : ''})`,
  );
  /** @type {Array<{ run: any, events: any[] }>} */
  const groups = [];
  for (const event of ordered) {
    const run = runOf.get(event.insert_id);
    const last = groups.at(-1);
    if (last !== undefined && last.run === run) last.events.push(event);
    else groups.push({ run, events: [event] });
  }
  const rows = groups.map(({ run, events: group }) => [
    `+${((group[0].time - ordered[0].time) / 1000).toFixed(2)} s`,
    group.find((event) => typeof event.event_properties?.command === 'string')?.event_properties.command ??
      '?',
    { flaky: '502', offline: 'offline' }[run?.phase] ?? '',
    group.map(describeEvent).join(' > '),
  ]);
  console.log(table(['time', 'command', '', 'events, in order'], rows, { right: ['time'] }));
}

const COMMAND_PROPERTIES = new Set(['command', 'args_count', 'flags', 'duration_ms', 'success']);

/** An event type with the properties that tell the story (all of them allowlisted values). */
function describeEvent(event) {
  const properties = event.event_properties ?? {};
  switch (event.event_type) {
    case 'command_started':
    case 'command_completed':
      return event.event_type;
    case 'command_failed': {
      const why = properties.error_type ? `, ${properties.error_type}` : '';
      return `command_failed(exit ${properties.exit_code}${why})`;
    }
    default: {
      const shown = Object.entries(properties)
        .filter(([name]) => !COMMAND_PROPERTIES.has(name))
        .map(([name, value]) => `${name}=${value}`);
      return shown.length === 0 ? event.event_type : `${event.event_type}(${shown.join(', ')})`;
    }
  }
}

/** Per event: from the exit of the command that recorded it to its ingestion, by stretch. */
function printLatency(runs, ingestedAt) {
  const rows = Object.entries(PHASE_NAMES).flatMap(([phase, name]) => {
    const phaseRuns = runs.filter((run) => run.phase === phase && run.events.length > 0);
    const latencies = phaseRuns.flatMap((run) =>
      run.events
        .filter((event) => ingestedAt.has(event.insert_id))
        .map((event) => Math.max(0, ingestedAt.get(event.insert_id) - run.exitedAt)),
    );
    if (latencies.length === 0) return [];
    return [
      [name, phaseRuns.length, latencies.length, seconds(median(latencies)), seconds(Math.max(...latencies))],
    ];
  });
  console.log("\nFrom a command's exit to its events' ingestion");
  console.log(table(['stretch', 'commands', 'events', 'median', 'max'], rows, { right: ['median', 'max'] }));
  console.log('  (an event that a running drainer sent before its command had exited counts as 0)');
}

function printTotalsAndVerdict(world, runs, delivery, runOf) {
  const { amplitude } = world;
  const produced = runs.flatMap((run) => run.events);
  const producedIds = new Set(produced.map((event) => event.insert_id));
  const ingested = amplitude.ingested;
  const ingestedTwice = ingested.length - new Set(ingested.map((event) => event.insert_id)).size;
  const missing = produced.filter((event) => !amplitude.ingestedByInsertId.has(event.insert_id));
  const unknown = ingested.filter((event) => !producedIds.has(event.insert_id));
  const altered = produced.filter((event) => {
    const arrived = amplitude.ingestedByInsertId.get(event.insert_id);
    return arrived !== undefined && !isDeepStrictEqual(arrived, event);
  });
  const notRecorded = runs.flatMap((run) => run.notRecorded);
  const resent = [...amplitude.timesAcceptedByInsertId.values()].filter((times) => times > 1).length;
  const { stats } = amplitude;
  const statuses = Object.entries(stats.byStatus).map(([status, count]) => `${count}× ${status}`);
  const log = drainerLogLines(world);
  const failedSends = log.filter((line) => /: \d+ events: (network-error|timeout|server-error)/.test(line));
  const drainerProcesses = new Set(log.map((line) => /^\S+ \[(\d+)\]/.exec(line)?.[1]).filter(Boolean)).size;
  const drainerPasses = log.filter((line) => / pass: /.test(line)).length;
  const left = spoolDepth(world);
  const offScript = runs.filter((run) => run.code !== run.expect);

  console.log('\nTotals');
  console.log(
    table(null, [
      ['dr processes run', runs.length],
      ['events recorded into the spool (from their debug output)', produced.length],
      ['events dr could not record', notRecorded.length],
      ['events ingested by the collector', ingested.length],
      ['  recorded but never ingested', missing.length],
      ['  ingested but never recorded', unknown.length],
      ['  ingested with fields other than recorded', altered.length],
      ['  ingested twice', ingestedTwice],
      ['duplicates absorbed by insert_id (events resent)', `${stats.duplicatesAbsorbed} (${resent})`],
      ['requests answered by the collector', `${stats.requests} (${statuses.join(', ') || 'none'})`],
      ['429 answers', stats.throttled],
      [
        'drainer processes, their passes over the spool, and sends that failed',
        `${drainerProcesses}, ${drainerPasses}, ${failedSends.length}`,
      ],
      ['events left in the spool', left],
    ]),
  );
  if (delivery.flushed) {
    console.log('\nEvents were left due with no drainer running, so the demo ran `dr self telemetry flush`.');
  }

  const problems = [
    delivery.timedOut && 'delivery did not finish in time',
    missing.length > 0 &&
      `${missing.length} recorded event(s) never arrived: ${eventList(world, missing, runOf)}`,
    unknown.length > 0 && `${unknown.length} event(s) arrived that dr never recorded`,
    altered.length > 0 && `${altered.length} event(s) arrived changed: ${eventList(world, altered, runOf)}`,
    ingestedTwice > 0 && `${ingestedTwice} event(s) were ingested twice`,
    notRecorded.length > 0 && `dr could not record: ${notRecorded.join(', ')}`,
    left > 0 && `${left} event(s) are still in the spool`,
    ...offScript.map((run) => `\`${commandLine(world, run.args)}\` exited ${run.code}, not ${run.expect}`),
  ].filter(Boolean);
  if (problems.length === 0) {
    console.log(
      `\nOK: every one of the ${produced.length} events dr recorded arrived exactly once, unchanged.`,
    );
    return true;
  }
  console.log('\nFAILED:');
  for (const problem of problems) console.log(`  - ${problem}`);
  return false;
}

function eventList(world, events, runOf) {
  const shown = events
    .slice(0, 5)
    .map(
      (event) => `${event.event_type} of \`${commandLine(world, runOf.get(event.insert_id)?.args ?? [])}\``,
    );
  return `${shown.join('; ')}${events.length > 5 ? '; …' : ''}`;
}

/** The command line as the user typed it, with the fake's URL named rather than spelled out. */
function commandLine(world, args) {
  const words = args.map((arg) =>
    arg === world.dataRobot.url ? '<fake DataRobot URL>' : /\s/.test(arg) ? `"${arg}"` : arg,
  );
  return `dr ${words.join(' ')}`;
}
