// The global options come from one list (src/cli/global-options.ts): whatever the parser accepts
// on every command, and at the root, is named in every help text and offered by every completion
// script. What the parser accepts is read from clipanion itself, not from that list.
import { Builtins, Cli, Command, type CommandClass } from 'clipanion';
import { describe, expect, it } from 'vitest';
import { commandTree, loadCommands } from '../../src/cli/command-tree.ts';
import type { DrContext } from '../../src/cli/context.ts';
import { createCli } from '../../src/cli/run-cli.ts';
import { SHELLS } from '../../src/self/completion.ts';
import { makeDrHome, runDr } from '../support/run-dr.ts';

interface ParsedOption {
  readonly names: readonly string[];
  readonly hidden: boolean;
  readonly arity: number;
}

/** The options a command class declares, as clipanion's builder is told of them. */
function declaredOptionsOf(commandClass: CommandClass<DrContext>): ParsedOption[] {
  const options: ParsedOption[] = [];
  const builder = {
    addOption: ({ names, hidden = false, arity = 0 }: Partial<ParsedOption>) =>
      options.push({ names: names ?? [], hidden, arity }),
    addPositional: () => {},
    addRest: () => {},
    addProxy: () => {},
  };
  const command = new commandClass() as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(command)) {
    const spec = value as { [Command.isOption]?: boolean; definition?: (b: unknown, k: string) => void };
    if (spec?.[Command.isOption] === true) spec.definition?.(builder, key);
  }
  return options;
}

/** The options each command accepts without listing them in its usage line: the global ones. */
async function hiddenOptionsOfEveryCommand(): Promise<ParsedOption[]> {
  const perCommand = (await loadCommands(commandTree)).map((command) =>
    declaredOptionsOf(command).filter((o) => o.hidden),
  );
  const key = (option: ParsedOption) => option.names.join(',');
  const shared = perCommand[0]!.filter((option) =>
    perCommand.every((options) => options.some((other) => key(other) === key(option))),
  );
  expect(shared.length).toBeGreaterThan(0);
  for (const options of perCommand) expect(options.map(key).sort()).toEqual(shared.map(key).sort());
  return shared;
}

/** Names the parser takes on `path` as a request for help. */
async function helpNamesOn(path: readonly string[]): Promise<string[]> {
  const cli = await createCli(path);
  return ['-h', '--help'].filter((name) => {
    const command = cli.process([...path, name], Cli.defaultContext as unknown as DrContext);
    return command.help || command.constructor.name === 'HelpCommand';
  });
}

async function everyCommandOptions(): Promise<string[]> {
  const hidden = await hiddenOptionsOfEveryCommand();
  const names = hidden.flatMap((option) => option.names);
  // Each of them parses on a real command line.
  for (const option of hidden) {
    const line = ['self', 'version', option.names.at(-1)!, ...Array(option.arity).fill('x')];
    const cli = await createCli(line);
    expect(() => cli.process(line, Cli.defaultContext as unknown as DrContext)).not.toThrow();
  }
  const help = await helpNamesOn(['self', 'version']);
  expect(help).toEqual(['-h', '--help']);
  return [...names, ...help];
}

const ROOT_ONLY = Builtins.VersionCommand.paths!.flat();

/** The option names a completion script offers after each command path (`''` is the root). */
function offeredOptions(shell: string, script: string): Map<string, Set<string>> {
  const offered = new Map<string, Set<string>>();
  const add = (path: string, names: string[]) =>
    offered.set(path, new Set([...(offered.get(path) ?? []), ...names]));
  if (shell === 'fish') {
    for (const match of script.matchAll(/^complete -c dr -n '__dr_path_(?:is|starts) ?([^']*)' (.*)$/gm)) {
      const flags = [...match[2]!.matchAll(/(?:^| )-([sl]) (\S+)/g)].map(([, kind, name]) =>
        kind === 's' ? `-${name}` : `--${name}`,
      );
      add(match[1]!, flags);
    }
  } else {
    const options = script.slice(script.indexOf('_dr_options()'));
    for (const match of options.matchAll(/^ {4}"([^"]*)"\) echo "([^"]*)" ;;$/gm)) {
      add(match[1]!, match[2]!.split(' '));
    }
  }
  return offered;
}

function mentions(text: string, name: string): boolean {
  return new RegExp(`(?<![\\w-])${name}(?![\\w-])`).test(text);
}

describe('the global options', () => {
  it('are all named in the help of the root and of every command', async () => {
    const global = await everyCommandOptions();
    const home = makeDrHome();
    try {
      for (const args of [['--help'], ['self', 'version', '--help'], ['dotenv', 'setup', '-h'], ['self']]) {
        const { stdout } = await runDr(args, { env: home.env });
        for (const name of [...global, ...ROOT_ONLY]) {
          expect(
            mentions(stdout.slice(stdout.indexOf('Global options')), name),
            `${name} in dr ${args.join(' ')}`,
          ).toBe(true);
        }
      }
    } finally {
      home.cleanup();
    }
  });

  it.each(SHELLS)(
    'are all offered by the %s completion, after every command and at the root',
    async (shell) => {
      const global = await everyCommandOptions();
      const home = makeDrHome();
      try {
        const { code, stdout } = await runDr(['self', 'completion', shell], { env: home.env });
        expect(code).toBe(0);
        const offered = offeredOptions(shell, stdout);
        for (const command of commandTree) {
          const path = command.paths[0]!.join(' ');
          for (const name of global)
            expect(offered.get(path) ?? new Set(), `${name} after dr ${path}`).toContain(name);
        }
        for (const name of [...global, ...ROOT_ONLY])
          expect(offered.get('') ?? new Set(), `${name} at the root`).toContain(name);
      } finally {
        home.cleanup();
      }
    },
  );
});
