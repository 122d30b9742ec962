// `dr auth check`: are the configured endpoint and token accepted by DataRobot? Exit 0 when they
// are; 3 when the token is missing or rejected; 5 when no URL is configured; 4 when DataRobot
// cannot be reached.
import { ExitCode, hostKind } from '@dr/shared';
import type { CommandIO } from '../datarobot/command-io.ts';
import { clientFor, resolveAccess } from '../datarobot/connect.ts';
import { DataRobotError, endpointMissing, tokenMissing } from '../datarobot/errors.ts';
import { rememberDataRobotUser } from './user-identity.ts';

export async function checkAuth(io: CommandIO): Promise<number> {
  const access = resolveAccess(io.configFlag, io.env);
  if (access.endpoint === undefined) throw endpointMissing();
  const host_kind = hostKind(access.endpoint.baseUrl);
  if (access.token === undefined) {
    io.telemetry.record('auth_check', { host_kind, valid: false });
    throw tokenMissing();
  }
  const client = await clientFor(access.endpoint, access.token, io);
  try {
    await client.version();
  } catch (error) {
    const rejected = error instanceof DataRobotError && (error.status === 401 || error.status === 403);
    io.telemetry.record('auth_check', rejected ? { host_kind, valid: false } : { host_kind });
    if (rejected && access.settings.token.source === 'environment') {
      io.stderr.write('The token comes from DATAROBOT_API_TOKEN: unset it if it is expired.\n');
    }
    throw error;
  }
  await rememberDataRobotUser(client, access.token, io);
  io.telemetry.record('auth_check', { host_kind, valid: true });
  const source =
    access.settings.token.source === 'environment' ? 'DATAROBOT_API_TOKEN' : access.paths.configFile;
  io.stdout.write(`Authenticated with DataRobot at ${access.endpoint.baseUrl} (API token from ${source}).\n`);
  return ExitCode.ok;
}
