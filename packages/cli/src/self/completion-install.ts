// `dr self completion install|uninstall`: puts dr's completion where the Go dr puts it (a script in
// the shell's completion folder and a marked block in its start-up file), and takes out exactly
// that. Promises: idempotent (installing twice changes nothing), the user's other lines untouched,
// every file replaced atomically (a symlinked start-up file is edited where it points, mode kept).
import { existsSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DrError, ExitCode, writeFileAtomic } from '@dr/shared';
import { isInteractive, isNonInteractiveRun } from '../cli/context.ts';
import type { CommandIO } from '../datarobot/command-io.ts';
import { chooseShell, type ShellName } from '../shell/shell-detection.ts';
import { completionScript } from './completion.ts';

export type CompletionAction = 'install' | 'uninstall';

export interface CompletionInstallOptions {
  readonly action: CompletionAction;
  /** The shell named on the line, if any. */
  readonly shell: string | undefined;
  readonly yes: boolean;
  readonly dryRun: boolean;
  /** Rewrite the script even when it is already the same. */
  readonly force: boolean;
}

/** One file to write (`content`) or remove (`content` undefined), and why, for the plan shown. */
export interface FileChange {
  readonly file: string;
  readonly content: string | undefined;
  readonly why: string;
}

export interface CompletionPlan {
  readonly changes: readonly FileChange[];
  /** What the user should know or do themselves (a start-up file dr does not create). */
  readonly notes: readonly string[];
}

/** A marked block dr adds to a start-up file: its marker line, then lines each matched by a pattern. */
interface StartupBlock {
  readonly marker: string;
  /** Recognises the block's lines after the marker, dr's own and the Go dr's. */
  readonly body: readonly RegExp[];
}

// The Go dr's marker and lines, so blocks either dr wrote are recognised and never doubled.
const INSTALLER_MARKER = '# Added by dr completion installer';
const BASH_BLOCK: StartupBlock = { marker: INSTALLER_MARKER, body: [/^\[ -f .+ \] && source .+$/] };
const ZSH_BLOCK: StartupBlock = {
  marker: INSTALLER_MARKER,
  body: [/^fpath=\(.+ \$fpath\)$/, /^autoload -U compinit && compinit$/],
};
const POWERSHELL_BLOCK: StartupBlock = {
  marker: '# dr completion',
  body: [
    /^if \(Get-Command dr -ErrorAction SilentlyContinue\) \{$/,
    /^\s*dr (self )?completion powershell \| Out-String \| Invoke-Expression$/,
    /^\}$/,
  ],
};

/** A path as a word for sh: bare when it needs no quotes (as the Go dr writes it), else quoted. */
function shellWord(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}

/** The home folder whose dotfiles are edited: $HOME (USERPROFILE on Windows), as the Go dr reads it. */
export function homeFolder(env: NodeJS.ProcessEnv): string {
  return (process.platform === 'win32' ? env.USERPROFILE : env.HOME) || homedir();
}

