// `dr dotenv edit`: opens .env in $VISUAL or $EDITOR (else vi, or notepad on Windows), without a
// shell: the editor setting is split on spaces (`code --wait` works), never interpreted.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DrError, ExitCode } from '@dr/shared';
import type { CommandIO } from '../datarobot/command-io.ts';
import { applicationFolder } from './app-folder.ts';
import { envValues, readDotenvText, readEnvFile } from './env-file.ts';
import { DOTENV_FILE, type EnvTemplate, parseEnvTemplate, TEMPLATE_FILE } from './env-template.ts';
import { missingDotenv } from './validate.ts';

export async function dotenvEdit(io: CommandIO, folder = applicationFolder()): Promise<number> {
  const file = join(folder, DOTENV_FILE);
  // Read before the editor opens: an unreadable .env or template fails before anyone edits.
  let template: EnvTemplate | undefined;
  try {
    if (readEnvFile(file) === undefined) throw missingDotenv(file);
    template = optionalTemplate(folder);
  } catch (error) {
    io.telemetry.record('dotenv_edit', { result: 'failure' });
    throw error;
  }
  const editor = (io.env.VISUAL || io.env.EDITOR || (process.platform === 'win32' ? 'notepad' : 'vi')).trim();
  const [command, ...args] = editor.split(/\s+/);
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(command!, [...args, file], { stdio: 'inherit', env: io.env });
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        new DrError(
          'EDITOR_NOT_FOUND',
          `Cannot start the editor \`${command}\` (${error.code ?? error.message}): set $VISUAL or $EDITOR to your editor.`,
        ),
      ),
    );
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1)));
  }).catch((error: unknown) => {
    io.telemetry.record('dotenv_edit', { result: 'failure' });
    throw error;
  });
  const values = envValues(readEnvFile(file) ?? []);
  const missing = template?.entries.filter(
    (entry) => entry.required && (values.get(entry.name) ?? '') === '',
  ).length;
  io.telemetry.record('dotenv_edit', {
    keys_count: values.size,
    ...(missing === undefined ? {} : { missing_count: missing }),
    result: code === 0 ? 'success' : 'failure',
  });
  if (code !== 0) throw new DrError('EDITOR_FAILED', `The editor \`${command}\` exited with code ${code}.`);
  return ExitCode.ok;
}

/**
 * The template when the folder has one (edit needs none: without it there is no missing_count);
 * DOTENV_TEMPLATE_UNREADABLE when it is there but cannot be read, as for the other dotenv commands.
 */
function optionalTemplate(folder: string): EnvTemplate | undefined {
  const file = join(folder, TEMPLATE_FILE);
  if (!existsSync(file)) return undefined;
  return parseEnvTemplate(file, readDotenvText(file, 'DOTENV_TEMPLATE_UNREADABLE'));
}
