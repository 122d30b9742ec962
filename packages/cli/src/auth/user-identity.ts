// The DataRobot user id that telemetry may send as user_id (SPEC §4), learned when a command
// has just proven the token works (login, check): `GET /api/v2/account/info/` gives `uid`;
// the email is never read. Best effort: a failure here never fails the command.
import type { DataRobotClient } from '../datarobot/client.ts';
import type { CommandIO } from '../datarobot/command-io.ts';

export async function rememberDataRobotUser(
  client: DataRobotClient,
  _token: string,
  io: CommandIO,
): Promise<string | undefined> {
  try {
    const { uid } = await client.accountInfo();
    return uid;
  } catch (error) {
    if (io.verbose)
      io.stderr.write(
        `Could not read the DataRobot account: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    return undefined;
  }
}
