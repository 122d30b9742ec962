// dr task compose, as bin/dr in a template folder in a temp dir, with a fake go-task `task` on
// PATH that lists each component's tasks by its folder's name. The expected Taskfile
// (fixtures/composed-Taskfile.yaml.txt) is the Go dr's template rendered by Go's rules for this
// layout, checked line by line against them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeTaskOnPath } from '../support/fake-task.ts';
import { type DrHome, makeDrHome, runDr } from '../support/run-dr.ts';

const FAKE_TASK = `#!/bin/sh
printf '%s\\n' "$PWD $*" >> "$FAKE_TASK_LOG"
case "$(basename "$PWD")" in
  api) echo '{"tasks":[{"name":"dev","aliases":[]},{"name":"lint","aliases":[]},{"name":"up","aliases":[]}]}' ;;
  web) echo '{"tasks":[{"name":"serve","aliases":["dev"]},{"name":"install","aliases":[]},{"name":"deploy-dev","aliases":[]}]}' ;;
  stack) if [ -n "$STACK_TASKS" ]; then echo "$STACK_TASKS"; else echo '{"tasks":[]}'; fi ;;
  *) echo '{"tasks":[]}' ;;
esac
`;
const EXPECTED = readFileSync(join(import.meta.dirname, 'fixtures/composed-Taskfile.yaml.txt'), 'utf8');

let home: DrHome;
let app: string;
let env: NodeJS.ProcessEnv;
let log: string;

function write(path: string, text: string) {
  mkdirSync(dirname(join(app, path)), { recursive: true });
  writeFileSync(join(app, path), text);
}

beforeEach(() => {
  home = makeDrHome();
  app = join(home.dir, 'app');
  mkdirSync(join(app, '.datarobot', 'answers'), { recursive: true });
  for (const taskfile of [
    'api/Taskfile.yaml',
    'web/Taskfile.yml',
    'infra/stack/Taskfile.yaml',
    'deep/a/b/Taskfile.yaml',
    '.hidden/Taskfile.yaml',
  ]) {
    write(taskfile, "version: '3'\n");
  }
  write('.taskfile-data.yaml', 'ports:\n  - name: API\n    port: 8000\n  - name: Web\n    port: 5173\n');
  write('.gitignore', 'node_modules\n');
  ({ env, log } = fakeTaskOnPath(home, FAKE_TASK));
});
afterEach(() => home.cleanup());

const read = (path: string) => readFileSync(join(app, path), 'utf8');

