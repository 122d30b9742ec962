// `dr self telemetry reset`: the right to be forgotten on this machine. Every pending event (also in
// spool files moved aside) and the session and identity caches are deleted, and the device id is
// replaced, so nothing recorded before can be linked to what comes after.
import { rmSync } from 'node:fs';
import { isValidDeviceId, newDeviceId, readConfig, updateConfig } from '@dr/shared';
import { Spool, stopRunningDrainer, withExistingSpool } from '@dr/spooler';
import type { CommandIO } from '../../datarobot/command-io.ts';
import { telemetrySettings } from '../../telemetry/telemetry-settings.ts';
import { pathsOf } from './local-state.ts';

export async function resetTelemetry(io: CommandIO): Promise<number> {
  io.telemetry.stopRecording();
  const paths = pathsOf(io);
  const settings = telemetrySettings(paths, io.env);
  // A running drainer is stopped first: it would send, or give back, rows being deleted.
  const deleted =
    (await withExistingSpool(settings.spoolDir, async (spool) => {
      await stopRunningDrainer(settings.spoolDir, spool);
      const { events } = spool.depth();
      spool.clear();
      return events;
    })) ?? 0;
  // Spools once found corrupt, newer or unsafe were moved aside, events and all: forget them too.
  const setAside = Spool.removeSetAside(settings.spoolDir);
  for (const file of [settings.sessionFile, settings.identityFile, settings.configCacheFile]) {
    removeIfPresent(file);
  }
  const hadDeviceId = isValidDeviceId(readConfig(paths.configFile).telemetry?.device_id);
  if (hadDeviceId) {
    await updateConfig(paths.configFile, [{ path: ['telemetry', 'device_id'], value: newDeviceId() }]);
  }
  io.stdout.write(
    `Telemetry reset: ${deleted} pending event(s) deleted` +
      (setAside > 0 ? `, ${setAside} set-aside spool file(s) removed` : '') +
      (hadDeviceId ? ', and this machine has a new random device id.\n' : '.\n'),
  );
  return 0;
}

/** Deletes `file`; one that cannot exist (its folder is missing, or is no folder) is fine too. */
function removeIfPresent(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error;
  }
}
