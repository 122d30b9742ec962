// dr task list and run, as bin/dr with a tiny fake go-task `task` script on PATH: it prints a
// task list for `--list --json`, and otherwise logs its arguments and exits as told.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { splitTaskArgs } from '../../src/task/run.ts';
import { fakeTaskOnPath } from '../support/fake-task.ts';
import { type DrHome, makeDrHome, runDr } from '../support/run-dr.ts';

const TASKS = {
  tasks: [
    { name: 'dev', desc: 'Start the app', summary: '', aliases: ['d'] },
    { name: 'infra:deploy', desc: 'Deploy to\nDataRobot', summary: '', aliases: [] },
  ],
};
const ALL_TASKS = {
  tasks: [...TASKS.tasks, { name: 'internal-helper', desc: '', summary: '', aliases: [] }],
};

const FAKE_TASK = `#!/bin/sh
for arg in "$@"; do
  case "$arg" in
    --list) printf '%s\\n' '${JSON.stringify(TASKS)}'; exit 0 ;;
    --list-all) printf '%s\\n' '${JSON.stringify(ALL_TASKS)}'; exit 0 ;;
  esac
done
printf '%s\\n' "$PWD" "$@" > "$FAKE_TASK_LOG"
echo "task output"
exit \${FAKE_TASK_EXIT:-0}
`;

let home: DrHome;
let app: string;
let env: NodeJS.ProcessEnv;
let log: string;

beforeEach(() => {
  home = makeDrHome();
  app = join(home.dir, 'app');
  mkdirSync(join(app, '.git'), { recursive: true });
  mkdirSync(join(app, 'web'));
  writeFileSync(join(app, 'Taskfile.yml'), "version: '3'\n");
  ({ env, log } = fakeTaskOnPath(home, FAKE_TASK));
});
afterEach(() => home.cleanup());

const loggedArgs = () => readFileSync(log, 'utf8').trimEnd().split('\n');

describe('dr task list', () => {
  it('prints the tasks of the application folder as a table', async () => {
    const result = await runDr(['task', 'list'], { env, cwd: join(app, 'web') });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('TASK          DESCRIPTION\n');
    expect(result.stdout).toContain('dev (d)       Start the app\n');
    expect(result.stdout).toContain('infra:deploy  Deploy to DataRobot\n');
    expect(result.stdout).not.toContain('internal-helper');
  });

  it('answers to the Go alias `dr task l`', async () => {
    const list = await runDr(['task', 'list'], { env, cwd: app });
    const alias = await runDr(['task', 'l'], { env, cwd: app });
    expect(alias.code, alias.stderr).toBe(0);
    expect(alias.stdout).toBe(list.stdout);
    expect(alias.stdout).toContain('dev (d)       Start the app\n');
  });

  it('lists every task with --all, and prints JSON with --output-format json', async () => {
    const result = await runDr(['task', 'list', '-a', '--output-format', 'json', '-d', app], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).tasks.map((task: { name: string }) => task.name)).toEqual([
      'dev',
      'infra:deploy',
      'internal-helper',
    ]);
  });

  it('says how to install go-task when `task` is not on PATH', async () => {
    const empty = join(home.dir, 'empty-bin');
    mkdirSync(empty);
    const result = await runDr(['task', 'list'], { env: { ...env, PATH: empty }, cwd: app });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(
      /^Error: The `task` binary \(go-task\) is not on your PATH: install it \(https:\/\/taskfile.dev/,
    );
  });

  it('says there is no Taskfile', async () => {
    const empty = join(home.dir, 'empty');
    mkdirSync(empty);
    const result = await runDr(['task', 'list'], { env, cwd: empty });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`No Taskfile in ${empty}`);
  });
});

