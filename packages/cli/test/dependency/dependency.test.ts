// dr dependency check and install, as bin/dr in a template folder in a temp dir. The tools are
// fake scripts on PATH that print versions; installs run a fake installer that records its
// arguments (and puts the tool it "installs" on PATH), so nothing is ever downloaded.
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DrHome, makeDrHome, runDr } from '../support/run-dr.ts';
import { runDrOnTerminal } from '../telemetry/support/telemetry-harness.ts';

const VERSIONS_YAML = `
drtest-python:
  name: Python
  minimum-version: "3.12.5"
  command: drtest-python --version
  url: https://www.python.org/downloads/
  install:
    macos: drtest-install python --quiet
    linux: drtest-install python --quiet
    windows: drtest-install python --quiet
uv:
  name: uv
  minimum-version: 0.11.20
  command: drtest-uv --version
  url: https://docs.astral.sh/uv/
  install:
    macos: drtest-install uv
    linux: drtest-install uv
task:
  name: task
  minimum-version: 3.50.0
  command: drtest-task --version
  url: https://taskfile.dev/
  install:
    macos: drtest-install task
    linux: drtest-install task
`;

let home: DrHome;
let app: string;
let bin: string;
let env: NodeJS.ProcessEnv;
let installLog: string;

function tool(name: string, script: string) {
  writeFileSync(join(bin, name), `#!/bin/sh\n${script}\n`);
  chmodSync(join(bin, name), 0o755);
}

beforeEach(() => {
  home = makeDrHome();
  app = join(home.dir, 'app');
  mkdirSync(join(app, '.datarobot', 'cli'), { recursive: true });
  mkdirSync(join(app, 'src'));
  writeFileSync(join(app, '.datarobot', 'cli', 'versions.yaml'), VERSIONS_YAML);
  bin = join(home.dir, 'bin');
  mkdirSync(bin);
  installLog = join(home.dir, 'install.log');
  tool('drtest-python', 'echo "Python 3.10.4"');
  tool('drtest-task', 'echo "Task version: v3.50.1 (h1:abc)"');
  tool(
    'drtest-install',
    [
      'printf \'%s\\n\' "$*" >> "$INSTALL_LOG"',
      'if [ "$1" = "$FAIL_INSTALL" ]; then echo "E: Permission denied" >&2; exit 100; fi',
      `if [ "$1" = uv ]; then printf '#!/bin/sh\\necho "uv 0.11.21"\\n' > "${bin}/drtest-uv"; /bin/chmod +x "${bin}/drtest-uv"; fi`,
      'echo "installed $1"',
    ].join('\n'),
  );
  env = { ...home.env, PATH: `${bin}:${process.env.PATH}`, INSTALL_LOG: installLog };
});
afterEach(() => home.cleanup());

const installed = () => (existsSync(installLog) ? readFileSync(installLog, 'utf8') : '');

/** What install lists before it asks (on stderr) or, under --dry-run, as its output. */
const PLAN = 'Will run, through sh -c:\n  Python: drtest-install python --quiet\n  uv: drtest-install uv\n';

const TABLE = [
  'TOOL    REQUIRED  INSTALLED  STATUS',
  'Python  3.12.5    v3.10.4    too old (https://www.python.org/downloads/)',
  'uv      0.11.20   -          missing (https://docs.astral.sh/uv/)',
  'task    3.50.0    v3.50.1    ok',
  '',
].join('\n');

