// Questions on a terminal (node:readline, to stderr) for the commands that may ask. Promises:
// nothing is asked unless isInteractive (the caller gets a clear error instead); secrets are
// never echoed; Ctrl-C is an interruption (exit 130), end of input a cancellation.
import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';
import { DrError, type EventProperties, ExitCode } from '@dr/shared';
import { type CommandTelemetry, isInteractive, isNonInteractiveRun } from '../cli/context.ts';

export interface AskOptions {
  /** Shown in brackets and returned for an empty answer. */
  readonly defaultValue?: string | undefined;
  /** Do not echo what is typed. */
  readonly secret?: boolean;
}

/** The error for a question that cannot be asked; `instead` says what to do. */
export function noTerminal(instead: string, env?: Readonly<Record<string, string | undefined>>): DrError {
  return new DrError(
    'NO_TERMINAL',
    env !== undefined && isNonInteractiveRun(env)
      ? `Not asking anything, as DATAROBOT_CLI_NON_INTERACTIVE is set: ${instead}`
      : `No terminal to ask on (stdin and stderr must both be terminals): ${instead}`,
    {
      exitCode: ExitCode.usage,
    },
  );
}

/** Whether `error` ends a prompt because the person stopped it (Ctrl-C or end of input). */
export function isPromptCancellation(error: unknown): boolean {
  return error instanceof DrError && (error.code === 'INTERRUPTED' || error.code === 'PROMPT_CANCELLED');
}

type TuiScreen = EventProperties<'tui_interaction'>['screen'];
type TuiAction = EventProperties<'tui_interaction'>['action'];

/**
 * Runs the questions of one screen and records its tui_interaction events: `open`, then the
 * action `outcome` makes of the answer (default `submit`), or `cancel` when the person stopped
 * it. Only the screen and the action are recorded, never an answer.
 */
export async function onScreen<T>(
  telemetry: CommandTelemetry,
  screen: TuiScreen,
  questions: () => Promise<T>,
  outcome: (answer: T) => TuiAction = () => 'submit',
): Promise<T> {
  telemetry.record('tui_interaction', { screen, action: 'open' });
  try {
    const answer = await questions();
    telemetry.record('tui_interaction', { screen, action: outcome(answer) });
    return answer;
  } catch (error) {
    if (isPromptCancellation(error)) telemetry.record('tui_interaction', { screen, action: 'cancel' });
    throw error;
  }
}

export class TerminalPrompt {
  private readonly readline: Interface;
  private muted = false;
  private pending: { reject: (error: Error) => void } | undefined;
  private closed = false;

  private constructor(
    stdin: NodeJS.ReadableStream,
    private readonly stderr: NodeJS.WritableStream,
  ) {
    const output = new Writable({
      write: (chunk, _encoding, done) => {
        if (!this.muted) stderr.write(chunk);
        done();
      },
    });
    this.readline = createInterface({ input: stdin, output, terminal: true });
    this.readline.on('SIGINT', () =>
      this.fail(new DrError('INTERRUPTED', 'Interrupted.', { exitCode: ExitCode.interrupted })),
    );
    // readline's own 'close' handlers detach it from stdin: never remove them, or a closed
    // prompt keeps echoing keys (secrets included) while the next one is asked.
    this.readline.on('close', () => {
      if (!this.closed) this.fail(new DrError('PROMPT_CANCELLED', 'Cancelled: no answer was given.'));
    });
  }

  /** Opens a prompt; throws NO_TERMINAL (with `instead`) unless stdin and stderr are terminals. */
  static open(
    io: {
      readonly stdin: NodeJS.ReadableStream;
      readonly stderr: NodeJS.WritableStream;
      readonly env: Readonly<Record<string, string | undefined>>;
    },
    instead: string,
  ): TerminalPrompt {
    const { stdin, stderr } = io;
    if (!isInteractive(io)) throw noTerminal(instead, io.env);
    return new TerminalPrompt(stdin, stderr);
  }

  /** Writes a line of explanation above the questions. */
  say(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  ask(question: string, options: AskOptions = {}): Promise<string> {
    const { defaultValue, secret = false } = options;
    const shownDefault =
      defaultValue === undefined || defaultValue === '' ? '' : ` [${secret ? 'keep current' : defaultValue}]`;
    return new Promise<string>((resolve, reject) => {
      this.pending = { reject };
      this.readline.question(`${question}${shownDefault}: `, (answer) => {
        this.pending = undefined;
        if (secret) {
          this.muted = false;
          this.stderr.write('\n');
        }
        const trimmed = answer.trim();
        resolve(trimmed === '' ? (defaultValue ?? '') : trimmed);
      });
      // The question is written before muting, so only the typed characters are hidden.
      if (secret) this.muted = true;
    });
  }

  /** Asks a yes/no question; an empty answer is `defaultYes`. */
  async confirm(question: string, defaultYes = false): Promise<boolean> {
    const answer = await this.ask(`${question} (${defaultYes ? 'Y/n' : 'y/N'})`);
    if (answer === '') return defaultYes;
    return /^y(es)?$/i.test(answer);
  }

  close(): void {
    this.pending = undefined;
    this.closed = true;
    this.readline.close();
  }

  private fail(error: Error): void {
    this.muted = false;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
  }
}
