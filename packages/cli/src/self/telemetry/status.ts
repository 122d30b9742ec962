// `dr self telemetry status`: whether telemetry is on and which rule decided, and the local
// facts (device id, session, spool depth, oldest pending, last successful send, endpoint,
// drainer). Reads only: it creates no file, and never shows the API key.

import {
  type DrainerLockState,
  inspectDrainerLock,
  LAST_SUCCESS_META_KEY,
  readDrainerState,
  withExistingSpool,
} from '@dr/spooler';
import { isInteractive } from '../../cli/context.ts';
import type { CommandIO } from '../../datarobot/command-io.ts';
import { readTelemetryState } from '../../telemetry/start-telemetry.ts';
import { isoOrNull, pathsOf, readSessionInfo } from './local-state.ts';

export async function showTelemetryStatus(io: CommandIO, outputFormat: 'text' | 'json'): Promise<number> {
  const paths = pathsOf(io);
  const state = await readTelemetryState(paths, io.env, io.disableTelemetry === true, isInteractive(io));
  const { settings, decision } = state;
  const spool = await withExistingSpool(settings.spoolDir, (opened) => ({
    depth: opened.depth(),
    lastSuccess: Number(opened.getMeta(LAST_SUCCESS_META_KEY) ?? Number.NaN),
    drainer: readDrainerState(opened),
  }));
  const lock = inspectDrainerLock(settings.spoolDir);
  const drainerRunning = lock.state === 'held';
  const session = readSessionInfo(settings.sessionFile);
  const problem = state.configProblem ?? state.spoolFolderProblem;
  const report = {
    enabled: decision.enabled && problem === undefined,
    recording: decision.recordThisRun && problem === undefined && 'url' in state.endpoint,
    reason:
      state.configProblem !== undefined
        ? 'config-invalid'
        : problem !== undefined
          ? 'spool-folder-refused'
          : decision.reason,
    explanation: problem ?? decision.explanation,
    device_id: state.view?.telemetry?.device_id ?? null,
    session_id: session?.sessionId ?? null,
    session_last_seen: isoOrNull(session?.lastSeen),
    spool: {
      path: settings.spoolDir,
      events: spool?.depth.events ?? 0,
      bytes: spool?.depth.bytes ?? 0,
      due: spool?.depth.due ?? 0,
      oldest_pending: isoOrNull(spool?.depth.oldestCreatedAt),
      next_attempt: isoOrNull(spool?.depth.nextAttemptAt),
    },
    last_successful_send: isoOrNull(spool?.lastSuccess),
    endpoint: 'url' in state.endpoint ? state.endpoint.url : null,
    endpoint_problem: 'problem' in state.endpoint ? state.endpoint.problem : null,
    api_key:
      settings.apiKey === ''
        ? 'missing'
        : io.env.DR_TELEMETRY_API_KEY
          ? 'from DR_TELEMETRY_API_KEY'
          : 'built in',
    drainer_running: drainerRunning,
    drainer_exits_by: drainerRunning ? isoOrNull(spool?.drainer?.exitsBy) : null,
    drainer_problem: lockProblem(lock),
  };
  if (outputFormat === 'json') {
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  const rows: [string, string][] = [
    ['telemetry', report.enabled ? 'on' : 'off'],
    ['why', report.explanation],
    ['device id', report.device_id ?? '(none yet)'],
    [
      'session',
      report.session_id === null ? '(none)' : `${report.session_id} (last seen ${report.session_last_seen})`,
    ],
    ['pending events', `${report.spool.events} (${report.spool.due} due, ${report.spool.bytes} bytes)`],
    ['oldest pending', report.spool.oldest_pending ?? '-'],
    ['last sent', report.last_successful_send ?? 'never'],
    ['endpoint', report.endpoint ?? `refused: ${report.endpoint_problem}`],
    ['API key', report.api_key],
    ['drainer', drainerLine(report)],
    ['spool folder', report.spool.path],
  ];
  io.stdout.write(`${rows.map(([name, value]) => `${name.padEnd(16)}${value}`).join('\n')}\n`);
  return 0;
}

/** What stands at the lock's path when it is not a lock, and what to do about it. */
function lockProblem(lock: DrainerLockState): string | null {
  if (lock.state !== 'foreign') return null;
  return (
    `${lock.path} is a ${lock.kind === 'other' ? 'special file' : lock.kind}, not dr's lock folder: ` +
    'the next drainer moves it aside; if this stays, remove it.'
  );
}

function drainerLine(report: {
  drainer_running: boolean;
  drainer_exits_by: string | null;
  drainer_problem: string | null;
}): string {
  if (report.drainer_problem !== null) return `not running: ${report.drainer_problem}`;
  if (!report.drainer_running) return 'not running';
  return report.drainer_exits_by === null
    ? 'running'
    : `running (exits at ${report.drainer_exits_by} unless more events come)`;
}
