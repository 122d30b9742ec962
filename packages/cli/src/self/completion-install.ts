// `dr self completion install|uninstall`: puts dr's completion where the Go dr puts it (a script in
// the shell's completion folder and a marked block in its start-up file), and takes out exactly
// that (and what the Go dr added). Each file is replaced atomically, its bytes, mode and owner kept.
import { lstatSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DrError, ExitCode, writeFileAtomic } from '@dr/shared';
import type { CommandEntry } from '../cli/context.ts';
import type { CommandIO } from '../datarobot/command-io.ts';
import type { TerminalPrompt } from '../dotenv/terminal-prompt.ts';
import { chooseShell, type ShellName } from '../shell/shell-detection.ts';
import { completionScript } from './completion.ts';

export type CompletionAction = 'install' | 'uninstall';

export interface CompletionInstallOptions {
  readonly action: CompletionAction;
  /** The shell named on the line, if any. */
  readonly shellName: string | undefined;
  readonly yes: boolean;
  /** --dry-run or --no-dry-run; undefined when neither was given (a preview unless --yes). */
  readonly dryRun: boolean | undefined;
  /** Rewrite the script even when it is already the same. */
  readonly force: boolean;
}

/**
 * One file to write (`content`) or remove (`content` undefined), and why, for the plan shown.
 * `before` is what the file held when the plan was made ('absent' when there was none), checked
 * again just before the change so that a line written meanwhile is never lost; undefined for a
 * file whose content does not matter (zsh's cache).
 */
export interface FileChange {
  readonly file: string;
  readonly content: string | Buffer | undefined;
  readonly why: string;
  readonly before: Buffer | 'absent' | undefined;
}

export interface CompletionPlan {
  readonly changes: readonly FileChange[];
  /** What the user should know or do themselves (a start-up file dr does not create). */
  readonly notes: readonly string[];
}

/** A marked block in a start-up file: its marker line, then lines each matched by a pattern. */
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
/** The Go dr's block for its `datarobot` alias: taken out on uninstall, never added. */
const GO_POWERSHELL_ALIAS_BLOCK: StartupBlock = {
  marker: '# datarobot alias completion',
  body: [
    /^if \(Get-Command datarobot -ErrorAction SilentlyContinue\) \{$/,
    /^ {4}\$__drCompletionScript = \(dr completion powershell \| Out-String\)$/,
    /^ {4}Invoke-Expression \(\$__drCompletionScript -replace "CommandName 'dr'", "CommandName 'datarobot'"\)$/,
    /^\}$/,
  ],
};
/** The files the Go dr wrote for its `datarobot` alias, by name, with their exact content. */
const GO_ALIAS_FILES = {
  zsh: { name: '_datarobot', content: '#compdef datarobot\n_dr "$@"\n' },
  fish: { name: 'datarobot.fish', content: 'complete --command datarobot --wraps dr\n' },
} as const;

/** A path as a word for sh: bare when it needs no quotes (as the Go dr writes it), else quoted. */
function shellWord(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}

/** The home folder whose dotfiles are edited: $HOME (USERPROFILE on Windows), as the Go dr reads it. */
export function homeFolder(env: NodeJS.ProcessEnv): string {
  return (process.platform === 'win32' ? env.USERPROFILE : env.HOME) || homedir();
}

/**
 * Where PowerShell reads the current user's profile (the Go dr's choice of path). On Windows the
 * first is the one install writes; uninstall looks at both, as the Go dr does.
 */
