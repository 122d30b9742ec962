// `dr dotenv validate`: every required key of .env.template (a bare `KEY=`, and the DataRobot
// endpoint and token) has a value in .env or in the environment. Names each missing key and
// exits 1 when any is missing. Values are never printed: they may be secrets.
import { join } from 'node:path';
import { DrError, ExitCode } from '@dr/shared';
import type { CommandIO } from '../datarobot/command-io.ts';
import { applicationFolder } from './app-folder.ts';
import { envValues, readEnvFile } from './env-file.ts';
import { DOTENV_FILE, readEnvTemplate } from './env-template.ts';

export function dotenvValidate(io: CommandIO, folder = applicationFolder()): number {
  const template = readEnvTemplate(folder);
  const file = join(folder, DOTENV_FILE);
  const lines = readEnvFile(file);
  if (lines === undefined) {
    io.telemetry.record('dotenv_validate', { result: 'failure' });
    throw missingDotenv(file);
  }
  const values = envValues(lines);
  const required = template.entries.filter((entry) => entry.required);
  const missing = required.filter((entry) => (values.get(entry.name) || io.env[entry.name] || '') === '');
  io.stdout.write('Validating required variables:\n');
  for (const entry of required) {
    if (!missing.includes(entry)) io.stdout.write(`  ✓ ${entry.name}\n`);
  }
  for (const entry of missing) {
    io.stdout.write(`  ✗ ${entry.name} is not set${entry.description ? ` (${entry.description})` : ''}\n`);
  }
  io.telemetry.record('dotenv_validate', {
    keys_count: values.size,
    missing_count: missing.length,
    result: missing.length === 0 ? 'success' : 'failure',
  });
  if (missing.length > 0) {
    throw new DrError(
      'DOTENV_INVALID',
      `${missing.length} required variable${missing.length === 1 ? ' is' : 's are'} not set: ${missing.map((entry) => entry.name).join(', ')}. Set ${missing.length === 1 ? 'it' : 'them'} in ${file} (\`dr dotenv edit\`) or run \`dr dotenv setup\`.`,
    );
  }
  io.stdout.write('Validation passed: all required variables are set.\n');
  return ExitCode.ok;
}

export function missingDotenv(file: string): DrError {
  return new DrError('DOTENV_MISSING', `There is no ${file}: run \`dr dotenv setup\` to create it.`);
}
