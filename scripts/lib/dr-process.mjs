// Runs the built bin/dr as a user would, and reads back what its telemetry did from the lines
// DR_TELEMETRY_DEBUG=1 prints (every event recorded, exactly as it will be sent, every one not
// recorded, the drainer started or not): the demo's record of what was produced.
import { spawn } from 'node:child_process';
import { DR_BIN } from '../../bench/lib/workspace.mjs';

const EVENT_LINE = /^\[telemetry\] event (\{.*\})$/;
const NOT_RECORDED_LINE = /^\[telemetry\] event (\S+) not recorded: /;
const DRAINER_LINE = /^\[telemetry\] drainer (started|not started: (\S+))/;
const KILL_AFTER_MS = 30_000;

/**
 * @typedef {object} DrRun
 * @property {readonly string[]} args
 * @property {number | null} code
 * @property {string} stdout
 * @property {string} stderr  without the telemetry lines
 * @property {object[]} events  events recorded, in order, as printed
 * @property {string[]} notRecorded  types of events dr failed to record
 * @property {string} drainer  'started', or why not ('drainer-running', ...), or '' if not said
 * @property {number} startedAt  ms since the epoch
 * @property {number} exitedAt  ms since the epoch, when the process exited
 */

/** A running dr: `output()` so far, and `exited`, its DrRun. */
export function startDr(args, { env, cwd }) {
  const startedAt = Date.now();
  const child = spawn(process.execPath, [DR_BIN, ...args], { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdin.end();
  const killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
  let exitedAt = 0;
  child.on('exit', () => {
    exitedAt = Date.now();
  });
  const exited = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ args, code, stdout, startedAt, exitedAt: exitedAt || Date.now(), ...readTelemetry(stderr) });
    });
  });
  return { child, output: () => stdout + stderr, exited };
}

/** Runs dr to its end. */
export function runDr(args, options) {
  return startDr(args, options).exited;
}

/** Waits until `pattern` shows in what `running` printed; rejects at the deadline or its exit. */
export async function waitForOutput(running, pattern, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = running.output().match(pattern);
    if (match) return match;
    if (Date.now() > deadline || running.child.exitCode !== null) {
      throw new Error(`dr did not print ${pattern} within ${timeoutMs} ms:\n${running.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function readTelemetry(stderr) {
  const events = [];
  const notRecorded = [];
  let drainer = '';
  const userLines = [];
  for (const line of stderr.split('\n')) {
    const event = EVENT_LINE.exec(line);
    const failed = NOT_RECORDED_LINE.exec(line);
    const spawned = DRAINER_LINE.exec(line);
    if (event) events.push(JSON.parse(event[1]));
    else if (failed) notRecorded.push(failed[1]);
    else if (spawned) drainer = spawned[2] ?? 'started';
    else if (!line.startsWith('[telemetry] ')) userLines.push(line);
  }
  return { stderr: userLines.join('\n'), events, notRecorded, drainer };
}
