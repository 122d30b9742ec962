// `dr dotenv update`: writes the current DataRobot endpoint and token into .env after checking
// the token with DataRobot, keeping every other line as it is (the Go dr's refresh after a new
// `dr auth login`).
import { join } from 'node:path';
import { ExitCode } from '@dr/shared';
import type { CommandIO } from '../datarobot/command-io.ts';
import { connectToDataRobot } from '../datarobot/connect.ts';
import { applicationFolder } from './app-folder.ts';
import { envValues, readEnvFile, withValues, writeEnvFile } from './env-file.ts';
import { DOTENV_FILE } from './env-template.ts';
import { missingDotenv } from './validate.ts';

export async function dotenvUpdate(io: CommandIO, folder = applicationFolder()): Promise<number> {
  const file = join(folder, DOTENV_FILE);
  try {
    const lines = readEnvFile(file);
    if (lines === undefined) throw missingDotenv(file);
    const { client, endpoint, token } = await connectToDataRobot(io);
    await client.version();
    const updated = withValues(
      lines,
      new Map([
        ['DATAROBOT_ENDPOINT', endpoint.apiUrl],
        ['DATAROBOT_API_TOKEN', token],
      ]),
    );
    writeEnvFile(file, updated);
    io.stderr.write(`Updated DATAROBOT_ENDPOINT and DATAROBOT_API_TOKEN in ${file}.\n`);
    io.telemetry.record('dotenv_update', { keys_count: envValues(updated).size, result: 'success' });
    return ExitCode.ok;
  } catch (error) {
    io.telemetry.record('dotenv_update', { result: 'failure' });
    throw error;
  }
}
