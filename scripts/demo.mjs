// `pnpm demo`: dr's telemetry end to end in under a minute: a realistic session of `dr` commands
// (with an offline stretch) in a throw-away home against the testkit's fakes, then what the fake
// Amplitude received.
//
// Exits 0 only if every event dr recorded arrived exactly once: each command runs with
// DR_TELEMETRY_DEBUG=1, which prints every event as it is spooled, and those events are compared
// by insert_id, field by field, with what the fake ingested.
import { join } from 'node:path';
import { loadScriptWorkspace } from '../bench/lib/workspace.mjs';
import { printReport, sessionPrinter } from './lib/demo-report.mjs';
import { DEMO_TOKEN, drainerRunning, spoolDepth, startDemoWorld, stopDemoWorld } from './lib/demo-world.mjs';
import { runDr, startDr, waitForOutput } from './lib/dr-process.mjs';
import { seconds } from './lib/text-table.mjs';

/** How long the drainer may take to deliver everything after the last command. */
const DELIVERY_TIMEOUT_MS = 30_000;
/** Events due, no drainer running, for this long: none will come until the next dr run. */
const STRANDED_AFTER_MS = 1_500;
const POLL_MS = 50;

/**
 * The session, as the user types it: `expect` is the exit code the step should have, `note` what
 * the line of the session table says (else the command's first line of output).
 */
function sessionSteps(world) {
  const app = join(world.home, 'talk-to-my-data');
  // The user's editor, for `dr dotenv edit`: it fills in the key the .env still lacks.
  const editor = 'sed -i s/^OPENAI_API_KEY=$/OPENAI_API_KEY=sk-demo-not-a-real-key/';
  return {
    online: [
      { args: ['self', 'telemetry', 'enable'], expect: 0, note: 'consent, as at the first-run prompt' },
      { args: ['self', 'version'], expect: 0 },
      { args: ['auth', 'set-url', world.dataRobot.url], expect: 0, note: 'point dr at the fake DataRobot' },
      { args: ['auth', 'login', '--no-browser'], expect: 0, login: true, note: 'the demo plays the browser' },
      { args: ['auth', 'check'], expect: 0 },
      { args: ['templates', 'list'], expect: 0, note: 'three templates' },
      { args: ['templates', 'clone', 'Talk to My Data'], expect: 0, note: 'git clone at the release tag' },
      { args: ['dotenv', 'setup'], cwd: app, expect: 1, note: 'fails: OPENAI_API_KEY has no value yet' },
      { args: ['dotenv', 'validate'], cwd: app, expect: 1, note: 'fails: a required key is missing' },
      {
        args: ['dotenv', 'edit'],
        cwd: app,
        env: { EDITOR: editor },
        expect: 0,
        note: '$EDITOR sets the key',
      },
      { args: ['dotenv', 'validate'], cwd: app, expect: 0, note: 'passes' },
      { args: ['task', 'list'], cwd: app, expect: 0, note: 'a stand-in for go-task on PATH' },
      { args: ['task', 'run', 'dev'], cwd: app, expect: 0 },
      { args: ['templates', 'lsit'], expect: 2, note: 'a typo: usage error' },
    ],
    flaky: [{ args: ['dotenv', 'validate'], cwd: app, expect: 0, note: 'its drainer meets the 502' }],
    offline: [
      { args: ['templates', 'list'], expect: 0, note: 'DataRobot answers; Amplitude does not' },
      { args: ['task', 'list'], cwd: app, expect: 0 },
      { args: ['task', 'run', 'dev'], cwd: app, expect: 0 },
      { args: ['self', 'version'], expect: 0 },
    ],
    back: [{ args: ['auth', 'check'], expect: 0, note: 'the first command after the outage' }],
  };
}

/**
 * Plays the session, stretch by stretch, and waits for delivery after each (the user pauses), so
 * each stretch's latency figures are its own. Returns the runs and how the last wait went.
 */
