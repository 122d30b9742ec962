// A static check that no source file can start a shell: which names a file takes from
// node:child_process, whether any call asks for `shell`, and whether every spawn or execFile call
// passes its arguments as an array. It reads source text (strings and comments blanked out, so a
// word in a message or a comment is not a call), which is enough for code written the way this
// repository writes it, and errs on the side of a finding.

/** Calls that never involve a shell unless asked to with the `shell` option. */
export const SHELL_FREE_CALLS = ['spawn', 'spawnSync', 'execFile', 'execFileSync'] as const;
/** Types a file may import alongside them. */
const TYPE_NAMES = new Set([
  'ChildProcess',
  'SpawnOptions',
  'SpawnSyncOptions',
  'ExecFileOptions',
  'StdioOptions',
]);

/** One problem found in `file`, for the test's failure message. */
export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly problem: string;
}

/** Blanks out comments, string and template literal text (keeping line breaks and ${…} code). */
export function codeOnly(source: string): string {
  let out = '';
  let index = 0;
  const templates: number[] = [];
  let braces = 0;
  const blank = (text: string) => text.replace(/[^\n]/g, ' ');
  while (index < source.length) {
    const rest = source.slice(index);
    const char = source[index]!;
    if (rest.startsWith('//')) {
      const end = source.indexOf('\n', index);
      const stop = end === -1 ? source.length : end;
      out += blank(source.slice(index, stop));
      index = stop;
    } else if (rest.startsWith('/*')) {
      const end = source.indexOf('*/', index + 2);
      const stop = end === -1 ? source.length : end + 2;
      out += blank(source.slice(index, stop));
      index = stop;
    } else if (char === "'" || char === '"') {
      let stop = index + 1;
      while (stop < source.length && source[stop] !== char && source[stop] !== '\n') {
        stop += source[stop] === '\\' ? 2 : 1;
      }
      out += `${char}${blank(source.slice(index + 1, stop))}${char}`;
      index = stop + 1;
    } else if (char === '`' || (char === '}' && templates.at(-1) === braces)) {
      if (char === '}') templates.pop();
      let stop = index + 1;
      while (stop < source.length && source[stop] !== '`' && !source.startsWith('${', stop)) {
        stop += source[stop] === '\\' ? 2 : 1;
      }
      out += `${char}${blank(source.slice(index + 1, stop))}`;
      if (source.startsWith('${', stop)) {
        templates.push(braces);
        out += '${';
        index = stop + 2;
      } else {
        out += '`';
        index = stop + 1;
      }
    } else {
      if (char === '{') braces += 1;
      if (char === '}') braces -= 1;
      out += char;
      index += 1;
    }
  }
  return out;
}

/** The top-level arguments of the call whose `(` is at `open`, as code text. */
function callArguments(code: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let index = open; index < code.length; index += 1) {
    const char = code[index]!;
    if ('([{'.includes(char)) depth += 1;
    else if (')]}'.includes(char)) {
      depth -= 1;
      if (depth === 0) {
        args.push(code.slice(start, index));
        break;
      }
    } else if (char === ',' && depth === 1) {
      args.push(code.slice(start, index));
      start = index + 1;
    }
  }
  return args.map((arg) => arg.trim()).filter((arg) => arg !== '');
}