function powerShellProfiles(home: string): string[] {
  const name = 'Microsoft.PowerShell_profile.ps1';
  if (process.platform !== 'win32') return [join(home, '.config/powershell', name)];
  const core = join(home, 'Documents', 'PowerShell', name);
  const windows = join(home, 'Documents', 'WindowsPowerShell', name);
  return isFolder(dirname(core)) ? [core, windows] : [windows, core];
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** A line as it is in a file read byte for byte (latin1): its UTF-8 bytes, one character each. */
function asBytes(line: string): string {
  return Buffer.from(line, 'utf8').toString('latin1');
}

/**
 * `text` with every block of `block` taken out (with the blank line the installer puts before
 * it), then `wanted` appended unless undefined (after a blank line), in the file's line ending. A
 * text already holding exactly `wanted` as its one block is returned as it is. Other lines are
 * kept as they are: pass a file's bytes as latin1 so that any encoding comes back unchanged.
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
  // The file's own line ending (that of its first line), so a CRLF file stays CRLF.
  const eol = /^[^\n]*\r\n/.test(text) ? '\r\n' : '\n';
  if (kept === '') return `${wanted.join(eol)}${eol}`;
  if (!kept.endsWith('\n')) kept += eol;
  return `${kept}${eol}${wanted.join(eol)}${eol}`;
}

/** The change to a start-up file for each block's wanted lines (undefined: take it out), if any. */
function startupFileChange(
  file: string,
  blocks: readonly (readonly [StartupBlock, readonly string[] | undefined])[],
  why: string,
): FileChange | undefined {
  const bytes = readIfPresent(file);
  if (bytes === undefined && blocks.every(([, wanted]) => wanted === undefined)) return undefined;
  const text = bytes?.toString('latin1') ?? '';
  const edited = blocks.reduce(
    (current, [block, wanted]) => withStartupBlock(current, block, wanted?.map(asBytes)),
    text,
  );
  if (bytes !== undefined && edited === text) return undefined;
  return { file, content: Buffer.from(edited, 'latin1'), why, before: bytes ?? 'absent' };
}

/** The script file's change: written when missing, different or forced; removed on uninstall. */
function scriptFileChange(
  file: string,
  script: string | undefined,
  force: boolean,
  why: string,
): FileChange | undefined {
  const current = readIfPresent(file);
  const before = current ?? 'absent';
  if (script === undefined)
    return current === undefined ? undefined : { file, content: undefined, why, before };
  return current?.equals(Buffer.from(script)) && !force ? undefined : { file, content: script, why, before };
}

/** A file the Go dr wrote for its `datarobot` alias, removed on uninstall when it holds what the Go dr wrote. */
function goAliasFileRemoval(
  folder: string,
  alias: { name: string; content: string },
): FileChange | undefined {
  const file = join(folder, alias.name);
  const current = readIfPresent(file);
  return current?.equals(Buffer.from(alias.content))
    ? { file, content: undefined, why: "the Go dr's completion for datarobot", before: current }
    : undefined;
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
      before: undefined,
    }));
}

/** zsh completion for fpath: the printed script, which also completes the Tab that loads it. */
async function zshFpathScript(commands: readonly CommandEntry[]): Promise<string> {
  return `${await completionScript('zsh', commands)}# Loaded from fpath by the first Tab: complete that Tab too.
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
  commands: readonly CommandEntry[],
  force = false,
): Promise<CompletionPlan> {
  const install = action === 'install';
  const changes: (FileChange | undefined)[] = [];
  const notes: string[] = [];
  /** The start-up file's change; a missing one is not created, the user is told the lines instead. */
  const startupChange = (file: string, block: StartupBlock, lines: readonly string[] | undefined) => {
    if (lines !== undefined && readIfPresent(file) === undefined) {
      notes.push(
        `${file} was not found, so dr did not create it: add these lines to your shell's start-up file:\n  ${lines.slice(1).join('\n  ')}`,
      );
      return;
    }
    changes.push(startupFileChange(file, [[block, lines]], 'the lines that load it'));
  };
  switch (shell) {
    case 'bash': {
      const script = join(home, '.bash_completions', 'dr');
      const block = [INSTALLER_MARKER, `[ -f ${shellWord(script)} ] && source ${shellWord(script)}`];
      const content = install ? await completionScript('bash', commands) : undefined;
      changes.push(scriptFileChange(script, content, force, 'the completion script'));
      startupChange(join(home, '.bashrc'), BASH_BLOCK, install ? block : undefined);
      break;
    }
    case 'zsh': {
      // Oh My Zsh loads its custom completions folder itself; plain zsh needs it on fpath.
      const ohMyZsh = isFolder(join(home, '.oh-my-zsh'));
      const folders = [join(home, '.oh-my-zsh/custom/completions'), join(home, '.zsh/completions')];
      const folder = ohMyZsh ? folders[0]! : folders[1]!;
      const script = install ? await zshFpathScript(commands) : undefined;
      for (const candidate of install ? [folder] : folders) {
        changes.push(scriptFileChange(join(candidate, '_dr'), script, force, 'the completion script'));
        if (!install) changes.push(goAliasFileRemoval(candidate, GO_ALIAS_FILES.zsh));
      }
      const block = [
        INSTALLER_MARKER,
        `fpath=(${shellWord(folder)} $fpath)`,
        'autoload -U compinit && compinit',
      ];
      startupChange(join(home, '.zshrc'), ZSH_BLOCK, install && !ohMyZsh ? block : undefined);
      if (changes.some((change) => change !== undefined)) changes.push(...zshCacheRemovals(home));
      break;
    }
    case 'fish': {
      const folder = join(home, '.config/fish/completions');
      const content = install ? await completionScript('fish', commands) : undefined;
      changes.push(scriptFileChange(join(folder, 'dr.fish'), content, force, 'the completion script'));
      if (!install) changes.push(goAliasFileRemoval(folder, GO_ALIAS_FILES.fish));
      break;
    }
    case 'powershell': {
      const block = [
        POWERSHELL_BLOCK.marker,
        'if (Get-Command dr -ErrorAction SilentlyContinue) {',
        '    dr self completion powershell | Out-String | Invoke-Expression',
        '}',
      ];
      const [profile, ...others] = powerShellProfiles(home);
      for (const file of install ? [profile!] : [profile!, ...others]) {
        changes.push(
          startupFileChange(
            file,
            install
              ? [[POWERSHELL_BLOCK, block]]
              : [
                  [POWERSHELL_BLOCK, undefined],
                  [GO_POWERSHELL_ALIAS_BLOCK, undefined],
                ],
            'the lines that load it',
          ),
        );
      }
      break;
    }
  }
  return { changes: changes.filter((change) => change !== undefined), notes };
}