describe('dr dependency check', () => {
  it("checks the template's versions.yaml tools from a subfolder: a table, and exit 1 naming what is wrong", async () => {
    const result = await runDr(['dependency', 'check'], { env, cwd: join(app, 'src') });
    expect(result.stdout).toBe(TABLE);
    expect(result.stderr).toBe(
      'Error: Required tools are not all installed (missing: uv; too old: Python): run `dr dependency install`.\n',
    );
    expect(result.code).toBe(1);
  });

  it.each([['dependencies'], ['deps']])('answers to the Go alias `dr %s check`', async (group) => {
    const result = await runDr([group, 'check'], { env, cwd: app });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(TABLE);
  });

  it('prints JSON with --output-format json', async () => {
    const result = await runDr(['deps', 'check', '--output-format', 'json'], { env, cwd: app });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ satisfied: false, source: 'versions_file', violations: [] });
    expect(
      report.tools.map((t: { key: string; status: string; installed_version: string | null }) => [
        t.key,
        t.status,
        t.installed_version,
      ]),
    ).toEqual([
      ['drtest-python', 'wrong_version', 'v3.10.4'],
      ['uv', 'missing', null],
      ['task', 'ok', 'v3.50.1'],
    ]);
  });

  it('exits 0 when every tool is there in its version, and warns about versions.yaml problems', async () => {
    tool('drtest-python', 'echo "Python 3.12.5"');
    tool('drtest-uv', 'echo "uv 0.12.0 (abc 2026-01-01)"');
    writeFileSync(
      join(app, '.datarobot', 'cli', 'versions.yaml'),
      `${VERSIONS_YAML}extra:\n  name: Extra\n  minimum-version: one\n  command: drtest-task --version\n`,
    );
    const result = await runDr(['dependency', 'check'], { env, cwd: app });
    expect(result.stderr).toBe(
      [
        "Warning: versions.yaml [extra]: 'url' is required",
        "Warning: versions.yaml [extra]: 'macos' is required",
        "Warning: versions.yaml [extra]: 'linux' is required",
        'Warning: versions.yaml [extra]: \'minimum-version\' "one" is not a valid semantic version',
        '',
      ].join('\n'),
    );
    expect(result.stdout).toContain('Python  3.12.5    v3.12.5    ok\n');
    expect(result.stdout).toContain('uv      0.11.20   v0.12.0    ok\n');
    expect(result.stdout).toMatch(/\n✅ All dependencies are already up to date\.\n$/);
    expect(result.code).toBe(0);
  });

  it('runs a version command named by its path, off PATH, as the Go dr (exec.LookPath) does', async () => {
    const opt = join(home.dir, 'opt');
    mkdirSync(opt);
    writeFileSync(join(opt, 'pulumi'), '#!/bin/sh\necho "v3.245.1"\n');
    chmodSync(join(opt, 'pulumi'), 0o755);
    writeFileSync(
      join(app, '.datarobot', 'cli', 'versions.yaml'),
      `pulumi:\n  name: pulumi\n  minimum-version: 3.245.0\n  command: ${opt}/pulumi version\n`,
    );
    const result = await runDr(['dependency', 'check'], { env, cwd: app });
    expect(result.stdout).toContain('pulumi  3.245.0   v3.245.1   ok\n');
    expect(result.code, result.stderr).toBe(0);
  });

  it("marks a passing check in the template's state.yaml as the Go dr does, keeping what is there", async () => {
    const state = join(app, '.datarobot', 'cli', 'state.yaml');
    writeFileSync(state, '# written by the Go dr\ncli_version: 0.2.50\ntemplate_name: Talk to my data\n');
    expect((await runDr(['dependency', 'check'], { env, cwd: app })).code).toBe(1);
    expect(readFileSync(state, 'utf8')).not.toContain('last_success_deps_check');
    tool('drtest-python', 'echo "Python 3.12.5"');
    tool('drtest-uv', 'echo "uv 0.11.20"');
    const before = Date.now();
    expect((await runDr(['dependency', 'check'], { env, cwd: join(app, 'src') })).code).toBe(0);
    const written = readFileSync(state, 'utf8');
    const stamp = /^last_success_deps_check: (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)$/m.exec(written);
    expect(
      written.startsWith('# written by the Go dr\ncli_version: 0.2.50\ntemplate_name: Talk to my data\n'),
    ).toBe(true);
    expect(Date.parse(stamp![1]!)).toBeGreaterThanOrEqual(before - 1000);
  });

  it("checks the Go dr's default tools outside a template (no versions.yaml)", async () => {
    const shOnly = join(home.dir, 'sh-only');
    mkdirSync(shOnly);
    symlinkSync('/bin/sh', join(shOnly, 'sh'));
    tool('python3', 'echo "Python 3.12.5"');
    tool('uv', 'echo "uv 0.11.20"');
    tool('task', 'echo "Task version: v3.49.0"');
    const outside = join(home.dir, 'elsewhere');
    mkdirSync(outside);
    const result = await runDr(['dependency', 'check'], {
      env: { ...env, PATH: `${bin}:${shOnly}` },
      cwd: outside,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      [
        'TOOL    REQUIRED  INSTALLED  STATUS',
        'Python  3.12.5    v3.12.5    ok',
        'uv      0.11.20   v0.11.20   ok',
        'task    3.50.0    v3.49.0    too old (https://taskfile.dev/docs/installation)',
        'pulumi  3.245.0   -          missing (https://www.pulumi.com/docs/get-started/download-install/)',
        '',
      ].join('\n'),
    );
    // The default install commands download: --dry-run shows them and runs nothing.
    const dryRun = await runDr(['dependency', 'install', '--dry-run'], {
      env: { ...env, PATH: `${bin}:${shOnly}` },
      cwd: outside,
    });
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toBe(
      [
        'Would run, through sh -c:',
        '  task: curl -sL https://taskfile.dev/install.sh | sh',
        '  pulumi: curl -fsSL https://get.pulumi.com | sh',
        '',
      ].join('\n'),
    );
  });
});