/** Every way `source` (the text of `file`) could start a shell, or reach child_process unchecked. */
export function auditChildProcessUse(file: string, source: string): Finding[] {
  const code = codeOnly(source);
  const findings: Finding[] = [];
  const lineAt = (offset: number) => code.slice(0, offset).split('\n').length;
  const find = (offset: number, problem: string) => findings.push({ file, line: lineAt(offset), problem });
  const module = `['"](?:node:)?child_process['"]`;
  // The literals are blanked in `code`, so module names are matched in the source at the same offsets.
  const callNames: string[] = [];
  for (const match of source.matchAll(
    new RegExp(String.raw`import\s+(type\s+)?([^;]*?)\s+from\s+${module}`, 'g'),
  )) {
    if (code.slice(match.index, match.index + 6) !== 'import') continue;
    const clause = match[2]!.trim();
    const named = /^\{([^}]*)\}$/.exec(clause);
    if (!named) {
      find(match.index, `imports child_process as a whole (${clause}): import the calls by name`);
      continue;
    }
    for (const part of named[1]!
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean)) {
      const [, typeOnly, name, alias] = /^(type\s+)?(\w+)(?:\s+as\s+(\w+))?$/.exec(part) ?? [];
      if (name === undefined) {
        find(match.index, `cannot read the import "${part}"`);
      } else if ((SHELL_FREE_CALLS as readonly string[]).includes(name)) {
        if (!typeOnly && !match[1]) callNames.push(alias ?? name);
      } else if (!TYPE_NAMES.has(name) || !(typeOnly || match[1])) {
        find(match.index, `imports ${name} from child_process (exec and execSync run a shell)`);
      }
    }
  }
  // process.getBuiltinModule (a built-in loaded when first needed): only by destructuring the
  // calls by name, held to the same rules as an import.
  for (const match of source.matchAll(
    new RegExp(
      String.raw`(const|let|var)?\s*(\{[^{}]*\}|\w+)?\s*=?\s*process\.getBuiltinModule\s*\(\s*${module}\s*\)`,
      'g',
    ),
  )) {
    const start = match.index + match[0].indexOf('process');
    if (!code.slice(start).startsWith('process')) continue;
    const named = match[1] !== undefined && match[2] !== undefined ? /^\{([^}]*)\}$/.exec(match[2]) : null;
    if (!named) {
      find(
        start,
        'loads child_process whole through process.getBuiltinModule: destructure the calls by name',
      );
      continue;
    }
    for (const part of named[1]!
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean)) {
      const [, name, alias] = /^(\w+)(?:\s*:\s*(\w+))?$/.exec(part) ?? [];
      if (name !== undefined && (SHELL_FREE_CALLS as readonly string[]).includes(name)) {
        callNames.push(alias ?? name);
      } else {
        find(start, `takes ${part} from child_process (exec and execSync run a shell)`);
      }
    }
  }
  for (const match of source.matchAll(
    new RegExp(String.raw`(?:require|import)\s*\(\s*${module}\s*\)`, 'g'),
  )) {
    if (/^(require|import)/.test(code.slice(match.index))) {
      find(match.index, 'loads child_process dynamically, out of reach of this check');
    }
  }
  if (callNames.length > 0) {
    for (const match of code.matchAll(/\bshell\s*:/g)) find(match.index, 'passes a `shell` option');
    for (const match of code.matchAll(new RegExp(String.raw`\b(${callNames.join('|')})\s*\(`, 'g'))) {
      const args = callArguments(code, match.index + match[0].length - 1);
      const list = args[1];
      if (list === undefined || /^['"`]/.test(list) || /^\{/.test(list)) {
        find(match.index, `calls ${match[1]} without an argument array`);
      }
    }
  }
  return findings;
}

/**
 * The same promise checked on a built bundle (minified, ES module or CommonJS, dependencies
 * included): every use of child_process is one of SHELL_FREE_CALLS, and no object has a `shell`
 * key. Text in string literals may rarely look like code here; a finding is then a false alarm
 * to look at, never a miss.
 */
export function auditBundle(file: string, text: string): Finding[] {
  const findings: Finding[] = [];
  const find = (offset: number, problem: string) =>
    findings.push({ file, line: text.slice(0, offset).split('\n').length, problem });
  const allowed = (name: string) => (SHELL_FREE_CALLS as readonly string[]).includes(name);
  const module = `["'](?:node:)?child_process["']`;
  for (const match of text.matchAll(new RegExp(String.raw`import\s*\{([^}]*)\}\s*from\s*${module}`, 'g'))) {
    for (const part of match[1]!.split(',')) {
      const name = part.trim().split(/\s+as\s+/)[0]!;
      if (name !== '' && !allowed(name)) find(match.index, `imports ${name} from child_process`);
    }
  }
  const bindings = [
    ...text.matchAll(new RegExp(String.raw`([\w$]+)\s*=\s*require\(\s*${module}\s*\)`, 'g')),
    ...text.matchAll(new RegExp(String.raw`import\s*\*\s*as\s*([\w$]+)\s*from\s*${module}`, 'g')),
    ...text.matchAll(new RegExp(String.raw`import\s+([\w$]+)\s+from\s*${module}`, 'g')),
  ];
  for (const binding of bindings) {
    const name = binding[1]!.replace(/\$/g, '\\$');
    for (const use of text.matchAll(new RegExp(String.raw`(?<![\w$.])${name}\.([\w$]+)`, 'g'))) {
      if (!allowed(use[1]!)) find(use.index, `calls child_process.${use[1]}`);
    }
  }
  for (const match of text.matchAll(new RegExp(String.raw`require\(\s*${module}\s*\)\s*\.([\w$]+)`, 'g'))) {
    if (!allowed(match[1]!)) find(match.index, `calls child_process.${match[1]}`);
  }
  for (const match of text.matchAll(/[{,]\s*shell\s*:/g)) find(match.index, 'passes a `shell` option');
  return findings;
}
