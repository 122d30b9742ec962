// The DataRobot user id telemetry may send as user_id (SPEC §4), from `GET account/info/`'s `uid`
// once a command has proven the token (login, check); the email is never read. Cached only when
// telemetry records. Best effort: a failure here never fails the command.
import { resolvePaths } from '@dr/shared';
import type { DataRobotClient } from '../datarobot/client.ts';
import type { CommandIO } from '../datarobot/command-io.ts';
import { telemetrySettings } from '../telemetry/telemetry-settings.ts';
import { rememberUserId } from '../telemetry/user-identity.ts';

export async function rememberDataRobotUser(
  client: DataRobotClient,
  token: string,
  io: CommandIO,
): Promise<void> {
  if (io.telemetryIds === undefined) return;
  try {
    const { uid } = await client.accountInfo();
    const paths = resolvePaths({ configFlag: io.configFlag, env: io.env });
    rememberUserId(telemetrySettings(paths, io.env).identityFile, token, uid);
  } catch (error) {
    if (io.verbose) {
      io.stderr.write(
        `Could not read the DataRobot account: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    }
  }
}
