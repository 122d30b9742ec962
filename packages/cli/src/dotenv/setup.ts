// `dr dotenv setup`: writes .env from .env.template, keeping values already there; the DataRobot
// endpoint and token come from the login; other empty keys are asked on a terminal (all keys with
// --all), or take the template's default. Required keys left empty fail it, but only warn with --yes.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DrError, ExitCode } from '@dr/shared';
import { isInteractive, isNonInteractiveRun } from '../cli/context.ts';
import type { CommandIO } from '../datarobot/command-io.ts';
import { resolveAccess } from '../datarobot/connect.ts';
import { applicationFolder } from './app-folder.ts';
import { assignment, type EnvLine, envValues, readEnvFile, withValues, writeEnvFile } from './env-file.ts';
import {
  DOTENV_FILE,
  type EnvTemplate,
  readEnvTemplate,
  TEMPLATE_FILE,
  type TemplateEntry,
} from './env-template.ts';
import { isPromptCancellation, noTerminal, onScreen, TerminalPrompt } from './terminal-prompt.ts';

/** The Go dr's flags of `dotenv setup`. */
export interface DotenvSetupOptions {
  /** Do nothing when .env already satisfies the template (dotenvSatisfiesTemplate). */
  readonly ifNeeded?: boolean;
  /** Ask for every key of the template, not only the empty ones. */
  readonly all?: boolean;
  /**
   * Ask nothing: keep what .env has, take the login and the template's defaults, and only warn
   * about required keys left empty. DATAROBOT_CLI_NON_INTERACTIVE counts as this, as in the Go dr.
   */
  readonly yes?: boolean;
  /** The folder to write .env in, instead of the application folder. */
  readonly outputDir?: string | undefined;
}

export interface DotenvSetupResult {
  readonly file: string;
  readonly missing: readonly string[];
}

export async function dotenvSetup(
  io: CommandIO,
  options: DotenvSetupOptions = {},
  folder = applicationFolder(),
): Promise<number> {
  try {
    if (options.all && options.yes) {
      throw new DrError(
        'DOTENV_FLAGS_CONFLICT',
        '--all asks for every key and --yes asks nothing: give one of them.',
        {
          exitCode: ExitCode.usage,
        },
      );
    }
    // The Go dr binds DATAROBOT_CLI_NON_INTERACTIVE to the same `yes` as the flag (not to --all).
    const yes = options.yes === true || isNonInteractiveRun(io.env);
    if (options.ifNeeded) {
      const { template, file } = setupFiles(folder, options.outputDir);
      const lines = readEnvFile(file);
      if (lines !== undefined && dotenvSatisfiesTemplate(template, lines)) {
        io.stdout.write('Configuration already exists, skipping setup.\n');
        io.telemetry.record('dotenv_setup', {
          keys_count: envValues(lines).size,
          missing_count: 0,
          result: 'success',
          skipped: true,
          go_command: 'dr dotenv setup',
        });
        return ExitCode.ok;
      }
    }
    const result = await fillDotenv(io, folder, { ...options, yes });
    // As the Go dr's --yes: the file is written and the run goes on; a script sees the names.
    if (yes) warnIfIncomplete(io, result);
    else if (result.missing.length > 0) {
      const { file, missing } = result;
      throw new DrError(
        'DOTENV_INCOMPLETE',
        `${file} still needs a value for ${missing.join(', ')}: run \`dr dotenv setup\` on a terminal, or set ${missing.length === 1 ? 'it' : 'them'} with \`dr dotenv edit\`.`,
      );
    }
    return ExitCode.ok;
  } catch (error) {
    if (!(error instanceof DrError && error.code === 'DOTENV_INCOMPLETE'))
      io.telemetry.record('dotenv_setup', {
        result: isPromptCancellation(error) ? 'cancelled' : 'failure',
        go_command: 'dr dotenv setup',
      });
    throw error;
  }
}

