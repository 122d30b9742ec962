// The standard streams of a dr run, without paying for them up front (creating Node's loads
// tty, net and stream): output is written to the file descriptor synchronously, stdin is made
// on first read, and "is this a terminal" asks the kernel before loading tty.
import { fstatSync, writeSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { DrError } from '@dr/shared';
import { Cli } from 'clipanion';
import { inactiveTelemetryRun } from '../telemetry/telemetry-run.ts';
import type { DrContext } from './context.ts';

type WriteCallback = ((error?: Error | null) => void) | undefined;

/** The file descriptor is a terminal. Only a character device can be one: pipes and files never load tty. */
export function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return process.getBuiltinModule('node:tty').isatty(fd);
}

/**
 * Writes to stdout or stderr directly. A closed pipe ends dr quietly with 0; on EAGAIN or once
 * someone listens for events, Node's stream takes over. Unwritable stdout is OUTPUT_UNWRITABLE.
 */
export class FdWriter {
  readonly #fd: 1 | 2;
  #stream: Writable | undefined;
  #isTTY: boolean | undefined;

  constructor(fd: 1 | 2) {
    this.#fd = fd;
  }

  get isTTY(): boolean {
    this.#isTTY ??= isTerminal(this.#fd);
    return this.#isTTY;
  }

  /** The terminal's width, when it is one. */
  get columns(): number | undefined {
    return this.isTTY ? (this.#fd === 1 ? process.stdout : process.stderr).columns : undefined;
  }

  get fd(): number {
    return this.#fd;
  }

  write(chunk: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown): boolean {
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (this.#stream === undefined) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      let written = 0;
      try {
        while (written < bytes.length) written += writeSync(this.#fd, bytes, written);
        if (typeof done === 'function') process.nextTick(done);
        return true;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') process.exit(0);
        if (code === 'EAGAIN') return this.#useStream().write(bytes.subarray(written), done as WriteCallback);
        if (this.#fd === 2) return true;
        const reason = error instanceof Error ? error.message.replace(/, write$/, '') : String(error);
        throw new DrError('OUTPUT_UNWRITABLE', `Cannot write the output (${reason}).`, { cause: error });
      }
    }
    return this.#stream.write(chunk, done as WriteCallback);
  }

  on(event: string, listener: (...args: unknown[]) => void): this {
    this.#useStream().on(event, listener);
    return this;
  }

  once(event: string, listener: (...args: unknown[]) => void): this {
    this.#useStream().once(event, listener);
    return this;
  }

  off(event: string, listener: (...args: unknown[]) => void): this {
    this.#useStream().off(event, listener);
    return this;
  }

  removeListener(event: string, listener: (...args: unknown[]) => void): this {
    return this.off(event, listener);
  }

  #useStream(): Writable {
    if (this.#stream === undefined) {
      const stream = this.#fd === 1 ? process.stdout : process.stderr;
      stream.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') throw error;
        process.exit(0);
      });
      this.#stream = stream;
    }
    return this.#stream;
  }
}

/** The context of a real run; the patched clipanion copies its getters, not their values. */
export function processContext(): DrContext {
  return Object.defineProperties(
    {
      env: process.env,
      stdout: new FdWriter(1) as unknown as Writable,
      stderr: new FdWriter(2) as unknown as Writable,
      telemetry: inactiveTelemetryRun,
    },
    {
      stdin: { get: (): Readable => process.stdin, enumerable: true, configurable: true },
      colorDepth: { get: (): number => Cli.defaultContext.colorDepth, enumerable: true, configurable: true },
    },
  ) as unknown as DrContext;
}
