// .env files as applications read them (dotenv conventions: `KEY=value`, `export `, quotes, `#`).
// Every line is kept, so an update changes only the lines of the keys it sets. A file that
// cannot be read or written is a DrError with a stable code.
import { existsSync, readFileSync } from 'node:fs';
import { DrError, writeFileAtomic } from '@dr/shared';

export interface EnvLine {
  /** The line as written. */
  readonly text: string;
  /** Set for an assignment (`KEY=value`); undefined for comments and blank lines. */
  readonly name?: string;
  readonly value?: string;
}

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s?(.*)$/;

export function parseEnvLines(text: string): EnvLine[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line) => {
    const match = ASSIGNMENT.exec(line);
    return match ? { text: line, name: match[1]!, value: parseValue(match[2]!) } : { text: line };
  });
}

function parseValue(raw: string): string {
  const value = raw.trim();
  if (value.startsWith('"')) {
    const end = closingQuote(value);
    return value
      .slice(1, end)
      .replace(/\\(["\\nrt$])/g, (_, char: string) => ({ n: '\n', r: '\r', t: '\t' })[char] ?? char);
  }
  if (value.startsWith("'")) {
    const end = value.indexOf("'", 1);
    return value.slice(1, end === -1 ? undefined : end);
  }
  const comment = value.search(/\s#/);
  return (comment === -1 ? value : value.slice(0, comment)).trim();
}

function closingQuote(value: string): number {
  for (let index = 1; index < value.length; index++) {
    if (value[index] === '\\') index++;
    else if (value[index] === '"') return index;
  }
  return value.length;
}

/** A value as it is written after `KEY=`: bare when safe, else double-quoted with escapes. */
export function formatValue(value: string): string {
  if (/^[A-Za-z0-9_./:@+,=%-]*$/.test(value)) return value;
  return `"${value
    .replace(/["\\$]/g, (char) => `\\${char}`)
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')}"`;
}

export function assignment(name: string, value: string): string {
  return `${name}=${formatValue(value)}`;
}

/** The last value of each key (as dotenv reads it: later lines win). */
export function envValues(lines: readonly EnvLine[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of lines) if (line.name !== undefined) values.set(line.name, line.value ?? '');
  return values;
}

/** The lines of `file`, or undefined when there is none; DOTENV_UNREADABLE when it cannot be read. */
export function readEnvFile(file: string): EnvLine[] | undefined {
  if (!existsSync(file)) return undefined;
  return parseEnvLines(readDotenvText(file, 'DOTENV_UNREADABLE'));
}

/** The text of `file`; a DrError with `code` when it cannot be read (a folder, no permission). */
export function readDotenvText(file: string, code: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw fileError(code, `Cannot read ${file}`, error, 'check that it is a file you may read');
  }
}

/**
 * Sets `values` in `lines`: a key already assigned has its (last) line replaced; any other key is
 * appended. Every other line stays as it was.
 */
export function withValues(lines: readonly EnvLine[], values: ReadonlyMap<string, string>): EnvLine[] {
  const lastIndex = new Map<string, number>();
  lines.forEach((line, index) => {
    if (line.name !== undefined) lastIndex.set(line.name, index);
  });
  const result = lines.map((line, index) =>
    line.name !== undefined && values.has(line.name) && lastIndex.get(line.name) === index
      ? {
          text: assignment(line.name, values.get(line.name)!),
          name: line.name,
          value: values.get(line.name)!,
        }
      : line,
  );
  for (const [name, value] of values) {
    if (!lastIndex.has(name)) result.push({ text: assignment(name, value), name, value });
  }
  return result;
}

/** Writes the lines as the .env file: atomically and mode 0600 (it holds the API token). */
export function writeEnvFile(file: string, lines: readonly EnvLine[]): void {
  try {
    writeFileAtomic(file, `${lines.map((line) => line.text).join('\n')}\n`);
  } catch (error) {
    throw fileError(
      'DOTENV_WRITE_FAILED',
      `Cannot write ${file}`,
      error,
      'check that its folder is writable',
    );
  }
}

/** A file dr could not read or write, as a DrError with a stable code. */
export function fileError(code: string, what: string, error: unknown, advice: string): DrError {
  const reason =
    (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
  return new DrError(code, `${what} (${reason}): ${advice}.`, { cause: error });
}
