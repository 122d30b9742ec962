// `dr dotenv setup`: writes .env from .env.template. Values already in .env are kept; the
// DataRobot endpoint and token come from the login (DATAROBOT_ENDPOINT/DATAROBOT_API_TOKEN or
// drconfig.yaml); every other empty key is asked for on a terminal (secrets masked), or left at
// the template's default without one. Without a terminal, required keys still empty are named
// and the command fails (exit 1) after writing what it could.
import { join } from 'node:path';
import { DrError, ExitCode } from '@dr/shared';
import { isInteractive } from '../cli/context.ts';
import type { CommandIO } from '../datarobot/command-io.ts';
import { resolveAccess } from '../datarobot/connect.ts';
import { applicationFolder } from './app-folder.ts';
import { assignment, type EnvLine, envValues, readEnvFile, withValues, writeEnvFile } from './env-file.ts';
import { DOTENV_FILE, readEnvTemplate, type TemplateEntry } from './env-template.ts';
import { TerminalPrompt } from './terminal-prompt.ts';

export interface DotenvSetupResult {
  readonly file: string;
  readonly missing: readonly string[];
}

export async function dotenvSetup(io: CommandIO, folder = applicationFolder()): Promise<number> {
  try {
    const result = await fillDotenv(io, folder);
    if (result.missing.length > 0) {
      throw new DrError(
        'DOTENV_INCOMPLETE',
        `${result.file} still needs a value for ${result.missing.join(', ')}: run \`dr dotenv setup\` on a terminal, or set ${result.missing.length === 1 ? 'it' : 'them'} with \`dr dotenv edit\`.`,
      );
    }
    return ExitCode.ok;
  } catch (error) {
    if (!(error instanceof DrError && error.code === 'DOTENV_INCOMPLETE'))
      io.telemetry.record('dotenv_setup', {
        result: error instanceof DrError && error.code === 'INTERRUPTED' ? 'cancelled' : 'failure',
      });
    throw error;
  }
}

/** Fills .env in `folder` and records dotenv_setup; returns the required keys still empty. */
export async function fillDotenv(io: CommandIO, folder: string): Promise<DotenvSetupResult> {
  const template = readEnvTemplate(folder);
  const file = join(folder, DOTENV_FILE);
  const existing = readEnvFile(file);
  const current = envValues(existing ?? []);
  const fromLogin = loginValues(io);

  const chosen = new Map<string, string>();
  const toAsk: TemplateEntry[] = [];
  for (const entry of template.entries) {
    const have = current.get(entry.name);
    if (have !== undefined && have !== '') continue;
    const login = fromLogin.get(entry.name);
    if (login !== undefined) chosen.set(entry.name, login);
    else if (entry.commented && have === undefined) continue;
    else toAsk.push(entry);
  }

  if (toAsk.length > 0 && isInteractive(io)) {
    const prompt = TerminalPrompt.open(io, '');
    try {
      prompt.say(`Setting up ${file} (press Enter to keep the value in brackets).`);
      for (const entry of toAsk) {
        if (entry.description !== '') prompt.say(`  ${entry.description}`);
        const answer = await prompt.ask(`${entry.name}${entry.required ? '' : ' (optional)'}`, {
          defaultValue: entry.defaultValue,
          secret: entry.secret,
        });
        chosen.set(entry.name, answer);
      }
    } finally {
      prompt.close();
    }
  } else {
    for (const entry of toAsk) if (!entry.commented) chosen.set(entry.name, entry.defaultValue);
  }

  const lines = existing === undefined ? fromTemplate(template.lines, chosen) : withValues(existing, chosen);
  writeEnvFile(file, lines);
  const values = envValues(lines);
  const missing = template.entries
    .filter((entry) => entry.required && (values.get(entry.name) ?? '') === '')
    .map((entry) => entry.name);
  io.stderr.write(`${existing === undefined ? 'Wrote' : 'Updated'} ${file} (${values.size} settings).\n`);
  io.telemetry.record('dotenv_setup', {
    keys_count: values.size,
    missing_count: missing.length,
    result: missing.length === 0 ? 'success' : 'failure',
  });
  return { file, missing };
}

/** The template's own lines with the chosen values, so its comments and order are kept. */
function fromTemplate(lines: readonly EnvLine[], chosen: ReadonlyMap<string, string>): EnvLine[] {
  const rendered = lines.map((line) => {
    const commented =
      line.name === undefined ? /^\s*#\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line.text) : null;
    const name = line.name ?? commented?.[1];
    if (name === undefined || !chosen.has(name)) return line;
    return { text: assignment(name, chosen.get(name)!), name, value: chosen.get(name)! };
  });
  return withValues(rendered, new Map());
}

/** DATAROBOT_ENDPOINT and DATAROBOT_API_TOKEN as the login has them (no network). */
export function loginValues(io: CommandIO): Map<string, string> {
  const access = resolveAccess(io.configFlag, io.env);
  const values = new Map<string, string>();
  if (access.endpoint) values.set('DATAROBOT_ENDPOINT', access.endpoint.apiUrl);
  if (access.token) values.set('DATAROBOT_API_TOKEN', access.token);
  return values;
}
