// `dr self telemetry flush`: sends every pending event now, in the foreground (a background drainer
// is asked to stop first), then a summary; only devices Amplitude throttled keep their hold.
// Exit 1 when any event is left unsent.
import { DrError, ExitCode } from '@dr/shared';
import {
  type DrainProgress,
  type DrainSummary,
  drain,
  heldDevices,
  stopRunningDrainer,
  withExistingSpool,
} from '@dr/spooler';
import type { CommandIO } from '../../datarobot/command-io.ts';
import { readTelemetryState } from '../../telemetry/start-telemetry.ts';
import { isoOrNull, pathsOf } from './local-state.ts';

export interface FlushOptions {
  readonly timeoutMs: number;
  readonly outputFormat: 'text' | 'json';
}

const LOCK_POLL_MS = 200;

export async function flushTelemetry(io: CommandIO, options: FlushOptions): Promise<number> {
  const paths = pathsOf(io);
  const state = await readTelemetryState(paths, io.env, io.disableTelemetry === true, false);
  const { spoolDir, apiKey } = state.settings;
  if (!state.decision.enabled || apiKey === '' || 'problem' in state.endpoint) {
    const pending = (await withExistingSpool(spoolDir, (spool) => spool.depth().events)) ?? 0;
    const why = 'problem' in state.endpoint ? state.endpoint.problem : state.decision.explanation;
    if (pending > 0)
      throw new DrError('TELEMETRY_OFF', `Nothing sent (${pending} event(s) wait in the spool): ${why}`);
    io.stdout.write(`Nothing to send. ${why}\n`);
    return ExitCode.ok;
  }
  // The flush takes over from a lingering drainer, and sends what waits out a retry delay.
  let due: number;
  try {
    due =
      (await withExistingSpool(spoolDir, async (spool) => {
        await stopRunningDrainer(spoolDir, spool);
        spool.releaseWaiting(heldDevices(spool, Date.now()));
        return spool.depth().due;
      })) ?? 0;
  } catch (error) {
    throw unusableSpoolFolder(spoolDir, error);
  }
  const progress =
    (io.stderr as { isTTY?: boolean }).isTTY === true && options.outputFormat === 'text'
      ? progressBar(io.stderr, due)
      : undefined;
  const deadline = performance.now() + options.timeoutMs;
  let summary: DrainSummary;
  for (;;) {
    summary = await drain({
      spoolDir,
      endpoint: state.endpoint.url,
      apiKey,
      deadlineMs: Math.max(0, deadline - performance.now()),
      env: io.env,
      ...(progress ? { onProgress: progress.update } : {}),
    }).catch((error: unknown) => {
      throw unusableSpoolFolder(spoolDir, error);
    });
    if (summary.stoppedBecause !== 'locked' || performance.now() >= deadline) break;
    progress?.note('waiting for the background drainer to finish');
    // A drainer started after the first stop request (by a command that saw it) is asked again.
    try {
      await withExistingSpool(spoolDir, (spool) => stopRunningDrainer(spoolDir, spool, LOCK_POLL_MS));
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
  progress?.done();
  const ok = summary.stoppedBecause === 'empty' && summary.left === 0;
  const report = {
    sent: summary.sent,
    dropped: summary.dropped,
    left: summary.left,
    next_retry: isoOrNull(summary.nextRetryAt),
    stopped_because: summary.stoppedBecause,
    ok,
  };
  if (options.outputFormat === 'json') {
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const dropped = Object.entries(summary.dropped)
      .map(([reason, count]) => `${count} ${reason.replace(/_/g, ' ')}`)
      .join(', ');
    io.stdout.write(
      `Sent ${summary.sent} event(s)` +
        `${dropped === '' ? '' : `, dropped ${dropped}`}` +
        `, ${summary.left} left` +
        `${report.next_retry && summary.left > 0 ? ` (next retry ${report.next_retry})` : ''}.\n`,
    );
    if (!ok) {
      const why =
        summary.stoppedBecause === 'empty'
          ? THROTTLED_EXPLANATION
          : STOP_EXPLANATIONS[summary.stoppedBecause];
      io.stdout.write(`Not everything was sent: ${why}\n`);
    }
  }
  return ok ? ExitCode.ok : ExitCode.failure;
}

/**
 * A failure to lock or open the spool, as one line that says what to do. The spool's own errors
 * already say it; a file-system error from the lock (the folder is a file, read-only, not ours)
 * would otherwise surface as an unexpected failure.
 */
function unusableSpoolFolder(spoolDir: string, error: unknown): DrError {
  if (error instanceof DrError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return new DrError(
    'TELEMETRY_SPOOL_UNUSABLE',
    `Cannot lock or open the telemetry spool in ${spoolDir}${typeof code === 'string' ? ` (${code})` : ''}: ` +
      "make it a folder you can write that holds only dr's files, or point DR_TELEMETRY_SPOOL_DIR at another.",
    { cause: error },
  );
}

const THROTTLED_EXPLANATION =
  'Amplitude throttled this device; its events wait out the pause and are sent after it.';

const STOP_EXPLANATIONS: Readonly<Record<DrainSummary['stoppedBecause'], string>> = {
  empty: 'everything due was sent.',
  deadline: 'the time limit ran out (see --timeout).',
  rejected: 'Amplitude refused the request (API key, path or a block); the events are kept.',
  backoff: 'the collector failed, timed out or throttled; the events are kept and retried later.',
  locked: 'another drainer kept the spool busy until the time limit.',
};

function progressBar(stream: NodeJS.WritableStream, total: number) {
  const width = 30;
  const draw = (text: string) => stream.write(`\r\x1b[2K${text}`);
  return {
    update(progress: DrainProgress) {
      const all = Math.max(total, progress.sent + progress.left, 1);
      const filled = Math.round((progress.sent / all) * width);
      draw(`[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${progress.sent}/${all} sent`);
    },
    note(text: string) {
      draw(text);
    },
    done() {
      stream.write('\r\x1b[2K');
    },
  };
}