/** One stderr line naming the required keys `fillDotenv` left empty (names only, never values). */
export function warnIfIncomplete(io: CommandIO, { file, missing }: DotenvSetupResult): void {
  if (missing.length === 0) return;
  io.stderr.write(
    `Warning: ${file} still needs a value for ${missing.join(', ')}: set ${missing.length === 1 ? 'it' : 'them'} with \`dr dotenv edit\`.\n`,
  );
}

/**
 * Whether .env (its `lines`) already satisfies the template, as the Go dr's `--if-needed` decides:
 * every key the template sets (not commented out) is assigned in .env, and every required one
 * has a value there. The environment is not looked at, nor the template's defaults: a key only
 * they would fill still needs the setup.
 */
export function dotenvSatisfiesTemplate(template: EnvTemplate, lines: readonly EnvLine[]): boolean {
  const values = envValues(lines);
  return template.entries.every(
    (entry) =>
      entry.commented || (values.has(entry.name) && (!entry.required || values.get(entry.name) !== '')),
  );
}

/**
 * The template and the .env file of a setup: both in `folder`; with `outputDir`, .env goes
 * there, and the template is the one in `outputDir` when it has one, else the folder's.
 */
function setupFiles(folder: string, outputDir: string | undefined): { template: EnvTemplate; file: string } {
  if (outputDir === undefined) return { template: readEnvTemplate(folder), file: join(folder, DOTENV_FILE) };
  const target = resolve(outputDir);
  if (existsSync(target) && !statSync(target).isDirectory()) {
    throw new DrError(
      'DOTENV_OUTPUT_NOT_FOLDER',
      `--output names the folder to write .env in, and ${target} is a file: give its folder instead.`,
      { exitCode: ExitCode.usage },
    );
  }
  mkdirSync(target, { recursive: true });
  const template = readEnvTemplate(existsSync(join(target, TEMPLATE_FILE)) ? target : folder);
  return { template, file: join(target, DOTENV_FILE) };
}

/** Fills .env in `folder` (or `outputDir`) and records dotenv_setup; returns the required keys still empty. */
export async function fillDotenv(
  io: CommandIO,
  folder: string,
  options: Pick<DotenvSetupOptions, 'all' | 'yes' | 'outputDir'> = {},
): Promise<DotenvSetupResult> {
  const { template, file } = setupFiles(folder, options.outputDir);
  const existing = readEnvFile(file);
  const current = envValues(existing ?? []);
  const fromLogin = loginValues(io);

  const chosen = new Map<string, string>();
  const toAsk: { entry: TemplateEntry; defaultValue: string }[] = [];
  for (const entry of template.entries) {
    const have = current.get(entry.name);
    const login = fromLogin.get(entry.name);
    if (options.all) toAsk.push({ entry, defaultValue: have || login || entry.defaultValue });
    else if (have !== undefined && have !== '') continue;
    else if (login !== undefined) chosen.set(entry.name, login);
    else if (entry.commented && have === undefined) continue;
    else toAsk.push({ entry, defaultValue: entry.defaultValue });
  }

  const ask = toAsk.length > 0 && !options.yes && isInteractive(io);
  if (options.all && !options.yes && toAsk.length > 0 && !ask) {
    throw noTerminal('run `dr dotenv setup` without --all to fill the empty keys from the defaults.', io.env);
  }
  if (ask) {
    await onScreen(io.telemetry, 'dotenv_wizard', async () => {
      const prompt = TerminalPrompt.open(io, '');
      try {
        prompt.say(`Setting up ${file} (press Enter to keep the value in brackets).`);
        for (const { entry, defaultValue } of toAsk) {
          if (entry.description !== '') prompt.say(`  ${entry.description}`);
          const answer = await prompt.ask(`${entry.name}${entry.required ? '' : ' (optional)'}`, {
            defaultValue,
            secret: entry.secret,
          });
          chosen.set(entry.name, answer);
        }
      } finally {
        prompt.close();
      }
    });
  } else {
    for (const { entry, defaultValue } of toAsk) if (!entry.commented) chosen.set(entry.name, defaultValue);
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
    asked_count: ask ? toAsk.length : 0,
    go_command: 'dr dotenv setup',
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
