// drconfig.yaml: read it, and change it without losing anyone's edit (a proper-lockfile lock,
// the file re-read inside it, a comment-keeping atomic rewrite at mode 0600).
//
// Promises: a read never writes; a missing file reads as empty; a file that is not valid YAML
// (or not a mapping) is a ConfigError naming the file and line; two dr processes changing it at
// once both keep their change. The lock is a folder (drconfig.yaml.lock): while another dr holds
// it a writer retries for a few seconds; anything else standing there (a symlink, a file) is never
// taken, and a change fails at once with CONFIG_LOCK_UNUSABLE, saying to remove it.
import { lstatSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Document, isMap, parseDocument } from 'yaml';
import { ConfigError } from '../errors/dr-error.ts';
import { ensurePrivateDir, PRIVATE_LOCK_FS, writeFileAtomic } from '../fs/private-files.ts';

/** The settings dr knows. Unknown keys are kept untouched on rewrite. */
export interface DrConfig {
  /** DataRobot API endpoint, with the /api/v2 suffix (as the Go dr stores it). */
  endpoint?: string;
  /** DataRobot API token. */
  token?: string;
  telemetry?: TelemetryConfig;
  [key: string]: unknown;
}

export interface TelemetryConfig {
  enabled?: boolean;
  device_id?: string;
  /** ISO time the user answered the consent prompt (or enabled telemetry). */
  opt_in_timestamp?: string;
  /** The version of the consent prompt last shown or noticed. */
  last_prompt_version?: number;
  /** Why the user disabled telemetry: kept locally, never sent. */
  disabled_reason?: string;
  /** The non-TTY notice was shown (so it is never shown twice). */
  notice_shown?: boolean;
  /** How long the background drainer waits for more events before it exits (default 60; 0 = at once). */
  drainer_idle_seconds?: number;
}

/** A key path into the config, e.g. ['telemetry', 'enabled']. */
export type ConfigPath = readonly string[];

/** One change: set the value at a path, or delete it when value is undefined. */
export interface ConfigChange {
  readonly path: ConfigPath;
  readonly value: unknown;
}

/** Reads and parses the config; `{}` if the file does not exist. */
export function readConfig(file: string): DrConfig {
  const text = readConfigText(file);
  if (text === undefined) return {};
  return parseConfigDocument(file, text).toJS() ?? {};
}

/**
 * Applies `changes` (or the changes a function computes from the current content, inside the
 * lock) to the config file under a lock and rewrites it atomically, preserving comments and
 * unrelated keys. Returns the config as written.
 */
export async function updateConfig(
  file: string,
  changes: readonly ConfigChange[] | ((current: DrConfig) => readonly ConfigChange[]),
): Promise<DrConfig> {
  ensurePrivateDir(dirname(file));
  // Loaded only to write: proper-lockfile brings graceful-fs, which loads the stream, assert and
  // fs/promises modules; reading the config (most runs) needs none of it.
  const { default: lockfile } = await import('proper-lockfile');
  const lockPath = `${file}.lock`;
  refuseUnusableLock(file, lockPath);
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(file, {
      fs: PRIVATE_LOCK_FS,
      lockfilePath: lockPath,
      realpath: false,
      stale: 10_000,
      retries: { retries: 50, factor: 1.3, minTimeout: 10, maxTimeout: 200 },
    });
  } catch (error) {
    // Planted while this writer waited: say what it is rather than "already being held".
    refuseUnusableLock(file, lockPath, error);
    throw error;
  }
  try {
    const text = readConfigText(file);
    const doc = text === undefined ? new Document({}) : parseConfigDocument(file, text);
    if (doc.contents === null) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
    // A function sees the file as it is inside the lock: "set unless already set" stays atomic.
    const list = typeof changes === 'function' ? changes((doc.toJS() ?? {}) as DrConfig) : changes;
    for (const change of list) {
      if (change.value === undefined) {
        // Nothing to delete under a missing key or a plain value.
        const parent = change.path.length === 1 ? doc.contents : doc.getIn(change.path.slice(0, -1), true);
        if (isMap(parent)) doc.deleteIn(change.path);
      } else {
        replaceScalarParents(doc, change.path);
        doc.setIn(change.path, change.value);
      }
    }
    writeFileAtomic(file, doc.toString());
    return doc.toJS() ?? {};
  } finally {
    await release();
  }
}

/**
 * Throws CONFIG_LOCK_UNUSABLE if something other than a folder stands at the lock path: the
 * lock library would take it for a lock held by another dr and retry until it gives up.
 */
function refuseUnusableLock(file: string, lockPath: string, cause?: unknown): void {
  let kind: string;
  try {
    const stats = lstatSync(lockPath, { throwIfNoEntry: false });
    if (stats === undefined || stats.isDirectory()) return;
    kind = stats.isSymbolicLink()
      ? 'a symbolic link'
      : stats.isFile()
        ? 'a file'
        : stats.isFIFO()
          ? 'a named pipe'
          : stats.isSocket()
            ? 'a socket'
            : 'a device file';
  } catch {
    // Cannot be examined: the lock library meets the same trouble and reports it.
    return;
  }
  throw new ConfigError(
    `Cannot change config file ${file}: its lock ${lockPath} is ${kind}, not a lock dr made. Remove it and try again.`,
    { code: 'CONFIG_LOCK_UNUSABLE', ...(cause === undefined ? {} : { cause }) },
  );
}

/**
 * A setting stored under a key that holds a plain value (`telemetry: false` written by hand)
 * replaces that value with a mapping: the new setting says what the user chose now.
 */
function replaceScalarParents(doc: Document, path: ConfigPath): void {
  for (let length = 1; length < path.length; length += 1) {
    const parent = path.slice(0, length);
    const node = doc.getIn(parent, true);
    if (node === undefined) return;
    if (!isMap(node)) doc.setIn(parent, doc.createNode({}));
  }
}

function readConfigText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(
      `Cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? error}.`,
      {
        cause: error,
      },
    );
  }
}

function parseConfigDocument(file: string, text: string): Document {
  const doc = parseDocument(text);
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0]?.line;
    const where = line === undefined ? file : `${file}:${line}`;
    const reason = first.message.split('\n', 1)[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError(
      `Config file ${where} is not valid YAML: ${reason}. Fix or remove it and try again.`,
      {
        cause: first,
      },
    );
  }
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw new ConfigError(
      `Config file ${file} must be a YAML mapping of settings. Fix or remove it and try again.`,
    );
  }
  return doc;
}
