// The global options come from one list (src/cli/global-options.ts): whatever the runner accepts
// on every command line, and at the root, is named in every help text and offered by every
// completion script. What the runner accepts is read from the runner itself (the fields of the
// global options it reads, each tried on a real command line), not from that list.
import { join } from 'node:path';
import { Cli } from 'clipanion';
import { describe, expect, it } from 'vitest';
import { splitGlobalOptions } from '../../src/cli/argv.ts';
import { commandTree } from '../../src/cli/command-tree.ts';
import type { DrContext } from '../../src/cli/context.ts';
import { createCli, VersionCommand } from '../../src/cli/create-cli.ts';
import { GLOBAL_OPTIONS } from '../../src/cli/global-options.ts';
import { SHELLS } from '../../src/self/completion.ts';
import { makeDrHome, runDr } from '../support/run-dr.ts';

/**
 * The global options the runner reads: one per field of the global options splitGlobalOptions
 * returns (the field `disableTelemetry` is --disable-telemetry), with whether it takes a value.
 */
function runnerGlobalOptions(): { name: string; takesValue: boolean }[] {
  const globalsOf = (args: readonly string[]) => splitGlobalOptions(args).globals;
  return Object.keys(globalsOf([])).map((field) => {
    const name = `--${field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
    const read = globalsOf([name, 'value']) as unknown as Record<string, unknown>;
    // The runner sets the field from the line: to its value, or to true.
    expect(read[field], name).toBeTruthy();
    return { name, takesValue: read[field] === 'value' };
  });
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
  const global = runnerGlobalOptions();
  expect(global.length).toBeGreaterThan(3);
  // The list the help and completions come from names exactly these: none is listed but not read.
  const listed = GLOBAL_OPTIONS.filter((option) => option.kind === 'command');
  expect(listed.map((option) => option.names.at(-1)).sort()).toEqual(
    global.map((option) => option.name).sort(),
  );
  // A short name (`-v`, `-k`) sets the same field as its long one.
  const shortNames: string[] = [];
  for (const option of listed) {
    for (const short of option.names.slice(0, -1)) {
      const long = splitGlobalOptions([option.names.at(-1)!, 'value']).globals;
      expect(splitGlobalOptions([short]).globals, short).toEqual({
        ...long,
        config: undefined,
        caCert: undefined,
      });
      shortNames.push(short);
    }
  }
  // --output-format: read by the commands that print data, accepted (text kept) by the others.
  const output = GLOBAL_OPTIONS.filter((option) => option.kind === 'output').flatMap(
    (option) => option.names,
  );
  expect(output).toEqual(['--output-format']);
  // Each of them is taken on a real command line, before and after the command's path.
  const home = makeDrHome();
  try {
    const lines = [
      ...[...global, ...shortNames.map((name) => ({ name, takesValue: false }))].flatMap(
        ({ name, takesValue }) => {
          const option = takesValue ? [name, join(home.dir, 'other.yaml')] : [name];
          return [
            ['self', 'version', ...option],
            [...option, 'self', 'version'],
          ];
        },
      ),
      ['self', 'completion', 'bash', '--output-format', 'json'],
      ['--output-format=json', 'self', 'completion', 'bash'],
      ['self', 'version', '--output-format', 'json'],
    ];
    for (const line of lines) {
      const result = await runDr(line, { env: home.env });
      expect(result.code, `dr ${line.join(' ')}: ${result.stderr}`).toBe(0);
    }
  } finally {
    home.cleanup();
  }
  const help = await helpNamesOn(['self', 'version']);
  expect(help).toEqual(['-h', '--help']);
  return [...global.map((option) => option.name), ...shortNames, ...output, ...help];
}

const ROOT_ONLY = VersionCommand.paths.flat();

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
  } else if (shell === 'powershell') {
    const options = script.slice(script.indexOf('$options = @{'));
    for (const match of options.matchAll(/^ {8}'([^']*)' = '([^']*)'$/gm)) {
      add(match[1]!, match[2]!.split(' '));
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