describe('dr dependency install', () => {
  it('with --yes runs the platform install command of each missing or old tool, in order', async () => {
    const result = await runDr(['dependency', 'install', '--yes'], { env, cwd: app });
    expect(result.code, result.stderr).toBe(0);
    expect(installed()).toBe('python --quiet\nuv\n');
    expect(result.stdout).toBe(
      [
        '📦 Installing Python...',
        'installed python',
        '✅ Python installed',
        '📦 Installing uv...',
        'installed uv',
        '✅ uv installed',
        '',
        '✅ All dependencies installed successfully.',
        '',
      ].join('\n'),
    );
    expect(result.stderr).toBe(
      `${TABLE}Required tools are not all installed (missing: uv; too old: Python).\n${PLAN}`,
    );
    // The installer put uv on PATH, and left Python old: a second run installs Python only.
    const again = await runDr(['deps', 'install', '--yes'], { env, cwd: app });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('uv      0.11.20   v0.11.21   ok\n');
    expect(installed()).toBe('python --quiet\nuv\npython --quiet\n');
  });

  it('installs under DATAROBOT_CLI_NON_INTERACTIVE without --yes, as the Go dr does, after listing the commands', async () => {
    const nonInteractive = { ...env, DATAROBOT_CLI_NON_INTERACTIVE: 'true' };
    const result = await runDr(['dependencies', 'install'], { env: nonInteractive, cwd: app });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr.indexOf('drtest-install uv')).toBeGreaterThanOrEqual(0);
    expect(installed()).toBe('python --quiet\nuv\n');
  });

  it('--dry-run prints each command as it would run and runs none, without a terminal or --yes', async () => {
    writeFileSync(
      join(app, '.datarobot', 'cli', 'versions.yaml'),
      // Two lines, the second with a terminal escape and a carriage return that could hide it.
      VERSIONS_YAML.replace(
        '    linux: drtest-install uv\n',
        '    linux: "drtest-install uv\\ndrtest-install uv-extras \\e[2K\\r"\n',
      ),
    );
    const result = await runDr(['dependency', 'install', '--dry-run'], { env, cwd: app });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      [
        'Would run, through sh -c:',
        '  Python: drtest-install python --quiet',
        '  uv: drtest-install uv',
        '      drtest-install uv-extras \\u{1b}[2K\\u{d}',
        '',
      ].join('\n'),
    );
    expect(installed()).toBe('');
  });

  it('stops before running anything when a tool has no install command for this platform', async () => {
    writeFileSync(
      join(app, '.datarobot', 'cli', 'versions.yaml'),
      VERSIONS_YAML.replace('    linux: drtest-install uv\n', ''),
    );
    const result = await runDr(['dependency', 'install', '--yes'], { env, cwd: app });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('  uv: (no install command for linux)\n');
    expect(result.stderr).toMatch(
      /\nError: versions\.yaml gives no install command for uv on linux, so nothing was installed: install it yourself \(https:\/\/docs\.astral\.sh\/uv\/\), then run `dr dependency install` again\.\n$/,
    );
    expect(installed()).toBe('');
  });

  it('marks a successful install in state.yaml, and a failed one not', async () => {
    const state = join(app, '.datarobot', 'cli', 'state.yaml');
    tool('drtest-python', 'echo "Python 3.12.5"');
    const failed = await runDr(['dependency', 'install', '-y'], {
      env: { ...env, FAIL_INSTALL: 'uv' },
      cwd: app,
    });
    expect(failed.code).toBe(1);
    expect(existsSync(state)).toBe(false);
    const done = await runDr(['dependency', 'install', '-y'], { env, cwd: app });
    expect(done.code, done.stderr).toBe(0);
    expect(readFileSync(state, 'utf8')).toMatch(/^last_success_deps_check: \d{4}-[\d-]+T[\d:.]+Z\n$/);
  });

  it('stops at the first failure with what was tried and a tip, and exits 1', async () => {
    const result = await runDr(['dependency', 'install', '-y'], {
      env: { ...env, FAIL_INSTALL: 'python' },
      cwd: app,
    });
    expect(result.code).toBe(1);
    expect(installed()).toBe('python --quiet\n');
    expect(result.stdout).toBe(
      [
        '📦 Installing Python...',
        '✗ Python install failed (exit code 100 — permission denied)',
        '  Tried: drtest-install python --quiet',
        "  Tip: This action requires root privileges. Please re-run this tool using 'sudo'.",
        '  Raw command if you want to retry: drtest-install python --quiet',
        '  Refer to https://www.python.org/downloads/ for manual installation instructions.',
        '',
      ].join('\n'),
    );
    expect(result.stderr).toContain('E: Permission denied\n');
    expect(result.stderr).toMatch(/\nError: Installing Python failed \(exit code 100\)\.\n$/);
  });

  it('installs nothing without a terminal and without --yes, and says what to run', async () => {
    const result = await runDr(['dependency', 'install'], { env, cwd: app });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /\nError: No terminal to ask on \(stdin and stderr must both be terminals\): run `dr dependency install --yes` to run the commands above\.\n$/,
    );
    expect(installed()).toBe('');
  });

  it('says so and installs nothing when all is in place', async () => {
    tool('drtest-python', 'echo "Python 3.13.0"');
    tool('drtest-uv', 'echo "uv 0.11.20"');
    const result = await runDr(['dependency', 'install'], { env, cwd: app });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('✅ All dependencies are already up to date.\n');
    expect(installed()).toBe('');
  });

  it.each([
    ['y', 'python --quiet\nuv\n', 'All dependencies installed successfully'],
    ['n', '', 'Nothing installed.'],
  ])('asks on a terminal, after listing the commands; answering %s', async (answer, log, said) => {
    const question = 'Install Python, uv now? (y/N)';
    const result = await runDrOnTerminal(['dependency', 'install'], {
      env: { ...env, HOME: app },
      waitFor: question,
      answer: `${answer}\r`,
    });
    expect(result.code, result.terminal).toBe(0);
    const shown = result.terminal.replaceAll('\r\n', '\n');
    expect(shown.indexOf(PLAN)).toBeGreaterThan(-1);
    expect(shown.indexOf(PLAN)).toBeLessThan(shown.indexOf(question));
    expect(installed()).toBe(log);
    expect(`${result.stdout}${result.terminal}`).toContain(said);
  });
});