describe('dr task run', () => {
  it('runs the tasks with the Taskfile in the application folder, passing flags and arguments', async () => {
    const result = await runDr(['task', 'run', 'build', 'lint', '-p', '-y', '--', '--watch', 'x'], {
      env,
      cwd: join(app, 'web'),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('task output\n');
    expect(loggedArgs()).toEqual([
      app,
      '-t',
      join(app, 'Taskfile.yml'),
      '--parallel',
      '--yes',
      '-C',
      '2',
      'build',
      'lint',
      '--',
      '--watch',
      'x',
    ]);
  });

  it.each([['task', 'r'], ['run']])(
    "answers to the Go dr's name `dr %s` with the same flags and arguments",
    async (...path) => {
      const result = await runDr([...path, 'build', '-p', '--', '--watch'], { env, cwd: app });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe('task output\n');
      expect(loggedArgs()).toEqual([
        app,
        '-t',
        join(app, 'Taskfile.yml'),
        '--parallel',
        '-C',
        '2',
        'build',
        '--',
        '--watch',
      ]);
    },
  );

  it('says which tasks it runs under -v (--verbose) or DATAROBOT_CLI_VERBOSE, as the Go dr', async () => {
    const quiet = await runDr(['run', 'build'], { env, cwd: app });
    expect(quiet.stderr).not.toContain('Running task(s)');
    const short = await runDr(['-v', 'run', 'build'], { env, cwd: app });
    expect(short.code, short.stderr).toBe(0);
    expect(short.stderr).toContain('Running task(s): build');
    const variable = await runDr(['task', 'run', 'build'], {
      env: { ...env, DATAROBOT_CLI_VERBOSE: 'true' },
      cwd: app,
    });
    expect(variable.stderr).toContain('Running task(s): build');
    // The line wins over the variable, as with the Go dr's flags.
    const off = await runDr(['task', 'run', 'build', '--no-verbose'], {
      env: { ...env, DATAROBOT_CLI_VERBOSE: 'true' },
      cwd: app,
    });
    expect(off.stderr).not.toContain('Running task(s)');
  });

  it('passes a line of 20,000 task names through, in order (parsing it was quadratic: about 57 s)', async () => {
    const tasks = Array.from({ length: 20_000 }, (_, i) => `t${i + 1}`);
    const result = await runDr(['task', 'run', ...tasks, '-p', '--', '--watch'], { env, cwd: app });
    expect(result.code).toBe(0);
    expect(loggedArgs()).toEqual([
      app,
      '-t',
      join(app, 'Taskfile.yml'),
      '--parallel',
      '-C',
      '2',
      ...tasks,
      '--',
      '--watch',
    ]);
  }, 20_000);

  it('names an unknown option after several tasks as the error, once', async () => {
    const result = await runDr(['task', 'run', 'build', 'lint', 'test', '--bogus'], { env, cwd: app });
    expect(result.code).toBe(2);
    // Each task name after the first once left a stale "extraneous argument" candidate behind:
    // the error was "Command not found; did you mean one of:" and the usage three times.
    expect(result.stderr).toMatch(
      /^Unknown Syntax Error: Unsupported option name \("--bogus"\)\.\n\n\$ dr task run /,
    );
    expect(result.stderr.match(/\$ dr task run/g)).toHaveLength(1);
  });

  it("exits 1 when a task fails, and with the task's own exit code under -x/--exit-code, as the Go dr", async () => {
    const failing = { ...env, FAKE_TASK_EXIT: '3' };
    const plain = await runDr(['task', 'run', 'test'], { env: failing, cwd: app });
    expect(plain.code).toBe(1);
    const short = await runDr(['task', 'run', 'test', '-x'], { env: failing, cwd: app });
    expect(short.code).toBe(3);
    expect(loggedArgs()).toEqual([app, '-t', join(app, 'Taskfile.yml'), '--exit-code', '-C', '2', 'test']);
    const long = await runDr(['run', '--exit-code', 'test'], { env: failing, cwd: app });
    expect(long.code).toBe(3);
  });

  it.each([
    [
      ['--concurrency', '5', '--watch', '--silent'],
      ['--watch', '--silent', '-C', '5'],
    ],
    [
      ['-C', '0', '-w', '-s', '-y'],
      ['--watch', '--yes', '--silent', '-C', '0'],
    ],
    [
      ['-p', '-x', '-C', '1'],
      ['--parallel', '--exit-code', '-C', '1'],
    ],
  ])("passes %j to go-task in the Go dr's order: %j", async (flags, expected) => {
    for (const path of [['task', 'run'], ['task', 'r'], ['run']]) {
      const result = await runDr([...path, 'dev', ...flags, '--', 'arg'], { env, cwd: app });
      expect(result.code, result.stderr).toBe(0);
      expect(loggedArgs()).toEqual([app, '-t', join(app, 'Taskfile.yml'), ...expected, 'dev', '--', 'arg']);
    }
  });

  it('says nothing of the tasks it runs under --silent, even with -v', async () => {
    const result = await runDr(['-v', 'run', 'build', '--silent'], { env, cwd: app });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('Running task(s)');
  });

  it('refuses --parallel with --watch, and a concurrency that is not a whole number, in one line', async () => {
    const both = await runDr(['run', 'dev', '-p', '-w'], { env, cwd: app });
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('Error: --parallel and --watch cannot be used together: pick one.\n');
    const negative = await runDr(['run', 'dev', '-C', '-1'], { env, cwd: app });
    expect(negative.code).toBe(2);
    const fraction = await runDr(['run', 'dev', '--concurrency', '1.5'], { env, cwd: app });
    expect(fraction.code).toBe(2);
    expect(fraction.stderr).toBe(
      'Error: --concurrency takes a whole number of tasks (0 for no limit), not 1.5.\n',
    );
    expect(existsSync(log)).toBe(false);
  });

  it('fails clearly without the task binary', async () => {
    const result = await runDr(['task', 'run', 'dev'], {
      env: { ...env, PATH: join(home.dir, 'nowhere') },
      cwd: app,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('taskfile.dev/installation');
  });
});

describe('task arguments', () => {
  it('splits at the -- the user typed, else at the first dash argument', () => {
    expect(splitTaskArgs(['test', 'x', 'y'], ['node', 'dr', 'task', 'run', 'test', '--', 'x', 'y'])).toEqual({
      tasks: ['test'],
      taskArgs: ['x', 'y'],
    });
    expect(splitTaskArgs(['test', '--watch'], ['node', 'dr'])).toEqual({
      tasks: ['test'],
      taskArgs: ['--watch'],
    });
    expect(splitTaskArgs(['a', 'b'], ['node', 'dr', 'task', 'run', 'a', 'b'])).toEqual({
      tasks: ['a', 'b'],
      taskArgs: [],
    });
  });
});
