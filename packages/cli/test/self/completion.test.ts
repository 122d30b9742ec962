// dr self completion: the scripts are generated from the command tree; the bash one is run in
// bash to check what it completes.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commandTree } from '../../src/cli/command-tree.ts';
import { makeDrHome, runDr } from '../support/run-dr.ts';

function bashComplete(script: string, words: string[]): string[] {
  const program = `${script}\nCOMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _dr; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['--norc', '-c', program], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('dr self completion', () => {
  it('completes command words and options in bash', async () => {
    const home = makeDrHome();
    try {
      const { code, stdout: script } = await runDr(['self', 'completion', 'bash'], { env: home.env });
      expect(code).toBe(0);
      expect(bashComplete(script, ['dr', ''])).toEqual([
        'auth',
        'templates',
        'start',
        'dotenv',
        'task',
        'dependency',
        'self',
      ]);
      expect(bashComplete(script, ['dr', 'dependency', ''])).toEqual(['check', 'install']);
      expect(bashComplete(script, ['dr', 'task', 'c'])).toEqual(['compose']);
      expect(bashComplete(script, ['dr', 'task', 'run', 'dev', '--con'])).toEqual([
        '--concurrency',
        '--config',
      ]);
      expect(bashComplete(script, ['dr', 'dependency', 'install', '--dr'])).toEqual(['--dry-run']);
      expect(bashComplete(script, ['dr', 'au'])).toEqual(['auth']);
      expect(bashComplete(script, ['dr', 'start', '--t'])).toEqual(['--template']);
      expect(bashComplete(script, ['dr', 'dotenv', 'setup', '--if'])).toEqual(['--if-needed']);
      expect(bashComplete(script, ['dr', 'self', 'telemetry', 'f'])).toEqual(['flush']);
      expect(bashComplete(script, ['dr', 'auth', 'login', '--no'])).toEqual(['--no-browser']);
      expect(bashComplete(script, ['dr', '--debug', 'templates', 'clone', 'x', '--ca'])).toEqual([
        '--ca-cert',
      ]);
      expect(bashComplete(script, ['dr', 'self', 'completion', ''])).toEqual([
        'bash',
        'zsh',
        'fish',
        'powershell',
        'install',
        'uninstall',
      ]);
      expect(bashComplete(script, ['dr', 'self', 'completion', 'install', ''])).toEqual([
        'bash',
        'zsh',
        'fish',
        'powershell',
      ]);
    } finally {
      home.cleanup();
    }
  });

  it('prints zsh, fish and PowerShell scripts that name every command', async () => {
    const home = makeDrHome();
    try {
      const zsh = await runDr(['self', 'completion', 'zsh'], { env: home.env });
      expect(zsh.stdout.startsWith('#compdef dr\n')).toBe(true);
      expect(zsh.stdout).toContain('bashcompinit');
      const fish = await runDr(['self', 'completion', 'fish'], { env: home.env });
      for (const command of commandTree) {
        const path = command.paths[0]!;
        const parent = path.slice(0, -1).join(' ');
        expect(fish.stdout).toContain(
          `complete -c dr -n '${`__dr_path_is ${parent}`.trim()}' -a '${path.at(-1)}'`,
        );
      }
      expect(fish.stdout).toContain('-l ca-cert -r -F');
      const powershell = await runDr(['self', 'completion', 'powershell'], { env: home.env });
      expect(powershell.stdout).toContain('Register-ArgumentCompleter -Native -CommandName dr');
      for (const command of commandTree) {
        const path = command.paths[0]!;
        expect(powershell.stdout).toMatch(
          new RegExp(`^ {8}'${path.slice(0, -1).join(' ')}' = '[^']*\\b${path.at(-1)}\\b`, 'm'),
        );
      }
      const bad = await runDr(['self', 'completion', 'tcsh'], { env: home.env });
      expect(bad.code).toBe(2);
    } finally {
      home.cleanup();
    }
  });
});
