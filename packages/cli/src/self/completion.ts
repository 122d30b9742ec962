// `dr self completion bash|zsh|fish|powershell`: a completion script generated from the command tree, so it
// never falls behind the commands: command words, then each command's options (the global ones
// too, from the list in cli/global-options.ts; `dr -<Tab>` offers them and --version). After a command's words, bash and zsh fall back to file names (for --ca-cert, --dir…).
import { Cli } from 'clipanion';
import type { CommandEntry, DrContext } from '../cli/context.ts';
import { GLOBAL_OPTIONS, type GlobalOption } from '../cli/global-options.ts';
import type { CommandIO } from '../datarobot/command-io.ts';

export const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type Shell = (typeof SHELLS)[number];

interface CompletionOption {
  readonly names: readonly string[];
  readonly description: string;
  /** Takes a value (completed with file names in fish). */
  readonly takesValue?: boolean;
}

interface CompletionTree {
  /** Words that may follow a path (`''` is the root), with a description each. */
  readonly children: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Options of each command path. */
  readonly options: ReadonlyMap<string, readonly CompletionOption[]>;
}

/** The global options a command takes (every one but those that are a command line of their own). */
const COMMAND_GLOBAL_OPTIONS: readonly CompletionOption[] = GLOBAL_OPTIONS.filter(
  (option) => option.kind !== 'alone',
).map(completionOption);

/** What `dr -<Tab>` offers: every global option, `--version` included. */
const ROOT_OPTIONS: readonly CompletionOption[] = GLOBAL_OPTIONS.map(completionOption);

function completionOption(option: GlobalOption): CompletionOption {
  return { names: option.names, description: option.description, takesValue: option.value !== undefined };
}

const GROUP_DESCRIPTIONS: Record<string, string> = {
  auth: 'Log in to DataRobot and manage credentials',
  templates: 'Application templates',
  template: 'Application templates',
  dotenv: "The application's .env file",
  task: "Run an application's tasks",
  self: 'dr itself: version, update, completion, config, telemetry',
  'self telemetry': 'Usage telemetry settings',
};

/** Words that complete a command's positional argument. */
const SHELL_WORDS: Record<string, string> = {
  bash: 'Bash',
  zsh: 'Zsh',
  fish: 'fish',
  powershell: 'PowerShell',
};
const ARGUMENT_WORDS: Record<string, Record<string, string>> = {
  'self completion': SHELL_WORDS,
  'self completion install': SHELL_WORDS,
  'self completion uninstall': SHELL_WORDS,
};

async function completionTree(commandTree: readonly CommandEntry[]): Promise<CompletionTree> {
  const commands = await Promise.all(commandTree.map((entry) => entry.load()));
  const cli = new Cli<DrContext>({ binaryName: 'dr' });
  for (const command of commands) cli.register(command);
  const definitions = cli.definitions();
  const children = new Map<string, Map<string, string>>();
  const options = new Map<string, readonly CompletionOption[]>([['', ROOT_OPTIONS]]);
  const addChild = (parent: string, word: string, description: string) => {
    const words = children.get(parent) ?? new Map<string, string>();
    if (!words.has(word)) words.set(word, description);
    children.set(parent, words);
  };
  const canonicalParents = new Set(
    commandTree.flatMap((entry) =>
      entry.paths[0]!.slice(0, -1).map((_, depth, path) => path.slice(0, depth + 1).join(' ')),
    ),
  );
  commandTree.forEach((entry, index) => {
    const command = commands[index]!;
    const own = (definitions[index]?.options ?? []).map((option) => {
      const [names = '', ...arity] = option.definition.split(' ');
      return { names: names.split(','), description: option.description ?? '', takesValue: arity.length > 0 };
    });
    const ownNames = new Set(own.flatMap((option) => option.names));
    const globals = COMMAND_GLOBAL_OPTIONS.filter(
      (option) => !option.names.some((name) => ownNames.has(name)),
    );
    // The Go dr's names (`template list`, `task r`, `run`) complete their options and, under a
    // group alias (`dr template <Tab>`), their words; they are not offered beside the canonical words.
    entry.paths.forEach((path, which) => {
      path.forEach((word, depth) => {
        const parent = path.slice(0, depth).join(' ');
        if (which > 0 && (depth === 0 || canonicalParents.has(parent))) return;
        const here = path.slice(0, depth + 1).join(' ');
        addChild(
          parent,
          word,
          depth === path.length - 1 ? (command.usage?.description ?? '') : (GROUP_DESCRIPTIONS[here] ?? ''),
        );
      });
      const full = path.join(' ');
      for (const [word, description] of Object.entries(ARGUMENT_WORDS[entry.paths[0]!.join(' ')] ?? {}))
        addChild(full, word, description);
      options.set(full, [...own, ...globals]);
    });
  });
  return { children, options };
}

export async function printCompletionScript(io: CommandIO, shell: Shell): Promise<number> {
  io.stdout.write(await completionScript(shell, io.commands ?? []));
  return 0;
}