/** Where a change really goes: a symlink's target (followed even when it does not exist yet). */
function linkTarget(file: string): string {
  let current = file;
  for (let hops = 0; hops < 40; hops++) {
    let isLink: boolean;
    try {
      isLink = lstatSync(current).isSymbolicLink();
    } catch {
      return current;
    }
    if (!isLink) return current;
    current = resolve(dirname(current), readlinkSync(current));
  }
  throw Object.assign(new Error(`${file}: too many levels of symbolic links`), { code: 'ELOOP' });
}

/** Why `change` cannot be made now, if so: its file changed since the plan, or is read-only. */
function blocker(change: FileChange): string | undefined {
  if (change.before === undefined) return undefined;
  const now = readIfPresent(change.file);
  const unchanged = change.before === 'absent' ? now === undefined : now?.equals(change.before) === true;
  if (!unchanged) return 'changed';
  if (now !== undefined && change.content !== undefined && (statSync(change.file).mode & 0o200) === 0) {
    return 'read-only';
  }
  return undefined;
}

function fileError(code: string, file: string, message: string, cause?: unknown): DrError {
  return new DrError(code, `${file} ${message}`, { exitCode: ExitCode.failure, cause });
}

/**
 * Makes the changes, each file replaced atomically (a symlink's target, keeping its mode and
 * owner). Returns false, having changed nothing more, when a file no longer holds what the plan
 * read (another program wrote it meanwhile): make a new plan then. A read-only file is refused.
 */
export function applyChanges(changes: readonly FileChange[]): boolean {
  const check = (change: FileChange): boolean => {
    let blocked: string | undefined;
    try {
      blocked = blocker(change);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw fileError('COMPLETION_WRITE_FAILED', change.file, `could not be read (${reason}).`, error);
    }
    if (blocked === 'read-only') {
      throw fileError('COMPLETION_FILE_READ_ONLY', change.file, 'is read-only: dr leaves it as it is.');
    }
    return blocked === undefined;
  };
  // Every file is checked first, so that a refusal changes nothing; then each again just before.
  if (!changes.every(check)) return false;
  for (const change of changes) {
    if (!check(change)) return false;
    try {
      if (change.content === undefined) {
        rmSync(change.file, { force: true });
        continue;
      }
      const target = linkTarget(change.file);
      const stats = change.before === 'absent' ? undefined : statSync(target, { throwIfNoEntry: false });
      const root = process.getuid?.() === 0;
      writeFileAtomic(target, change.content, {
        ...(stats === undefined ? {} : { mode: stats.mode & 0o7777 }),
        ...(stats !== undefined && root ? { owner: { uid: stats.uid, gid: stats.gid } } : {}),
      });
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw fileError('COMPLETION_WRITE_FAILED', change.file, `could not be changed (${reason}).`, error);
    }
  }
  return true;
}

function describeChange(change: FileChange): string {
  const verb = change.content === undefined ? 'remove' : change.before === 'absent' ? 'create' : 'update';
  return `  ${verb.padEnd(7)}${change.file}  (${change.why})`;
}

