// `dr auth logout`: removes the API token from drconfig.yaml and keeps the endpoint, so the next
// `dr auth login` goes to the same installation.
import { ExitCode, hostKind, updateConfig } from '@dr/shared';
import type { CommandIO } from '../datarobot/command-io.ts';
import { resolveAccess } from '../datarobot/connect.ts';

export async function logout(io: CommandIO): Promise<number> {
  const access = resolveAccess(io.configFlag, io.env);
  const stored = typeof access.config.token === 'string' && access.config.token !== '';
  if (stored) await updateConfig(access.paths.configFile, [{ path: ['token'], value: undefined }]);
  io.stderr.write(
    stored
      ? `Logged out: the API token is removed from ${access.paths.configFile}.\n`
      : `No API token was stored in ${access.paths.configFile}.\n`,
  );
  if (access.settings.token.source === 'environment') {
    io.stderr.write(
      'Note: DATAROBOT_API_TOKEN is still set in your environment; unset it to log out completely.\n',
    );
  }
  io.telemetry.record('auth_logout', access.endpoint ? { host_kind: hostKind(access.endpoint.baseUrl) } : {});
  return ExitCode.ok;
}
