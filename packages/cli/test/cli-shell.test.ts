// The command shell, tested as a user meets it: bin/dr run as a child process.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandTree, loadCommands } from '../src/cli/command-tree.ts';
import { DR_BIN, type DrHome, makeDrHome, runDr } from './support/run-dr.ts';

const STACK_LINE = /^\s+at .+\(.+:\d+:\d+\)$/m;

let home: DrHome;
beforeEach(() => {
  home = makeDrHome();
});
afterEach(() => home.cleanup());

describe('help and version', () => {
  it('lists every command group with `dr --help`', async () => {
    const result = await runDr(['--help'], { env: home.env });
    expect(result.code).toBe(0);
    for (const command of commandTree) {
      expect(result.stdout).toContain(`dr ${command.paths[0]!.join(' ')}`);
    }
    expect(result.stdout).toContain('--disable-telemetry');
  });

  it('prints the list of commands for `dr` alone and for a group alone', async () => {
    const bare = await runDr([], { env: home.env });
    expect(bare.code).toBe(0);
    expect(bare.stdout).toContain('dr auth login');
    const group = await runDr(['self', 'telemetry'], { env: home.env });
    expect(group.code).toBe(0);
    expect(group.stdout).toContain('dr self telemetry status');
    expect(group.stdout).not.toContain('dr auth login');
  });

  it("answers `--help` after a group with the group's list, and after an unknown word with an error", async () => {
    const auth = await runDr(['auth', '--help'], { env: home.env });
    expect(auth.code, auth.stderr).toBe(0);
    expect(auth.stdout).toContain('dr auth check');
    expect(auth.stdout).not.toContain('dr self version');
    const telemetry = await runDr(['self', 'telemetry', '-h'], { env: home.env });
    expect(telemetry.code, telemetry.stderr).toBe(0);
    expect(telemetry.stdout).toContain('dr self telemetry flush');
    expect(telemetry.stdout).not.toContain('dr auth check');
    const unknown = await runDr(['bogus', '--help'], { env: home.env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command: dr bogus.');
  });

  it("answers `--help` anywhere in a command's path with that command's help, never by running it", async () => {
    for (const [args, description] of [
      [['auth', '--help', 'logout'], 'Forget the stored DataRobot API token'],
      [['--help', 'self', 'telemetry', 'disable'], 'Turn usage telemetry off'],
      [
        ['-h', 'self', 'telemetry', 'status'],
        'Show whether telemetry is on, why, and what is waiting to be sent',
      ],
      [['self', '--help', 'version'], 'Show the version of dr and where it runs'],
      [['--output-format', 'json', 'self', 'version', '--help'], 'Show the version of dr and where it runs'],
    ] as const) {
      const result = await runDr(args, { env: home.env });
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout.split('\n', 1)[0], args.join(' ')).toBe(description);
      expect(result.stdout).toContain('Global options');
    }
    // Nothing ran: telemetry was not turned off.
    expect(existsSync(home.configFile)).toBe(false);
  });

  it('keeps the global options of a command named after other options', async () => {
    const config = join(home.dir, 'elsewhere.yaml');
    const result = await runDr(['--config', config, '--reason', 'testing', 'self', 'telemetry', 'disable'], {
      env: home.env,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(config, 'utf8')).toContain('enabled: false');
    expect(existsSync(home.configFile)).toBe(false);
  });

  it('never takes an option for the value of another, as clipanion would not', async () => {
    for (const [args, option] of [
      [['task', 'run', '--dir', '--debug', 'build', 'lint'], '--dir'],
      // One word left: clipanion would take it for --dir's value and miss a task.
      [['task', 'run', '--dir', '--debug', 'build'], '--dir'],
      [['task', 'r', '--dir', '--verbose', 'build'], '--dir'],
      [['auth', 'set-url', 'https://app.datarobot.com', '--config', '--verbose'], '--config'],
      [['self', 'config', '--config', '--debug'], '--config'],
      [['self', 'version', '--config', '--output-format', 'json'], '--config'],
    ] as const) {
      const result = await runDr(args, { env: home.env });
      expect(result.code, args.join(' ')).toBe(2);
      // (--debug adds a line saying whether telemetry records.)
      const [first] = result.stderr.split('\n').filter((line) => !line.startsWith('[telemetry]'));
      expect(first).toBe(`Unknown Syntax Error: Not enough arguments to option ${option}.`);
      expect(result.stdout).toBe('');
    }
    // Nothing was written where an option was taken for a file name.
    expect(existsSync(join(home.dir, '--verbose'))).toBe(false);
    expect(existsSync(home.configFile)).toBe(false);
    // clipanion's negated form of a boolean option is still taken.
    const negated = await runDr(['self', 'version', '--no-debug', '--no-verbose'], { env: home.env });
    expect(negated.code, negated.stderr).toBe(0);
  });

  it('knows each command by the path its class declares, without loading it', async () => {
    const classes = await loadCommands(commandTree);
    expect(classes.map((command) => command.paths)).toEqual(commandTree.map((entry) => entry.paths));
    expect(new Set(classes).size).toBe(commandTree.length);
  });

  it('gives every command a help page with description, details and examples', async () => {
    for (const command of await loadCommands(commandTree)) {
      const usage = command.usage;
      expect(usage?.description, command.name).toBeTruthy();
      expect(usage?.details, command.name).toBeTruthy();
      expect(usage?.examples?.length, command.name).toBeGreaterThan(0);
      // Clipanion renders a details line that starts with '-' as a list item, breaking the paragraph.
      expect(usage?.details, command.name).not.toMatch(/^\s*--/m);
    }
    const result = await runDr(['self', 'telemetry', 'disable', '--help'], { env: home.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Turn usage telemetry off');
    expect(result.stdout).toContain('Examples');
    expect(result.stdout).toContain('--reason');
    expect(result.stdout).toContain('Global options');
  });

  it('prints the version with `dr --version`', async () => {
    const result = await runDr(['--version'], { env: home.env });
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('reports version, commit, build date, Node and platform with `dr self version`', async () => {
    const text = await runDr(['self', 'version'], { env: home.env });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Node.js ${process.versions.node} on ${process.platform}/${process.arch}`);
    const json = await runDr(['self', 'version', '--output-format', 'json'], { env: home.env });
    expect(json.code).toBe(0);
    const info = JSON.parse(json.stdout);
    expect(Object.keys(info).sort()).toEqual([
      'arch',
      'build_date',
      'commit',
      'node_version',
      'os',
      'version',
    ]);
    expect(info.node_version).toBe(process.versions.node);
    expect(Number.isNaN(Date.parse(info.build_date))).toBe(false);
  });

  it('accepts global options before the command path', async () => {
    const result = await runDr(
      ['--debug', '--disable-telemetry', 'self', 'version', '--output-format=json'],
      {
        env: home.env,
      },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).os).toBe(process.platform);
  });

  it('accepts global options on a line that names no command', async () => {
    const list = await runDr(['--verbose'], { env: home.env });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('dr auth login');
    const group = await runDr(['self', '--debug', '--disable-telemetry'], { env: home.env });
    expect(group.code, group.stderr).toBe(0);
    expect(group.stdout).toContain('dr self telemetry status');
    expect(group.stdout).not.toContain('dr auth login');
    const unknown = await runDr(['bogus', '--config', 'x.yaml'], { env: home.env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command: dr bogus.');
  });
});

describe('errors', () => {
  it('rejects an unknown command with a usage error, exit 2 and no stack', async () => {
    const result = await runDr(['self', 'frobnicate'], { env: home.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown command: dr self frobnicate');
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.stdout).toBe('');
  });

  it('rejects a bad option value and an unknown option', async () => {
    const badValue = await runDr(['self', 'version', '--output-format', 'xml'], { env: home.env });
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toContain('--output-format');
    const unknown = await runDr(['self', 'version', '--frobnicate'], { env: home.env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).not.toMatch(STACK_LINE);
  });

  it('answers a bad option on a line that names no command with the reason and where to look', async () => {
    for (const [args, reason] of [
      [['--frobnicate'], 'Unknown Syntax Error: Unsupported option name ("--frobnicate").'],
      [['auth', '--frobnicate'], 'Unknown Syntax Error: Unsupported option name ("--frobnicate").'],
      [['--config'], 'Unknown Syntax Error: Not enough arguments to option --config.'],
      [['auth', '--config'], 'Unknown Syntax Error: Not enough arguments to option --config.'],
      [['--', '--help'], 'Ambiguous Syntax Error: No command matches `dr -- --help`.'],
    ] as const) {
      const result = await runDr(args, { env: home.env });
      expect(result.code).toBe(2);
      expect(result.stderr, args.join(' ')).toBe(`${reason}\nRun \`dr --help\` to see every command.\n`);
    }
    const named = await runDr(['self', 'version', 'extra'], { env: home.env });
    expect(named.code).toBe(2);
    expect(named.stderr).toContain('$ dr self version [--output-format #0]');
  });

  it('shows the stack of a usage error only under --debug', async () => {
    const result = await runDr(['--debug', 'self', 'version', '--frobnicate'], { env: home.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--frobnicate');
    expect(result.stderr).toMatch(STACK_LINE);
  });
});

describe('config file', () => {
  function writeConfig(text: string): void {
    mkdirSync(dirname(home.configFile), { recursive: true });
    writeFileSync(home.configFile, text);
  }

  it('names the file and line of invalid YAML for a command that needs config', async () => {
    writeConfig('endpoint: https://app.datarobot.com/api/v2\ntoken: [unclosed\n');
    const result = await runDr(['self', 'config'], { env: home.env });
    expect(result.code).toBe(5);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${home.configFile}:`);
    expect(lines[0]).toContain('not valid YAML');
  });

  it('never lets invalid YAML break `dr self version` or `--help`', async () => {
    writeConfig(': : :\n\t- [\n');
    const version = await runDr(['self', 'version'], { env: home.env });
    expect(version.code).toBe(0);
    expect(version.stderr).toBe('');
    const help = await runDr(['--help'], { env: home.env });
    expect(help.code).toBe(0);
  });

  it('reads the file named by --config and DATAROBOT_CLI_CONFIG, env credentials first', async () => {
    const other = `${home.dir}/other.yaml`;
    writeFileSync(other, 'endpoint: https://app.eu.datarobot.com/api/v2\ntoken: abcdefghijklmnop\n');
    const viaFlag = await runDr(['self', 'config', '--config', other, '--output-format', 'json'], {
      env: home.env,
    });
    expect(viaFlag.code).toBe(0);
    const report = JSON.parse(viaFlag.stdout);
    expect(report.config_file).toBe(other);
    expect(report.endpoint).toEqual({ value: 'https://app.eu.datarobot.com/api/v2', source: 'config' });
    expect(viaFlag.stdout).not.toContain('abcdefghijklmnop');

    const viaEnv = await runDr(['self', 'config', '--output-format', 'json'], {
      env: {
        ...home.env,
        DATAROBOT_CLI_CONFIG: other,
        DATAROBOT_ENDPOINT: 'https://app.jp.datarobot.com/api/v2',
      },
    });
    expect(JSON.parse(viaEnv.stdout).endpoint).toEqual({
      value: 'https://app.jp.datarobot.com/api/v2',
      source: 'environment',
    });
  });
});

describe('closed and full outputs', () => {
  it('exits quietly with 0 when the reader of stdout goes away (`dr --help | head -1`)', async () => {
    const child = spawn(process.execPath, [DR_BIN, '--help'], {
      env: home.env,
      cwd: home.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The help is two small writes that fit the pipe buffer, so a reader closing after the
    // first chunk would race them; closing before dr has started makes its writes meet EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('error', reject);
      child.on('close', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect(stderr).not.toContain('EPIPE');
    expect(stderr).not.toMatch(STACK_LINE);
    expect(code).toBe(0);
  });

  // A full disk: /dev/full takes nothing (ENOSPC).
  const withFull = (args: string[], fd: 1 | 2) => {
    const full = openSync('/dev/full', 'w');
    try {
      const stdio: ('pipe' | number)[] = ['pipe', 'pipe', 'pipe'];
      stdio[fd] = full;
      return spawnSync(process.execPath, [DR_BIN, ...args], {
        env: home.env,
        cwd: home.dir,
        stdio,
        encoding: 'utf8',
      });
    } finally {
      closeSync(full);
    }
  };

  it.runIf(existsSync('/dev/full'))('says in one line on stderr that output could not be written', () => {
    for (const args of [['self', 'version'], ['--help'], ['self', 'version', '--help'], ['auth']]) {
      const result = withFull(args, 1);
      expect(result.status, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toBe(
        'Error: Cannot write the output (ENOSPC: no space left on device).\n',
      );
    }
  });

  it.runIf(existsSync('/dev/full'))('keeps its exit code when stderr takes nothing', () => {
    const result = withFull(['nosuch'], 2);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
  });
});
