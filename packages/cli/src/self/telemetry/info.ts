// `dr self telemetry info`: what is collected and what never is, and the exact JSON of the next
// pending events as the drainer would send them (the spool holds them in that very form).
import { TELEMETRY_INFO_TEXT } from '@dr/shared';
import { withExistingSpool } from '@dr/spooler';
import type { CommandIO } from '../../datarobot/command-io.ts';
import { telemetrySettings } from '../../telemetry/telemetry-settings.ts';
import { pathsOf } from './local-state.ts';

export interface InfoOptions {
  readonly limit: number;
  readonly outputFormat: 'text' | 'json';
}

export async function showTelemetryInfo(io: CommandIO, options: InfoOptions): Promise<number> {
  const { spoolDir } = telemetrySettings(pathsOf(io), io.env);
  const pending = (await withExistingSpool(spoolDir, (spool) => ({
    total: spool.depth().events,
    next: spool.peek(options.limit).map((row) => JSON.parse(row.json) as unknown),
  }))) ?? { total: 0, next: [] };
  if (options.outputFormat === 'json') {
    io.stdout.write(
      `${JSON.stringify({ description: TELEMETRY_INFO_TEXT, pending_events: pending.total, next_events: pending.next }, null, 2)}\n`,
    );
    return 0;
  }
  io.stdout.write(`${TELEMETRY_INFO_TEXT}\n\n`);
  if (pending.total === 0) {
    io.stdout.write('No events are waiting to be sent.\n');
    return 0;
  }
  io.stdout.write(
    `${pending.total} event(s) wait to be sent. The next ${pending.next.length}, exactly as they would be sent:\n`,
  );
  io.stdout.write(`${JSON.stringify(pending.next, null, 2)}\n`);
  return 0;
}