/** The script for `shell`, from `commands` (CommandIO.commands: importing the list would be a circle). */
export async function completionScript(shell: Shell, commands: readonly CommandEntry[]): Promise<string> {
  const tree = await completionTree(commands);
  if (shell === 'fish') return fishScript(tree);
  if (shell === 'powershell') return powerShellScript(tree);
  const functions = bashFunctions(tree);
  if (shell === 'zsh') {
    return `#compdef dr
# dr completion for zsh. Load it with: source <(dr self completion zsh)
autoload -U +X bashcompinit && bashcompinit
${functions}`;
  }
  return `# dr completion for bash. Load it with: source <(dr self completion bash)
${functions}`;
}

function shellWords(words: Iterable<string>): string {
  return [...words].join(' ');
}

function bashFunctions(tree: CompletionTree): string {
  const childCases = [...tree.children]
    .map(
      ([path, words]) => `    ${JSON.stringify(path)}) echo ${JSON.stringify(shellWords(words.keys()))} ;;`,
    )
    .join('\n');
  const optionCases = [...tree.options]
    .map(
      ([path, options]) =>
        `    ${JSON.stringify(path)}) echo ${JSON.stringify(shellWords(options.flatMap((o) => o.names)))} ;;`,
    )
    .join('\n');
  // In zsh (through bashcompinit) a variable named `path` is $PATH itself: never name one so.
  return `_dr_children() {
  case "$1" in
${childCases}
    *) return 1 ;;
  esac
}
_dr_options() {
  case "$1" in
${optionCases}
    *) echo "--help" ;;
  esac
}
_dr() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" dr_path="" word next i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ "$word" == -* ]] && continue
    if [[ -z "$dr_path" ]]; then next="$word"; else next="$dr_path $word"; fi
    if _dr_children "$dr_path" | tr ' ' '\\n' | grep -qxF -- "$word"; then dr_path="$next"; fi
  done
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$(_dr_options "$dr_path")" -- "$cur") )
  else
    COMPREPLY=( $(compgen -W "$(_dr_children "$dr_path")" -- "$cur") )
  fi
}
complete -o default -F _dr dr
`;
}

function fishScript(tree: CompletionTree): string {
  const quote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const lines = [
    '# dr completion for fish. Install it with: dr self completion fish > ~/.config/fish/completions/dr.fish',
    '# True when the words typed after `dr` (options left out) are exactly $argv.',
    'function __dr_path_is',
    '    set -l words (commandline -opc)[2..-1]',
    "    set -l path (string match -v -- '-*' $words)",
    '    test "$path" = "$argv"',
    'end',
    '# True when the words typed after `dr` begin with $argv.',
    'function __dr_path_starts',
    '    set -l words (commandline -opc)[2..-1]',
    "    set -l path (string match -v -- '-*' $words)",
    // A command substitution inside quotes is literal text in fish before 3.4: count first.
    '    set -l count_wanted (count $argv)',
    '    test (count $path) -ge $count_wanted; or return 1',
    '    test "$path[1..$count_wanted]" = "$argv"',
    'end',
    'complete -c dr -f',
  ];
  for (const [path, words] of tree.children) {
    for (const [word, description] of words) {
      lines.push(
        `complete -c dr -n ${quote(`__dr_path_is ${path}`.trim())} -a ${quote(word)} -d ${quote(description)}`,
      );
    }
  }
  for (const [path, options] of tree.options) {
    for (const option of options) {
      const names = option.names
        .map((name) => (name.startsWith('--') ? `-l ${name.slice(2)}` : `-s ${name.slice(1)}`))
        .join(' ');
      const value = option.takesValue ? ' -r -F' : '';
      // At the root nothing is typed yet; below it, a command's options follow its words.
      const condition = path === '' ? '__dr_path_is' : `__dr_path_starts ${path}`;
      lines.push(`complete -c dr -n ${quote(condition)} ${names}${value} -d ${quote(option.description)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function powerShellScript(tree: CompletionTree): string {
  const table = (entries: Iterable<[string, Iterable<string>]>) =>
    [...entries].map(([path, words]) => `        '${path}' = '${shellWords(words)}'`).join('\n');
  return `# dr completion for PowerShell. Load it with: dr self completion powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName dr -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $children = @{
${table([...tree.children].map(([path, words]) => [path, words.keys()]))}
    }
    $options = @{
${table([...tree.options].map(([path, options]) => [path, options.flatMap((option) => option.names)]))}
    }
    # The command words typed before the word being completed, options left out.
    $path = ''
    foreach ($element in @($commandAst.CommandElements | Select-Object -Skip 1)) {
        if ($element.Extent.EndOffset -ge $cursorPosition) { break }
        $word = $element.ToString()
        if ($word.StartsWith('-')) { continue }
        if ($children.ContainsKey($path) -and (($children[$path] -split ' ') -contains $word)) {
            $path = if ($path -eq '') { $word } else { "$path $word" }
        }
    }
    $isOption = $wordToComplete.StartsWith('-')
    $candidates = if ($isOption) {
        if ($options.ContainsKey($path)) { $options[$path] } else { '--help' }
    } elseif ($children.ContainsKey($path)) { $children[$path] } else { '' }
    $kind = if ($isOption) { 'ParameterName' } else { 'ParameterValue' }
    foreach ($candidate in ($candidates -split ' ')) {
        if ($candidate -ne '' -and $candidate.StartsWith($wordToComplete, [System.StringComparison]::OrdinalIgnoreCase)) {
            [System.Management.Automation.CompletionResult]::new($candidate, $candidate, $kind, $candidate)
        }
    }
}
`;
}
