// dr self completion install|uninstall, run as bin/dr in a throw-away home for each shell: the
// Go dr's places, install twice = once, uninstall gives back the user's files byte for byte,
// --dry-run and a refusal change nothing, and bash, zsh and fish complete from what was installed.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
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
import { commandTree } from '../../src/cli/command-tree.ts';
import { applyChanges, completionPlan } from '../../src/self/completion-install.ts';
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

  it('only shows the plan without --yes, as the Go dr, on a terminal or not', async () => {
    write('.bashrc', BASHRC);
    const before = snapshot();
    for (const args of [
      ['install', 'bash'],
      ['install', 'bash', '--yes', '--dry-run'],
      ['uninstall', 'bash'],
    ]) {
      const result = await dr(args);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/Dry run: nothing was changed\.|No dr completion is installed\./);
      expect(snapshot()).toEqual(before);
    }
    const onTerminal = await runDrOnTerminal(['self', 'completion', 'install', 'bash'], { env: home.env });
    expect(onTerminal.code, onTerminal.terminal).toBe(0);
    expect(onTerminal.stdout).toContain(
      'Dry run: nothing was changed. To install, run: dr self completion install bash --yes',
    );
    expect(snapshot()).toEqual(before);
  });

  it('with --no-dry-run and no terminal to ask on, refuses and changes nothing', async () => {
    write('.bashrc', BASHRC);
    const before = snapshot();
    for (const action of ['install', 'uninstall']) {
      if (action === 'uninstall') expect((await dr(['install', 'bash', '-y'])).code).toBe(0);
      const snap = snapshot();
      const result = await dr([action, 'bash', '--no-dry-run']);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `Error: No terminal to ask on (stdin and stderr must both be terminals): nothing was changed; run dr self completion ${action} bash --yes\n`,
      );
      expect(snapshot()).toEqual(snap);
    }
    expect((await dr(['uninstall', 'bash', '-y'])).code).toBe(0);
    expect(snapshot()).toEqual(before);
    // On a terminal, DATAROBOT_CLI_NON_INTERACTIVE says not to ask either.
    const automated = await runDrOnTerminal(['self', 'completion', 'install', 'bash', '--no-dry-run'], {
      env: { ...home.env, DATAROBOT_CLI_NON_INTERACTIVE: 'true' },
    });
    expect(automated.code).toBe(2);
    expect(automated.terminal).toContain('Not asking anything, as DATAROBOT_CLI_NON_INTERACTIVE is set');
    expect(snapshot()).toEqual(before);
  });

  it('asks on a terminal with --no-dry-run and installs on yes', async () => {
    const { code, terminal } = await runDrOnTerminal(
      ['self', 'completion', 'install', 'fish', '--no-dry-run'],
      {
        env: home.env,
        waitFor: 'Proceed with the installation? (y/N)',
        answer: 'y\r',
      },
    );
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

  it("gives back a start-up file's bytes: not UTF-8, CRLF, no final line break", async () => {
    const latin1 = Buffer.from('# caf\xe9 \xff\xfe\nalias ll="ls -l"\n', 'latin1');
    writeFileSync(join(home.dir, '.bashrc'), latin1);
    const crlf = 'Set-Alias g git\r\n# my profile\r\n';
    const profile = '.config/powershell/Microsoft.PowerShell_profile.ps1';
    write(profile, crlf);
    write('.zshrc', 'export EDITOR=vim');
    for (const shell of ['bash', 'powershell', 'zsh']) {
      expect((await dr(['install', shell, '--yes'])).code).toBe(0);
    }
    const bashrc = readFileSync(join(home.dir, '.bashrc'));
    expect(bashrc.subarray(0, latin1.length).equals(latin1)).toBe(true);
    expect(bashrc.subarray(latin1.length).toString()).toBe(SHELLS.bash.block(home.dir));
    expect(read(profile)).toBe(`${crlf}${SHELLS.powershell.block().replaceAll('\n', '\r\n')}`);
    expect(read('.zshrc')).toBe(`export EDITOR=vim\n${SHELLS.zsh.block(home.dir)}`);
    expect((await dr(['install', 'powershell', '--yes'])).stdout).toContain('already installed');
    for (const shell of ['bash', 'powershell', 'zsh']) {
      expect((await dr(['uninstall', shell, '--yes'])).code).toBe(0);
    }
    expect(readFileSync(join(home.dir, '.bashrc')).equals(latin1)).toBe(true);
    expect(read(profile)).toBe(crlf);
    // The user's line is whole; it keeps the line break that install had to end it with.
    expect(read('.zshrc')).toBe('export EDITOR=vim\n');
  });

  it('creates a profile where a dangling symlink points, and refuses a read-only start-up file', async () => {
    const profile = join(home.dir, '.config/powershell/Microsoft.PowerShell_profile.ps1');
    mkdirSync(dirname(profile), { recursive: true });
    symlinkSync('../../dotfiles/profile.ps1', profile);
    expect((await dr(['install', 'powershell', '--yes'])).code).toBe(0);
    expect(lstatSync(profile).isSymbolicLink()).toBe(true);
    expect(read('dotfiles/profile.ps1')).toBe(SHELLS.powershell.block().slice(1));

    write('.bashrc', BASHRC);
    chmodSync(join(home.dir, '.bashrc'), 0o444);
    const before = snapshot();
    const result = await dr(['install', 'bash', '--yes']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`Error: ${home.dir}/.bashrc is read-only: dr leaves it as it is.\n`);
    // Checked before anything is written: the script is not there either.
    expect(snapshot()).toEqual(before);
    expect(statSync(join(home.dir, '.bashrc')).mode & 0o777).toBe(0o444);
  });

  it.skipIf(process.getuid?.() !== 0)("keeps a start-up file's owner when run as root", async () => {
    write('.bashrc', BASHRC);
    chownSync(join(home.dir, '.bashrc'), 4321, 4322);
    expect((await dr(['install', 'bash', '--yes'])).code).toBe(0);
    const stats = statSync(join(home.dir, '.bashrc'));
    expect([stats.uid, stats.gid, read('.bashrc')]).toEqual([
      4321,
      4322,
      `${BASHRC}${SHELLS.bash.block(home.dir)}`,
    ]);
  });

  it('never loses a line another program writes after the plan was made', async () => {
    write('.bashrc', BASHRC);
    const plan = await completionPlan('bash', home.dir, 'install', commandTree);
    expect(plan.changes.map((change) => relative(home.dir, change.file))).toEqual([
      '.bash_completions/dr',
      '.bashrc',
    ]);
    // Like a tool appending its own line while dr asks whether to proceed.
    writeFileSync(join(home.dir, '.bashrc'), `${BASHRC}eval "$(tool init)"\n`);
    expect(applyChanges(plan.changes)).toBe(false);
    expect(snapshot()).toEqual(new Map([['.bashrc', `${BASHRC}eval "$(tool init)"\n`]]));
    expect(applyChanges((await completionPlan('bash', home.dir, 'install', commandTree)).changes)).toBe(true);
    expect(read('.bashrc')).toBe(`${BASHRC}eval "$(tool init)"\n${SHELLS.bash.block(home.dir)}`);
  });

  it("uninstall takes out the Go dr's completion for datarobot, only as the Go dr wrote it", async () => {
    const goAliasBlock =
      '\n# datarobot alias completion\nif (Get-Command datarobot -ErrorAction SilentlyContinue) {\n    $__drCompletionScript = (dr completion powershell | Out-String)\n    Invoke-Expression ($__drCompletionScript -replace "CommandName \'dr\'", "CommandName \'datarobot\'")\n}\n';
    const goBlock =
      '\n# dr completion\nif (Get-Command dr -ErrorAction SilentlyContinue) {\n    dr completion powershell | Out-String | Invoke-Expression\n}\n';
    write('.config/powershell/Microsoft.PowerShell_profile.ps1', `${PROFILE}${goBlock}${goAliasBlock}`);
    write('.zsh/completions/_dr', '#compdef dr\n# the Go dr script\n');
    write('.zsh/completions/_datarobot', '#compdef datarobot\n_dr "$@"\n');
    write('.oh-my-zsh/custom/completions/_datarobot', '#compdef datarobot\n# my own\n');
    write('.config/fish/completions/dr.fish', '# the Go dr script\n');
    write('.config/fish/completions/datarobot.fish', 'complete --command datarobot --wraps dr\n');
    for (const shell of ['powershell', 'zsh', 'fish']) {
      const result = await dr(['uninstall', shell, '--yes']);
      expect(result.code, result.stderr).toBe(0);
    }
    expect(snapshot()).toEqual(
      new Map([
        ['.config/powershell/Microsoft.PowerShell_profile.ps1', PROFILE],
        ['.oh-my-zsh/custom/completions/_datarobot', '#compdef datarobot\n# my own\n'],
      ]),
    );
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
    // An empty name is no name, as in the Go dr (`dr self completion install "$MY_SHELL"`).
    const unnamed = await dr(['uninstall', '', '--yes'], { ...home.env, SHELL: '/usr/local/bin/fish' });
    expect(unnamed.stdout).toContain('Shell: fish (detected)');
    expect(snapshot().has('.config/fish/completions/dr.fish')).toBe(false);

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
      expect((await dr(['install', 'fish'], env)).code).toBe(0);
      expect((await dr(['install', '--yes'], { ...env, SHELL: '/bin/fish' })).code).toBe(0);
      expect((await dr(['uninstall', 'fish', '--no-dry-run'], env)).code).toBe(2);
      const events = () => sentEvents(amplitude).filter((event) => event.event_type === 'self_completion');
      await waitUntil(() => events().length === 3, 'three self_completion events', 15_000);
      expect(events().map((event) => event.event_properties)).toEqual([
        {
          action: 'install',
          shell_name: 'fish',
          shell_detected: false,
          dry_run: true,
          result: 'success',
          files_changed: 0,
        },
        {
          action: 'install',
          shell_name: 'fish',
          shell_detected: true,
          dry_run: false,
          result: 'success',
          files_changed: 1,
        },
        {
          action: 'uninstall',
          shell_name: 'fish',
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