async function playSession(world) {
  const steps = sessionSteps(world);
  const printer = sessionPrinter(world, Object.values(steps).flat());
  const runs = [];
  let flushed = false;
  const play = async (phaseSteps, phase) => {
    for (const step of phaseSteps) {
      runs.push({ ...(await runStep(world, step)), phase, expect: step.expect, note: step.note ?? '' });
      printer.line(runs.at(-1), runs.length);
    }
  };
  const settle = async (phase) => {
    const delivery = await awaitDelivery(world, runs, printer, phase);
    flushed ||= delivery.flushed;
    return { ...delivery, flushed };
  };

  console.log('Session: one line per `dr` process; events = what it recorded into the spool');
  printer.header();
  await play(steps.online, 'online');
  let delivery = await settle('online');
  if (delivery.timedOut) return { runs, delivery };

  // A collector that takes a request and then fails to say so: the drainer must resend, and the
  // collector must absorb the repeats by insert_id.
  world.amplitude.enqueueAnswers({ status: 502, afterIngesting: true });
  console.log('  --- the collector answers the next request 502, after ingesting it ---');
  await play(steps.flaky, 'flaky');
  delivery = await settle('flaky');
  if (delivery.timedOut) return { runs, delivery };

  await world.amplitude.setFault('refuse');
  const offlineAt = Date.now();
  console.log('  --- offline: the collector refuses connections ---');
  await play(steps.offline, 'offline');
  const waiting = producedEvents(runs).filter((e) => !world.amplitude.ingestedByInsertId.has(e.insert_id));
  await world.amplitude.setFault(null);
  console.log(
    `  --- the collector is back after ${seconds(Date.now() - offlineAt)}; ` +
      `${waiting.length} events wait in the spool ---`,
  );
  await play(steps.back, 'back');
  return { runs, delivery: await settle('back') };
}

/** Runs one step; a login is answered as the browser would, once dr prints its listener's URL. */
async function runStep(world, step) {
  const env = { ...world.env, ...(step.login ? { DR_LOGIN_PORT: '0' } : {}), ...step.env };
  const cwd = step.cwd ?? world.home;
  if (!step.login) return runDr(step.args, { env, cwd });
  const running = startDr(step.args, { env, cwd });
  const [, port] = await waitForOutput(running, /http:\/\/localhost:(\d+)\//);
  await (await fetch(`http://127.0.0.1:${port}/?key=${DEMO_TOKEN}`)).text();
  return running.exited;
}

function producedEvents(runs) {
  return runs.flatMap((run) => run.events);
}

function allIngested(world, runs) {
  return producedEvents(runs).every((event) => world.amplitude.ingestedByInsertId.has(event.insert_id));
}

/**
 * Waits until the spool is empty and the collector holds every recorded event.
 * If events stay due with no drainer to send them (a command ended just as the last drainer let
 * go of its lock), runs `dr self telemetry flush`, as the user's next command would send them.
 */
async function awaitDelivery(world, runs, printer, phase) {
  const since = Date.now();
  const deadline = since + DELIVERY_TIMEOUT_MS;
  let idleSince;
  let flushed = false;
  for (;;) {
    // A drainer may linger after delivering (its idle window): delivered is spool empty, all ingested.
    const running = drainerRunning(world);
    const left = spoolDepth(world);
    if (left === 0 && allIngested(world, runs))
      return { waitedMs: Date.now() - since, timedOut: false, flushed };
    if (running || left === 0) idleSince = undefined;
    else idleSince ??= Date.now();
    if (!flushed && idleSince !== undefined && Date.now() - idleSince > STRANDED_AFTER_MS) {
      flushed = true;
      const run = await runDr(['self', 'telemetry', 'flush'], { env: world.env, cwd: world.home });
      runs.push({ ...run, phase, expect: 0, note: `${left} event(s) were left with no drainer` });
      printer.line(runs.at(-1), runs.length);
    }
    if (Date.now() > deadline) return { waitedMs: Date.now() - since, timedOut: true, flushed };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const startedAt = performance.now();
const world = await startDemoWorld(await loadScriptWorkspace());
let passed = false;
try {
  console.log('dr demo: a session of dr commands against local fakes of Amplitude and DataRobot');
  console.log(`home ${world.home} (shown as ~, removed at the end)\n`);
  const { runs, delivery } = await playSession(world);
  passed = printReport(world, runs, delivery);
} finally {
  await stopDemoWorld(world);
}
console.log(`\nRun time ${seconds(performance.now() - startedAt)}.`);
process.exitCode = passed ? 0 : 1;
