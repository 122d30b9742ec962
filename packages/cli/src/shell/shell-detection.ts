// Which shell a command writes for, as the Go dr decides it: the name given on the line, else the
// parent process when it is a shell dr knows (the shell that ran dr), else the name in $SHELL,
// else PowerShell on Windows. `pwsh` and `cmd.exe` are read as powershell and cmd.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DrError, ExitCode, SHELL_NAMES, type ShellName } from '@dr/shared';

export { SHELL_NAMES, type ShellName };

export interface ShellChoice {
  readonly name: ShellName;
  /** True when it was not named on the line. */
  readonly detected: boolean;
}

/** A shell's name as typed or found (`pwsh`, `/usr/bin/zsh`, ` FISH `), if dr knows it. */
export function knownShell(name: string): ShellName | undefined {
  const word = basename(name.trim())
    .toLowerCase()
    .replace(/\.exe$/, '');
  const shell = word === 'pwsh' ? 'powershell' : word;
  return (SHELL_NAMES as readonly string[]).includes(shell) ? (shell as ShellName) : undefined;
}

/** The shell named on the line; a name dr does not know is a usage error. */
export function namedShell(name: string): ShellName {
  const shell = knownShell(name);
  if (shell === undefined) {
    throw new DrError(
      'SHELL_UNSUPPORTED',
      `Unsupported shell "${name}": use one of ${SHELL_NAMES.join(', ')}.`,
      {
        exitCode: ExitCode.usage,
      },
    );
  }
  return shell;
}

export interface DetectedShell {
  /** The shell, when one dr knows was found. */
  readonly name: ShellName | undefined;
  /** What $SHELL held, for a message when it names no shell dr knows. */
  readonly shellVariable: string | undefined;
}

/** The shell that ran dr (its parent process), else $SHELL's, else PowerShell on Windows. */
export function detectShell(env: NodeJS.ProcessEnv): DetectedShell {
  const parent = parentProcessName();
  const fromParent = parent === undefined ? undefined : knownShell(parent);
  if (fromParent !== undefined) return { name: fromParent, shellVariable: env.SHELL };
  if (env.SHELL) return { name: knownShell(env.SHELL), shellVariable: env.SHELL };
  return { name: process.platform === 'win32' ? 'powershell' : undefined, shellVariable: undefined };
}

/**
 * The shell named on the line, or the detected one (an empty name counts as none, as in the Go
 * dr); `undetected` is the error when there is none.
 */
export function chooseShell(
  given: string | undefined,
  env: NodeJS.ProcessEnv,
  undetected: (shellVariable: string | undefined) => ShellName,
): ShellChoice {
  if (given?.trim()) return { name: namedShell(given), detected: false };
  const { name, shellVariable } = detectShell(env);
  return { name: name ?? undetected(shellVariable), detected: true };
}

/**
 * The parent process's name: from /proc on Linux, from `ps` on other Unix systems (as the Go dr
 * asks it). Undefined when it cannot be told, as on Windows, where $SHELL or PowerShell decides.
 */
function parentProcessName(): string | undefined {
  try {
    return readFileSync(`/proc/${process.ppid}/comm`, 'utf8').trim() || undefined;
  } catch {
    if (process.platform === 'win32') return undefined;
  }
  try {
    const { execFileSync } = process.getBuiltinModule('node:child_process');
    const command = execFileSync('ps', ['-p', String(process.ppid), '-o', 'comm='], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 3000,
    });
    return basename(command.trim()).replace(/^-/, '') || undefined;
  } catch {
    return undefined;
  }
}