/** Where PowerShell reads the current user's profile (the Go dr's choice of path). */
function powerShellProfile(home: string): string {
  if (process.platform !== 'win32') return join(home, '.config/powershell/Microsoft.PowerShell_profile.ps1');
  const core = join(home, 'Documents', 'PowerShell');
  return join(
    isFolder(core) ? core : join(home, 'Documents', 'WindowsPowerShell'),
    'Microsoft.PowerShell_profile.ps1',
  );
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * `text` with every block of `block` taken out (with the blank line the installer puts before
 * it), then `wanted` appended after a blank line unless undefined. A text already holding exactly
 * `wanted` as its one block is returned as it is.
 */
export function withStartupBlock(
  text: string,
  block: StartupBlock,
  wanted: readonly string[] | undefined,
): string {
  const lines = text.split('\n');
  const plain = (line: string) => line.replace(/\r$/, '');
  const found: { start: number; end: number }[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (plain(lines[index]!) !== block.marker) continue;
    const end = index + 1 + block.body.length;
    if (block.body.every((pattern, offset) => pattern.test(plain(lines[index + 1 + offset] ?? '')))) {
      found.push({ start: index, end });
      index = end - 1;
    }
  }
  const only = found.length === 1 ? found[0]! : undefined;
  if (
    wanted !== undefined &&
    only &&
    lines.slice(only.start, only.end).map(plain).join('\n') === wanted.join('\n')
  ) {
    return text;
  }
  for (const { start, end } of found.reverse()) {
    const blankBefore = start > 0 && plain(lines[start - 1]!) === '' ? 1 : 0;
    lines.splice(start - blankBefore, end - start + blankBefore);
  }
  let kept = lines.join('\n');
  if (wanted === undefined) return kept;
  if (kept !== '' && !kept.endsWith('\n')) kept += '\n';
  return `${kept}\n${wanted.join('\n')}\n`;
}

/** The change to a start-up file for `wanted` (or for taking its block out), if any. */
function startupFileChange(
  file: string,
  block: StartupBlock,
  wanted: readonly string[] | undefined,
  why: string,
): FileChange | undefined {
  const text = readIfPresent(file);
  if (text === undefined && wanted === undefined) return undefined;
  const edited = withStartupBlock(text ?? '', block, wanted);
  return edited === text ? undefined : { file, content: edited, why };
}

/** The script file's change: written when missing, different or forced; removed on uninstall. */
function scriptFileChange(
  file: string,
  script: string | undefined,
  force: boolean,
  why: string,
): FileChange | undefined {
  const current = readIfPresent(file);
  if (script === undefined) return current === undefined ? undefined : { file, content: undefined, why };
  return current === script && !force ? undefined : { file, content: script, why };
}

/** zsh's completion cache (~/.zcompdump*), removed so the next start finds the new completion. */
function zshCacheRemovals(home: string): FileChange[] {
  let names: string[];
  try {
    names = readdirSync(home);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.startsWith('.zcompdump'))
    .map((name) => ({
      file: join(home, name),
      content: undefined,
      why: "zsh's completion cache, rebuilt at its next start",
    }));
}

/** zsh completion for fpath: the printed script, which also completes the Tab that loads it. */
async function zshFpathScript(): Promise<string> {
  return `${await completionScript('zsh')}# Loaded from fpath by the first Tab: complete that Tab too.
if [ "$funcstack[1]" = "_dr" ]; then
  _bash_complete -o default -F _dr
fi
`;
}

/** The files `action` would change for `shell` in `home`, and what the user must add themselves. */
export async function completionPlan(
  shell: Exclude<ShellName, 'cmd'>,
  home: string,
  action: CompletionAction,
  force = false,
): Promise<CompletionPlan> {
  const install = action === 'install';
  const changes: (FileChange | undefined)[] = [];
  const notes: string[] = [];
  const missingStartupFile = (file: string, lines: readonly string[]) =>
    notes.push(
      `${file} was not found, so dr did not create it: add these lines to your shell's start-up file:\n  ${lines.join('\n  ')}`,
    );
  switch (shell) {
    case 'bash': {
      const script = join(home, '.bash_completions', 'dr');
      const bashrc = join(home, '.bashrc');
      const block = [INSTALLER_MARKER, `[ -f ${shellWord(script)} ] && source ${shellWord(script)}`];
      changes.push(
        scriptFileChange(
          script,
          install ? await completionScript('bash') : undefined,
          force,
          'the completion script',
        ),
      );
      if (install && !existsSync(bashrc)) missingStartupFile(bashrc, block.slice(1));
      else
        changes.push(
          startupFileChange(bashrc, BASH_BLOCK, install ? block : undefined, 'the line that loads it'),
        );
      break;
    }
    case 'zsh': {
      // Oh My Zsh loads its custom completions folder itself; plain zsh needs it on fpath.
      const ohMyZsh = isFolder(join(home, '.oh-my-zsh'));
      const folders = [join(home, '.oh-my-zsh/custom/completions'), join(home, '.zsh/completions')];
      const folder = ohMyZsh ? folders[0]! : folders[1]!;
      const script = install ? await zshFpathScript() : undefined;
      for (const candidate of install ? [folder] : folders) {
        changes.push(scriptFileChange(join(candidate, '_dr'), script, force, 'the completion script'));
      }
      const zshrc = join(home, '.zshrc');
      const block = [
        INSTALLER_MARKER,
        `fpath=(${shellWord(folder)} $fpath)`,
        'autoload -U compinit && compinit',
      ];
      const wantsBlock = install && !ohMyZsh;
      if (wantsBlock && !existsSync(zshrc)) missingStartupFile(zshrc, block.slice(1));
      else
        changes.push(
          startupFileChange(zshrc, ZSH_BLOCK, wantsBlock ? block : undefined, 'the lines that load it'),
        );
      if (changes.some((change) => change !== undefined)) changes.push(...zshCacheRemovals(home));
      break;
    }
    case 'fish': {
      const script = join(home, '.config/fish/completions/dr.fish');
      changes.push(
        scriptFileChange(
          script,
          install ? await completionScript('fish') : undefined,
          force,
          'the completion script',
        ),
      );
      break;
    }
    case 'powershell': {
      const block = [
        POWERSHELL_BLOCK.marker,
        'if (Get-Command dr -ErrorAction SilentlyContinue) {',
        '    dr self completion powershell | Out-String | Invoke-Expression',
        '}',
      ];
      changes.push(
        startupFileChange(
          powerShellProfile(home),
          POWERSHELL_BLOCK,
          install ? block : undefined,
          'the lines that load it',
        ),
      );
      break;
    }
  }
  return { changes: changes.filter((change) => change !== undefined), notes };
}

/** Makes the changes, each file replaced atomically; a symlinked file is changed where it points. */
export function applyChanges(changes: readonly FileChange[]): void {
  for (const change of changes) {
    if (change.content === undefined) {
      rmSync(change.file, { force: true });
      continue;
    }
    const target = existsSync(change.file) ? realpathSync(change.file) : change.file;
    const mode = existsSync(target) ? statSync(target).mode & 0o7777 : undefined;
    writeFileAtomic(target, change.content, mode === undefined ? {} : { mode });
  }
}

function describeChange(change: FileChange): string {
  const verb = change.content === undefined ? 'remove' : existsSync(change.file) ? 'update' : 'create';
  return `  ${verb.padEnd(7)}${change.file}  (${change.why})`;
}

const ACTIVATE: Record<Exclude<ShellName, 'cmd'>, string> = {
  bash: 'Open a new terminal, or run: source ~/.bashrc',
  zsh: 'Open a new terminal, or run: exec zsh',
  fish: 'New fish sessions complete dr; this one too after: exec fish',
  powershell: 'Open a new PowerShell, or run: . $PROFILE',
};

export async function completionInstall(io: CommandIO, options: CompletionInstallOptions): Promise<number> {
  const { action, dryRun } = options;
  const verb = action === 'install' ? 'install' : 'uninstall';
  const { shell, detected } = chooseShell(options.shell, io.env, (shellVariable) => {
    throw new DrError(
      'SHELL_UNDETECTED',
      `Cannot tell which shell you use (${shellVariable ? `SHELL is ${shellVariable}` : 'SHELL is not set'}): name it, e.g. dr self completion ${verb} bash.`,
      { exitCode: ExitCode.usage },
    );
  });
  const record = (result: 'success' | 'failure' | 'cancelled', filesChanged: number) =>
    io.telemetry.record('self_completion', {
      action,
      shell,
      shell_detected: detected,
      dry_run: dryRun,
      result,
      files_changed: filesChanged,
    });
  const say = (text: string) => io.stdout.write(`${text}\n`);
  say(`Shell: ${shell}${detected ? ' (detected)' : ''}`);
  if (shell === 'cmd') {
    say(`cmd.exe has no completion scripts: nothing to ${verb}.`);
    record('success', 0);
    return ExitCode.ok;
  }
  const { changes, notes } = await completionPlan(shell, homeFolder(io.env), action, options.force);
  if (changes.length === 0) {
    say(action === 'install' ? 'dr completion is already installed.' : 'No dr completion is installed.');
    for (const note of notes) say(`Note: ${note}`);
    record('success', 0);
    return ExitCode.ok;
  }
  say(`${dryRun ? 'Would change' : 'Changes'}:`);
  for (const change of changes) say(describeChange(change));
  for (const note of notes) say(`Note: ${note}`);
  const again = `dr self completion ${verb} ${shell} --yes`;
  if (dryRun) {
    say(`Dry run: nothing was changed. To ${verb}, run: ${again}`);
    record('success', 0);
    return ExitCode.ok;
  }
  if (!options.yes) {
    if (!isInteractive(io)) {
      record('cancelled', 0);
      throw new DrError(
        'COMPLETION_NEEDS_CONFIRMATION',
        `Nothing changed: ${isNonInteractiveRun(io.env) ? 'DATAROBOT_CLI_NON_INTERACTIVE is set' : 'there is no terminal to ask on'}. Run ${again}`,
        { exitCode: ExitCode.usage },
      );
    }
    if (!(await confirmed(io, `Proceed with the ${verb}ation?`, again))) {
      record('cancelled', 0);
      say('Nothing was changed.');
      return ExitCode.ok;
    }
  }
  try {
    applyChanges(changes);
  } catch (error) {
    record('failure', 0);
    const reason =
      (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw new DrError(
      'COMPLETION_WRITE_FAILED',
      `Could not ${verb} dr completion (${reason}): check the files above.`,
      {
        cause: error,
      },
    );
  }
  record('success', changes.length);
  say(
    action === 'install'
      ? `dr completion is installed. ${notes.length > 0 ? 'Add the lines above to load it.' : ACTIVATE[shell]}`
      : 'dr completion is uninstalled. Open a new terminal to apply it.',
  );
  return ExitCode.ok;
}

async function confirmed(io: CommandIO, question: string, instead: string): Promise<boolean> {
  const { TerminalPrompt } = await import('../dotenv/terminal-prompt.ts');
  const prompt = TerminalPrompt.open(io, `run ${instead}`);
  try {
    return await prompt.confirm(question, false);
  } finally {
    prompt.close();
  }
}