describe('dr task compose', () => {
  it("writes the Go dr's root Taskfile: components two deep, their tasks aggregated, dev ports; .gitignore gets the other spelling", async () => {
    const result = await runDr(['task', 'compose'], { env, cwd: app });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      "Generated file saved to: Taskfile.yaml\nAdded /Taskfile.yml line to '.gitignore'.\n",
    );
    expect(result.stderr).toBe('');
    expect(read('Taskfile.yaml')).toBe(EXPECTED);
    // As the Go dr's compose (cmd/task/compose: detectExistingTaskfile's notInUse) writes it.
    expect(read('.gitignore')).toBe('/Taskfile.yml\n\nnode_modules\n');
    expect(readFileSync(log, 'utf8')).toBe(
      [
        `${app}/api --list --json -t Taskfile.yaml`,
        `${app}/infra/stack --list --json -t Taskfile.yaml`,
        `${app}/web --list --json -t Taskfile.yml`,
        '',
      ].join('\n'),
    );
  });

  it("fills the builtin template's start, uninstall (with reinstall) and test blocks, as Go's trims lay them out", async () => {
    const STACK_TASKS = JSON.stringify({
      tasks: [
        { name: 'start', aliases: [] },
        { name: 'remove', aliases: ['uninstall'] },
        { name: 'test', aliases: [] },
      ],
    });
    const result = await runDr(['task', 'compose'], { env: { ...env, STACK_TASKS }, cwd: app });
    expect(result.code, result.stderr).toBe(0);
    // Worked out from the Go dr's Taskfile.tmpl.yaml by text/template's rules: `{{-` trims the
    // newline and indent before it, so each range item and block starts on its own line.
    expect(read('Taskfile.yaml')).toContain(
      ['      - task install', '      - task stack:start', "      - echo '✅ You are all set."].join('\n'),
    );
    expect(read('Taskfile.yaml')).toContain(
      [
        '      - task: web:install',
        '',
        '  uninstall:',
        '    desc: "🛠️ Uninstall all dependencies"',
        '    cmds:',
        '      - task: stack:uninstall',
        '',
        '  reinstall:',
        '    desc: "🛠️ Reinstall all dependencies"',
        '    cmds:',
        '      - task: uninstall',
        '      - task: install',
        '',
        '  test:',
        '    desc: "🧪 Run tests across all components"',
        '    cmds:',
        '      - task: stack:test',
        '  dev:',
        '',
      ].join('\n'),
    );
  });

  it('overwrites the root Taskfile it finds (Taskfile.yml too) and adds no second .gitignore line', async () => {
    write('Taskfile.yml', 'hand written\n');
    write('.gitignore', 'node_modules\n/Taskfile.yaml\n');
    const result = await runDr(['task', 'compose'], { env, cwd: app });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('Generated file saved to: Taskfile.yml\n');
    expect(read('Taskfile.yml')).toBe(EXPECTED);
    expect(existsSync(join(app, 'Taskfile.yaml'))).toBe(false);
    expect(read('.gitignore')).toBe('node_modules\n/Taskfile.yaml\n');
  });

  it("renders the template's .Taskfile.template, and --template (-t) over it", async () => {
    write('.Taskfile.template', '{{ range .Includes }}{{ .Name }} {{ end }}dev={{ .DevComponents }}\n');
    const project = await runDr(['task', 'compose'], { env, cwd: app });
    expect(project.code, project.stderr).toBe(0);
    expect(project.stderr).toBe('Using auto-discovered template: .Taskfile.template\n');
    expect(read('Taskfile.yaml')).toBe('api stack web dev=[api web]\n');
    write('mine.tmpl', '{{- if .HasLint }}lint: {{ range .LintComponents }}{{ . }}{{ end }}{{ end }}\n');
    const flag = await runDr(['task', 'compose', '-t', 'mine.tmpl'], { env, cwd: app });
    expect(flag.code, flag.stderr).toBe(0);
    expect(flag.stderr).toBe('');
    expect(read('Taskfile.yaml')).toBe('lint: api\n');
  });

  it('without go-task, includes the components, aggregates nothing, and says so', async () => {
    const result = await runDr(['task', 'compose'], { env: { ...env, PATH: '/usr/bin:/bin' }, cwd: app });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Warning: go-task (`task`) is not on PATH');
    expect(read('Taskfile.yaml')).toContain('  web:\n    taskfile: ./web/Taskfile.yml\n    dir: ./web\n');
    expect(read('Taskfile.yaml')).not.toContain('task: api:lint');
  });

  it.each([
    {
      refused: 'a folder that is no template',
      arrange: () => mkdirSync(join(app, 'elsewhere')),
      folder: 'elsewhere',
      code: 1,
      message: /^Error: You don't seem to be in a DataRobot template folder/,
    },
    {
      refused: 'a template without component Taskfiles',
      arrange: () => write('empty/.datarobot/cli/versions.yaml', ''),
      folder: 'empty',
      code: 1,
      message: /^Error: No Taskfiles found in child folders/,
    },
    {
      refused: 'a component Taskfile with its own dotenv',
      arrange: () => write('web/Taskfile.yml', "version: '3'\ndotenv: ['.env']\n"),
      code: 1,
      message: /^Error: Cannot generate the Taskfile: \.\/web\/Taskfile\.yml already has a dotenv directive/,
    },
    {
      refused: 'a --template that does not exist',
      args: ['--template', 'nope.tmpl'],
      code: 2,
      message: /^Error: The Taskfile template .*nope\.tmpl does not exist\.$/,
    },
    {
      refused: 'a --template that is a folder',
      arrange: () => mkdirSync(join(app, 'templates')),
      args: ['--template', 'templates'],
      code: 1,
      message: /^Error: Cannot read .*templates \(EISDIR\): check that it is a file you may read\.$/,
    },
    {
      refused: 'a Taskfile it may not write',
      arrange: () => mkdirSync(join(app, 'Taskfile.yaml')),
      code: 1,
      message: /^Error: Cannot write Taskfile\.yaml \(EISDIR\): check that it may be written\.$/,
      taskfileIsFolder: true,
    },
    {
      refused: 'a template dr cannot render',
      arrange: () => write('.Taskfile.template', '{{ template "x" }}'),
      code: 1,
      message: /The Taskfile template uses `\{\{template\}\}`, which dr does not support\.$/,
    },
  ])(
    'refuses $refused in one line, writing nothing',
    async ({ arrange, folder = '.', args = [], code, message, taskfileIsFolder = false }) => {
      arrange?.();
      const cwd = join(app, folder);
      const result = await runDr(['task', 'compose', ...args], { env, cwd });
      expect(result.code).toBe(code);
      expect(result.stderr.trimEnd()).toMatch(message);
      expect(result.stderr.split('\n').filter((line) => line.startsWith('Error:'))).toHaveLength(1);
      if (!taskfileIsFolder) expect(existsSync(join(cwd, 'Taskfile.yaml'))).toBe(false);
    },
  );
});
