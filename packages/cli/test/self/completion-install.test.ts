// dr self completion install|uninstall, run as bin/dr in a throw-away home for each shell: the
// Go dr's places, install twice = once, uninstall gives back the user's files byte for byte,
// --dry-run and a refusal change nothing, and bash, zsh and fish complete from what was installed.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { startFakeAmplitude } from '@dr/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DrHome, makeDrHome, onPath, runDr } from '../support/run-dr.ts';
import {
  CONFIG_ENABLED,
  makeTelemetryHome,
  runDrOnTerminal,
  sentEvents,
  waitUntil,
} from '../telemetry/support/telemetry-harness.ts';

let home: DrHome;

beforeEach(() => {
  home = makeDrHome();
});
afterEach(() => home.cleanup());

/** Every file and link under the home, by relative path: what a command may have changed. */
function snapshot(dir = home.dir): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      const stats = lstatSync(path);
      if (stats.isSymbolicLink()) files.set(relative(dir, path), `-> ${readlinkSync(path)}`);
      else if (stats.isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

function write(path: string, content: string): void {
  mkdirSync(dirname(join(home.dir, path)), { recursive: true });
  writeFileSync(join(home.dir, path), content);
}

function read(path: string): string {
  return readFileSync(join(home.dir, path), 'utf8');
}

function dr(args: string[], env: NodeJS.ProcessEnv = home.env) {
  return runDr(['self', 'completion', ...args], { env });
}

/** Runs `dr self completion <args>`, which must succeed saying `says`. */
async function succeeds(args: string[], says: string): Promise<void> {
  const result = await dr(args);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain(says);
}

const BASHRC = '# my bashrc\nalias ll="ls -l"\n';
const ZSHRC = 'export EDITOR=vim\n';
const PROFILE = 'Set-Alias g git\n';

/**
 * Starts an interactive zsh on a pseudo-terminal in the home, waits for its prompt, types `keys`
 * and returns what the terminal showed once `expected` appeared (or after 10 s without it).
 */
const ZSH_ON_TERMINAL = `
import os, pty, select, sys, time
home, keys, expected = sys.argv[1:4]
pid, fd = pty.fork()
if pid == 0:
    os.execve('/bin/sh', ['sh', '-c', 'exec zsh -i'], {'HOME': home, 'ZDOTDIR': home, 'PATH': os.environ['PATH'], 'TERM': 'dumb'})
def read_until(text, seconds=10):
    seen, deadline = b'', time.time() + seconds
    while text.encode() not in seen and time.time() < deadline:
        if select.select([fd], [], [], 0.1)[0]:
            try: seen += os.read(fd, 4096)
            except OSError: break
    return seen.decode(errors='replace')
read_until('READY> ')
os.write(fd, keys.encode())
sys.stdout.write(read_until(expected))
os.write(fd, b'\\x15exit\\n')
`;

/** Per shell: the user's start-up file before, and the files install must leave. */
const SHELLS = {
  bash: {
    before: { '.bashrc': BASHRC },
    script: '.bash_completions/dr',
    startup: '.bashrc',
    block: (dir: string) =>
      `\n# Added by dr completion installer\n[ -f ${dir}/.bash_completions/dr ] && source ${dir}/.bash_completions/dr\n`,
  },
  zsh: {
    before: { '.zshrc': ZSHRC, '.zcompdump': 'cache', '.zcompdump-host-5.9': 'cache' },
    script: '.zsh/completions/_dr',
    startup: '.zshrc',
    block: (dir: string) =>
      `\n# Added by dr completion installer\nfpath=(${dir}/.zsh/completions $fpath)\nautoload -U compinit && compinit\n`,
  },
  fish: { before: {}, script: '.config/fish/completions/dr.fish', startup: undefined, block: () => '' },
  powershell: {
    before: { '.config/powershell/Microsoft.PowerShell_profile.ps1': PROFILE },
    script: undefined,
    startup: '.config/powershell/Microsoft.PowerShell_profile.ps1',
    block: () =>
      '\n# dr completion\nif (Get-Command dr -ErrorAction SilentlyContinue) {\n    dr self completion powershell | Out-String | Invoke-Expression\n}\n',
  },
} as const;

describe('dr self completion install and uninstall', () => {
  it.each(Object.keys(SHELLS) as (keyof typeof SHELLS)[])(
    '%s: installs once, changes nothing the second time, and uninstall gives the files back',
    async (shell) => {
      const spec = SHELLS[shell];
      for (const [path, content] of Object.entries(spec.before)) write(path, content);
      const before = snapshot();

      await succeeds(['install', shell, '--dry-run'], 'Dry run: nothing was changed.');
      expect(snapshot()).toEqual(before);

      await succeeds(['install', shell, '--yes'], 'dr completion is installed.');
      if (spec.script !== undefined) {
        const printed = await dr([shell]);
        expect(read(spec.script).startsWith(printed.stdout)).toBe(true);
      }
      if (spec.startup !== undefined) {
        const original = spec.before[spec.startup as keyof typeof spec.before] as string;
        expect(read(spec.startup)).toBe(`${original}${spec.block(home.dir)}`);
      }
      if (shell === 'zsh')
        expect(readdirSync(home.dir).filter((name) => name.startsWith('.zcompdump'))).toEqual([]);
      const afterInstall = snapshot();

      await succeeds(['install', shell, '--yes'], 'dr completion is already installed.');
      expect(snapshot()).toEqual(afterInstall);

      await succeeds(['uninstall', shell, '--dry-run'], 'Dry run: nothing was changed.');
      expect(snapshot()).toEqual(afterInstall);

      await succeeds(['uninstall', shell, '--yes'], 'dr completion is uninstalled.');
      const expected = new Map(before);
      // zsh's cache was cleared on install, and is rebuilt by zsh, not put back.
      if (shell === 'zsh') for (const name of ['.zcompdump', '.zcompdump-host-5.9']) expected.delete(name);
      expect(snapshot()).toEqual(expected);

      await succeeds(['uninstall', shell, '--yes'], 'No dr completion is installed.');
    },
  );

  it('refuses without a terminal and without --yes, changing nothing', async () => {
    write('.bashrc', BASHRC);
    const before = snapshot();
    for (const action of ['install', 'uninstall']) {
      if (action === 'uninstall') expect((await dr(['install', 'bash', '-y'])).code).toBe(0);
      const snap = snapshot();
      const result = await dr([action, 'bash']);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `Error: Nothing changed: there is no terminal to ask on. Run dr self completion ${action} bash --yes\n`,
      );
      expect(snapshot()).toEqual(snap);
    }
    expect((await dr(['uninstall', 'bash', '-y'])).code).toBe(0);
    expect(snapshot()).toEqual(before);
    // On a terminal, DATAROBOT_CLI_NON_INTERACTIVE says not to ask either.
    const automated = await runDrOnTerminal(['self', 'completion', 'install', 'bash'], {
      env: { ...home.env, DATAROBOT_CLI_NON_INTERACTIVE: 'true' },
    });
    expect(automated.code).toBe(2);
    expect(automated.terminal).toContain('Nothing changed: DATAROBOT_CLI_NON_INTERACTIVE is set.');
    expect(snapshot()).toEqual(before);
  });

  it('asks on a terminal and installs on yes', async () => {
    write('.bashrc', BASHRC);
    const { code, terminal } = await runDrOnTerminal(['self', 'completion', 'install', 'fish'], {
      env: home.env,
      waitFor: 'Proceed with the installation? (y/N)',
      answer: 'y\r',
    });
    expect(code, terminal).toBe(0);
    expect(read('.config/fish/completions/dr.fish')).toContain('complete -c dr');
  });

  it('makes bash complete dr from a new shell, and removes only its own lines', async () => {
    write('.bashrc', BASHRC);
    expect((await dr(['install', 'bash', '--yes'])).code).toBe(0);
    const loaded = () =>
      execFileSync('bash', ['-c', 'source ~/.bashrc; complete -p dr 2>&1 || true'], {
        env: home.env,
        encoding: 'utf8',
      });
    expect(loaded()).toBe('complete -o default -F _dr dr\n');
    // The user adds a line after the block; uninstall leaves it.
    writeFileSync(join(home.dir, '.bashrc'), `${read('.bashrc')}export PAGER=less\n`);
    expect((await dr(['uninstall', 'bash', '--yes'])).code).toBe(0);
    expect(read('.bashrc')).toBe(`${BASHRC}export PAGER=less\n`);
    expect(loaded()).toContain('no completion specification');
  });

  it.skipIf(!onPath('fish'))('makes fish complete dr words and options', async () => {
    expect((await dr(['install', 'fish', '--yes'])).code).toBe(0);
    // fish loads a command's completions from its folder only for a command it can find.
    write('bin/dr', '#!/bin/sh\n');
    chmodSync(join(home.dir, 'bin/dr'), 0o755);
    const complete = (line: string) =>
      execFileSync('fish', ['-c', `complete -C '${line}'`], {
        env: { ...home.env, PATH: `${home.dir}/bin:${home.env.PATH}` },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    expect(complete('dr self tel')).toBe('telemetry\tUsage telemetry settings\n');
    expect(complete('dr auth login --no')).toContain('--no-browser\t');
  });

  it.skipIf(!onPath('zsh'))('makes zsh complete dr from the first Tab of a new shell', async () => {
    write('.zshrc', "PROMPT='READY> '\n");
    expect((await dr(['install', 'zsh', '--yes'])).code).toBe(0);
    const shown = execFileSync(
      'python3',
      ['-c', ZSH_ON_TERMINAL, home.dir, 'dr self tel\t', 'dr self telemetry '],
      {
        encoding: 'utf8',
      },
    );
    expect(shown).toContain('dr self telemetry ');
  });

  it("recognises the Go dr's block instead of adding a second one", async () => {
    const goBlock = `\n# Added by dr completion installer\n[ -f ${home.dir}/.bash_completions/dr ] && source ${home.dir}/.bash_completions/dr\n`;
    write('.bashrc', `${BASHRC}${goBlock}`);
    write('.bash_completions/dr', '# the Go dr script\n');
    const result = await dr(['install', 'bash', '--yes']);
    expect(result.code, result.stderr).toBe(0);
    expect(read('.bashrc')).toBe(`${BASHRC}${goBlock}`);
    expect(read('.bash_completions/dr')).toContain('_dr_children');
    expect((await dr(['uninstall', 'bash', '--yes'])).code).toBe(0);
    expect(read('.bashrc')).toBe(BASHRC);
  });

  it('edits a symlinked start-up file where it points, keeping its mode', async () => {
    write('dotfiles/zshrc', ZSHRC);
    symlinkSync(join(home.dir, 'dotfiles/zshrc'), join(home.dir, '.zshrc'));
    chmodSync(join(home.dir, 'dotfiles/zshrc'), 0o640);
    expect((await dr(['install', 'zsh', '--yes'])).code).toBe(0);
    expect(lstatSync(join(home.dir, '.zshrc')).isSymbolicLink()).toBe(true);
    expect(read('dotfiles/zshrc')).toContain('fpath=(');
    expect(statSync(join(home.dir, 'dotfiles/zshrc')).mode & 0o777).toBe(0o640);
  });

  it('uses Oh My Zsh custom completions, leaving ~/.zshrc alone', async () => {
    write('.zshrc', ZSHRC);
    mkdirSync(join(home.dir, '.oh-my-zsh'));
    expect((await dr(['install', 'zsh', '--yes'])).code).toBe(0);
    expect(read('.oh-my-zsh/custom/completions/_dr')).toContain('#compdef dr');
    expect(read('.zshrc')).toBe(ZSHRC);
  });

  it('tells the lines to add when ~/.bashrc does not exist, without creating it', async () => {
    const result = await dr(['install', 'bash', '--yes']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`${home.dir}/.bashrc was not found`);
    expect(result.stdout).toContain(`[ -f ${home.dir}/.bash_completions/dr ] && source`);
    expect(result.stdout).toContain('dr completion is installed. Add the lines above to load it.');
    expect(snapshot().has('.bashrc')).toBe(false);
  });

  it('detects the shell from $SHELL, and says how to name it when it cannot', async () => {
    const fish = await dr(['install', '--yes'], { ...home.env, SHELL: '/usr/local/bin/fish' });
    expect(fish.code, fish.stderr).toBe(0);
    expect(fish.stdout).toContain('Shell: fish (detected)');
    expect(snapshot().has('.config/fish/completions/dr.fish')).toBe(true);

    const unknown = await dr(['install', '--yes'], { ...home.env, SHELL: '/bin/tcsh' });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      'Error: Cannot tell which shell you use (SHELL is /bin/tcsh): name it, e.g. dr self completion install bash.\n',
    );
    const unsupported = await dr(['install', 'tcsh', '--yes']);
    expect(unsupported.code).toBe(2);
    expect(unsupported.stderr).toContain('Unsupported shell "tcsh"');
  });

  it('records the shell and what happened, never a path', async () => {
    const amplitude = await startFakeAmplitude();
    const telemetryHome = makeTelemetryHome(amplitude);
    try {
      telemetryHome.writeConfig(CONFIG_ENABLED);
      const env = telemetryHome.telemetryEnv;
      expect((await dr(['install', 'fish', '--dry-run'], env)).code).toBe(0);
      expect((await dr(['install', '--yes'], { ...env, SHELL: '/bin/fish' })).code).toBe(0);
      expect((await dr(['uninstall', 'fish'], env)).code).toBe(2);
      const events = () => sentEvents(amplitude).filter((event) => event.event_type === 'self_completion');
      await waitUntil(() => events().length === 3, 'three self_completion events', 15_000);
      expect(events().map((event) => event.event_properties)).toEqual([
        {
          action: 'install',
          shell: 'fish',
          shell_detected: false,
          dry_run: true,
          result: 'success',
          files_changed: 0,
        },
        {
          action: 'install',
          shell: 'fish',
          shell_detected: true,
          dry_run: false,
          result: 'success',
          files_changed: 1,
        },
        {
          action: 'uninstall',
          shell: 'fish',
          shell_detected: false,
          dry_run: false,
          result: 'cancelled',
          files_changed: 0,
        },
      ]);
      expect(JSON.stringify(sentEvents(amplitude))).not.toContain(telemetryHome.dir);
    } finally {
      telemetryHome.cleanup();
      await amplitude.close();
    }
  });

  it('leaves `dr self completion <shell>` printing the script', async () => {
    const bash = await dr(['bash']);
    expect(bash.code).toBe(0);
    expect(bash.stdout).toContain('complete -o default -F _dr dr');
  });
});
