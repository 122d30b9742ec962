// The runner: reads the line, runs the command it names inside the run's telemetry (started,
// finished, Ctrl-C) and returns the exit code. Usage errors go to stderr with exit 2, a stack
// only under --debug. Nothing here calls process.exit but Ctrl-C: main.ts sets the exit code.
import { DrError, ExitCode } from '@dr/shared';
import type { Cli, Command } from 'clipanion';
import { beginTelemetry } from '../telemetry/begin-telemetry.ts';
import type { CommandFacts } from '../telemetry/command-facts.ts';
import { factsOf, mayAskForConsent } from '../telemetry/line-facts.ts';
import { isHelpFlag, lineToParse, splitGlobalOptions, wordsBeforeSeparator } from './argv.ts';
import { commandTree } from './command-tree.ts';
import type { DrContext } from './context.ts';
import { createCli, ListCommandsCommand, loadFailureText, optionsDeclaredBy } from './create-cli.ts';
import {
  EnvironmentValueError,
  globalOptionsHelp,
  globalsWithEnvironment,
  outputFormatFromEnvironment,
} from './global-options.ts';
import { lineWithoutGlobals, optionLeftWithoutValue, usageErrorText } from './usage-errors.ts';

export async function runCli(argv: readonly string[], context: DrContext): Promise<number> {
  const split = splitGlobalOptions(argv);
  let globals = split.globals;
  let lineProblem: unknown;
  try {
    globals = globalsWithEnvironment(split.globals, split.setOnLine, context.env);
    context.outputFormat = outputFormatFromEnvironment(wordsBeforeSeparator(split.rest), context.env);
  } catch (error) {
    lineProblem = error;
  }
  context.globals = globals;
  context.commands = commandTree;
  let args = lineToParse(split.rest);
  const { debug } = globals;
  if (debug) process.setSourceMapsEnabled(true);
  let cli: Cli<DrContext>;
  try {
    cli = await createCli(args);
  } catch (error) {
    context.stderr.write(loadFailureText(error, debug));
    return ExitCode.failure;
  }
  let command: Command<DrContext> | undefined;
  let usageError: unknown;
  const given = [...split.given];
  try {
    if (lineProblem !== undefined) throw lineProblem;
    const parsed = await lineWithoutGlobals(cli, args);
    if (parsed.length < args.length) given.push('output-format');
    args = parsed;
    usageError = await optionLeftWithoutValue(cli, args, split.bareBefore);
    if (usageError === undefined) command = cli.process(args, context);
  } catch (error) {
    usageError = error;
  }
  // Worked out only when telemetry records: it costs a little.
  let lineFacts: CommandFacts | undefined;
  const facts = () => {
    lineFacts ??= factsOf(args, given, (path) => optionsDeclaredBy(cli, path));
    return lineFacts;
  };
  const asksHelp = () => command?.help === true || args.includes('--help') || args.includes('-h');
  const mayAsk = () => command !== undefined && mayAskForConsent(asksHelp(), facts());
  const telemetry = await beginTelemetry(globals, context, mayAsk);
  context.telemetry = telemetry;
  // Ctrl-C still records how the command ended. A command that handles it itself finishes in its
  // own way; otherwise the run ends here with 130, as the shell expects.
  let interrupted = false;
  const handlesInterrupt = (command?.constructor as { handlesInterrupt?: boolean })?.handlesInterrupt;
  const onInterrupt = () => {
    interrupted = true;
    if (handlesInterrupt === true) return;
    telemetry.commandFinished(facts(), ExitCode.interrupted, interruption());
    telemetry.finish();
    process.exit(ExitCode.interrupted);
  };
  if (telemetry.active) {
    process.on('SIGINT', onInterrupt);
    telemetry.commandStarted(facts());
  }
  let exitCode: number;
  let unreported: unknown;
  if (command === undefined) {
    context.stderr.write(
      usageError instanceof EnvironmentValueError
        ? `Error: ${usageError.message}\n`
        : usageErrorText(cli, usageError, args),
    );
    if (debug && usageError instanceof Error && usageError.stack)
      context.stderr.write(`${usageError.stack}\n`);
    exitCode = ExitCode.usage;
  } else {
    try {
      exitCode = await cli.run(command, context);
      // clipanion answers `<command> --help` with its own help; the global options follow it.
      const helped = command.help || wordsBeforeSeparator(args).some(isHelpFlag);
      if (helped && !(command instanceof ListCommandsCommand))
        context.stdout.write(`\n${globalOptionsHelp()}`);
    } catch (error) {
      // Output that cannot be written (help to a full disk): said once, here, on stderr.
      unreported = error;
      exitCode = error instanceof DrError ? error.exitCode : ExitCode.failure;
      context.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  process.off('SIGINT', onInterrupt);
  // clipanion runs a command with a copy of the context: the failure is on the command's own.
  const failure =
    command?.context.failure ??
    usageError ??
    unreported ??
    (interrupted && exitCode !== 0 ? interruption() : undefined);
  if (telemetry.active) telemetry.commandFinished(facts(), exitCode, failure);
  telemetry.finish();
  return exitCode;
}

function interruption(): DrError {
  return new DrError('INTERRUPTED', 'Interrupted.', { exitCode: ExitCode.interrupted });
}
