// Every command of dr in one list: its path, other names (the Go dr's, canonical path first)
// and how to load its class, so a line loads only the classes it can reach (argv.ts,
// create-cli.ts). One class per file under src/commands/; a test checks each path against it.
import type { CommandClass } from 'clipanion';
import type { CommandEntry, DrContext } from './context.ts';

/** An entry: its paths, and its file's command class (the export that has `paths`). */
function command(path: string, load: () => Promise<object>, aliases: readonly string[] = []): CommandEntry {
  return {
    paths: [path, ...aliases].map((words) => words.split(' ')),
    load: async () => {
      const found = Object.values(await load()).find(
        (value) => typeof value === 'function' && 'paths' in value,
      );
      if (found === undefined) throw new Error(`the file of \`dr ${path}\` exports no command class`);
      return found as CommandClass<DrContext>;
    },
  };
}

/** Every command, grouped by first word for reading; nothing depends on the grouping. */
const commandGroups = {
  auth: [
    command('auth login', () => import('../commands/auth/login.ts')),
    command('auth logout', () => import('../commands/auth/logout.ts')),
    command('auth check', () => import('../commands/auth/check.ts')),
    command('auth set-url', () => import('../commands/auth/set-url.ts')),
    command('auth export', () => import('../commands/auth/export.ts')),
  ],
  templates: [
    command('templates list', () => import('../commands/templates/list.ts'), ['template list']),
    command('templates clone', () => import('../commands/templates/clone.ts'), ['template clone']),
    command('templates setup', () => import('../commands/templates/setup.ts'), ['template setup']),
    // The Go dr's guided first run, a top-level command; `quickstart` is its Go alias.
    command('start', () => import('../commands/start.ts'), ['quickstart']),
  ],
  dotenv: [
    command('dotenv setup', () => import('../commands/dotenv/setup.ts')),
    command('dotenv edit', () => import('../commands/dotenv/edit.ts')),
    command('dotenv validate', () => import('../commands/dotenv/validate.ts')),
    command('dotenv update', () => import('../commands/dotenv/update.ts')),
  ],
  task: [
    command('task list', () => import('../commands/task/list.ts'), ['task l']),
    command('task run', () => import('../commands/task/run.ts'), ['task r', 'run']),
    command('task compose', () => import('../commands/task/compose.ts')),
  ],
  dependency: [
    command('dependency check', () => import('../commands/dependency/check.ts'), [
      'dependencies check',
      'deps check',
    ]),
    command('dependency install', () => import('../commands/dependency/install.ts'), [
      'dependencies install',
      'deps install',
    ]),
  ],
  self: [
    command('self version', () => import('../commands/self/version.ts')),
    command('self update', () => import('../commands/self/update.ts')),
    command('self completion', () => import('../commands/self/completion.ts')),
    command('self completion install', () => import('../commands/self/completion/install.ts')),
    command('self completion uninstall', () => import('../commands/self/completion/uninstall.ts')),
    command('self config', () => import('../commands/self/config.ts')),
    command('self telemetry status', () => import('../commands/self/telemetry/status.ts')),
    command('self telemetry enable', () => import('../commands/self/telemetry/enable.ts')),
    command('self telemetry disable', () => import('../commands/self/telemetry/disable.ts')),
    command('self telemetry info', () => import('../commands/self/telemetry/info.ts')),
    command('self telemetry flush', () => import('../commands/self/telemetry/flush.ts')),
    command('self telemetry reset', () => import('../commands/self/telemetry/reset.ts')),
  ],
} as const satisfies Record<string, readonly CommandEntry[]>;

export const commandTree: readonly CommandEntry[] = Object.values(commandGroups).flat();

/** The classes of these commands, in the same order. */
export function loadCommands(entries: readonly CommandEntry[]): Promise<CommandClass<DrContext>[]> {
  return Promise.all(entries.map((entry) => entry.load()));
}
