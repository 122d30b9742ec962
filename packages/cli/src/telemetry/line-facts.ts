// The facts telemetry records of a whole command line (command-facts.ts says what may be told),
// and whether the line may show the first-run prompt or notice.
import { commandNamedBy, isListLine, wordsBeforeSeparator } from '../cli/argv.ts';
import { type CommandFacts, commandFacts, type DeclaredOption } from './command-facts.ts';

/**
 * The facts of a line, whether or not it parsed: `args` as parsed (global options off), `given`
 * the global options it had. `command` is the canonical path (the one the tracking plan knows),
 * `commandAlias` the Go name or alias typed instead: the command tree's words, never input.
 */
export function factsOf(
  args: readonly string[],
  given: readonly string[],
  optionsOf: (path: readonly string[]) => readonly DeclaredOption[],
): CommandFacts {
  const named = commandNamedBy(args);
  let facts: CommandFacts;
  if (named === undefined) {
    facts = commandFacts(lineWithoutCommand(args), 0, args, []);
  } else {
    const [command, typed] = [named.canonical.join(' '), named.typed.join(' ')];
    facts = commandFacts(command, named.typed.length, args, optionsOf(named.canonical));
    if (typed !== command) facts = { ...facts, commandAlias: typed };
  }
  return given.length === 0 ? facts : { ...facts, flags: [...new Set([...facts.flags, ...given])].sort() };
}

/** What a line that names no command asked for: the version, a list of commands, or nothing known. */
function lineWithoutCommand(args: readonly string[]): 'version' | 'help' | 'unknown' {
  const line = wordsBeforeSeparator(args);
  if (line.includes('--version') || line.includes('-V')) return 'version';
  return isListLine(line.filter((arg) => !arg.startsWith('-'))) ? 'help' : 'unknown';
}

/** Whether a parsed line may show the first-run prompt or notice: not for help, nor to manage telemetry. */
export function mayAskForConsent(asksHelp: boolean, facts: CommandFacts): boolean {
  if (asksHelp) return false;
  return (
    !['help', 'version', 'unknown'].includes(facts.command) && !facts.command.startsWith('self telemetry')
  );
}