const ACTIVATE: Record<Exclude<ShellName, 'cmd'>, string> = {
  bash: 'Open a new terminal, or run: source ~/.bashrc',
  zsh: 'Open a new terminal, or run: exec zsh',
  fish: 'New fish sessions complete dr; this one too after: exec fish',
  powershell: 'Open a new PowerShell, or run: . $PROFILE',
};

/** How many times a plan is made again when another program changes a file under it. */
const PLAN_ATTEMPTS = 3;

export async function completionInstall(io: CommandIO, options: CompletionInstallOptions): Promise<number> {
  const { action } = options;
  // As the Go dr: without --yes only the plan is shown, unless --no-dry-run asks for the change.
  const dryRun = options.dryRun ?? !options.yes;
  const { name: shell, detected } = chooseShell(options.shellName, io.env, (shellVariable) => {
    throw new DrError(
      'SHELL_UNDETECTED',
      `Cannot tell which shell you use (${shellVariable ? `SHELL is ${shellVariable}` : 'SHELL is not set'}): name it, e.g. dr self completion ${action} bash.`,
      { exitCode: ExitCode.usage },
    );
  });
  const record = (result: 'success' | 'failure' | 'cancelled', filesChanged: number) =>
    io.telemetry.record('self_completion', {
      action,
      shell_name: shell,
      shell_detected: detected,
      dry_run: dryRun,
      result,
      files_changed: filesChanged,
    });
  const say = (text: string) => io.stdout.write(`${text}\n`);
  say(`Shell: ${shell}${detected ? ' (detected)' : ''}`);
  if (shell === 'cmd') {
    say(`cmd.exe has no completion scripts: nothing to ${action}.`);
    record('success', 0);
    return ExitCode.ok;
  }
  const home = homeFolder(io.env);
  let plan = await completionPlan(shell, home, action, io.commands ?? [], options.force);
  if (plan.changes.length === 0) {
    say(action === 'install' ? 'dr completion is already installed.' : 'No dr completion is installed.');
    for (const note of plan.notes) say(`Note: ${note}`);
    record('success', 0);
    return ExitCode.ok;
  }
  say(`${dryRun ? 'Would change' : 'Changes'}:`);
  for (const change of plan.changes) say(describeChange(change));
  for (const note of plan.notes) say(`Note: ${note}`);
  const again = `dr self completion ${action} ${shell} --yes`;
  if (dryRun) {
    say(`Dry run: nothing was changed. To ${action}, run: ${again}`);
    record('success', 0);
    return ExitCode.ok;
  }
  if (!options.yes && !(await confirmed(io, `Proceed with the ${action}ation?`, again, record))) {
    record('cancelled', 0);
    say('Nothing was changed.');
    return ExitCode.ok;
  }
  for (let attempt = 1; ; attempt++) {
    let done: boolean;
    try {
      done = applyChanges(plan.changes);
    } catch (error) {
      record('failure', 0);
      throw error;
    }
    if (done) break;
    if (attempt === PLAN_ATTEMPTS) {
      record('failure', 0);
      throw new DrError(
        'COMPLETION_FILES_BUSY',
        `Another program kept changing these files while dr edited them: run ${again} again.`,
        { exitCode: ExitCode.failure },
      );
    }
    // Another program (or dr) wrote a file since the plan: plan again from what is there now.
    plan = await completionPlan(shell, home, action, io.commands ?? [], options.force);
  }
  record('success', plan.changes.length);
  say(
    action === 'install'
      ? `dr completion is installed. ${plan.notes.length > 0 ? 'Add the lines above to load it.' : ACTIVATE[shell]}`
      : 'dr completion is uninstalled. Open a new terminal to apply it.',
  );
  return ExitCode.ok;
}

/** The answer on a terminal; without one (or with DATAROBOT_CLI_NON_INTERACTIVE) a usage error. */
async function confirmed(
  io: CommandIO,
  question: string,
  instead: string,
  record: (result: 'cancelled', filesChanged: number) => void,
): Promise<boolean> {
  const { TerminalPrompt: Prompt } = await import('../dotenv/terminal-prompt.ts');
  let prompt: TerminalPrompt;
  try {
    prompt = Prompt.open(io, `nothing was changed; run ${instead}`);
  } catch (error) {
    record('cancelled', 0);
    throw error;
  }
  try {
    return await prompt.confirm(question, false);
  } finally {
    prompt.close();
  }
}
