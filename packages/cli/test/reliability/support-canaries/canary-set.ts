// The privacy canaries: one random plain word per way a value reaches dr, and a scan that finds
// them in captured bytes. The words are lower-case letters only, so the scrubber (which removes
// tokens, paths, hosts, long runs) lets them through: only "names and counts, never values"
// can keep them out of telemetry. Each carries its channel's name, so a leak names its source.

/** Where a value comes from when dr meets it. */
export const CHANNELS = [
  /** Positional arguments: template names, folders, task names, words after `--`. */
  'argument',
  /** Values given to flags: --output-format, --limit, --dir, --reason, --timeout. */
  'flagValue',
  /** DATAROBOT_API_TOKEN in the environment. */
  'envToken',
  /** Another key in the environment (OPENAI_API_KEY), which dr never needs to send. */
  'envKey',
  /** An unrelated environment variable, and EDITOR. */
  'envOther',
  /** A folder name on the path of the working folder. */
  'workingFolder',
  /** Values in .env files (written by the user and by an editor). */
  'dotenvValue',
  /** The token stored in drconfig.yaml (by `dr auth login`). */
  'configToken',
  /** A key DataRobot rejects, given to `dr auth login`. */
  'rejectedKey',
  /** The host of the DataRobot URL (a single label, so it is a plain word too). */
  'host',
  /** The message of every error DataRobot answers with. */
  'serverMessage',
  /** What DataRobot answers: template descriptions, repository folder, the user's names and email. */
  'serverData',
  /** Answers typed on a terminal (the template setup's folder and .env values). */
  'typed',
  /** A path segment of the npm registry URL that `dr self update` asks. */
  'registryPath',
  /**
   * What a template's own files say: versions.yaml's tool keys, names, commands, URLs and install
   * commands, what the tools print, component folders, task names, a Taskfile template's text.
   */
  'templateFile',
] as const;

export type Channel = (typeof CHANNELS)[number];
export type CanarySet = Readonly<Record<Channel, string>>;

/** Every canary starts with this; sinks that may hold none are searched for it too (a cut canary). */
export const CANARY_PREFIX = 'canary';

/** A fresh word per channel: `canary` + the channel in lower case + 10 random letters. */
export function makeCanaries(): CanarySet {
  const letters = () =>
    Array.from({ length: 10 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
  return Object.fromEntries(
    CHANNELS.map((channel) => [channel, `${CANARY_PREFIX}${channel.toLowerCase()}${letters()}`]),
  ) as Record<Channel, string>;
}

/** One named piece of what a server received or a file held, e.g. a header or a body. */
export interface CapturedPart {
  /** Where it was seen, for failure messages: `amplitude request 3 header:user-agent`. */
  readonly where: string;
  /** The part's name within its message: 'target', 'header:<lower-case name>', 'body', 'file'. */
  readonly part: string;
  readonly bytes: Buffer;
}

export interface Sighting {
  readonly channel: Channel;
  readonly part: CapturedPart;
}

/**
 * Every canary in every part, in any letter case (a canary seen twice in one part counts once).
 * The bytes are read as latin1, so binary files (the spool) are searched byte for byte.
 */
export function findCanaries(canaries: CanarySet, parts: readonly CapturedPart[]): Sighting[] {
  const sightings: Sighting[] = [];
  for (const part of parts) {
    const text = part.bytes.toString('latin1').toLowerCase();
    for (const channel of CHANNELS) if (text.includes(canaries[channel])) sightings.push({ channel, part });
  }
  return sightings;
}

/** The text around each CANARY_PREFIX in the parts, in any case: a whole canary, or what is left of one. */
export function findCanaryPrefixes(parts: readonly CapturedPart[]): string[] {
  const found: string[] = [];
  for (const part of parts) {
    const text = part.bytes.toString('latin1');
    for (const match of text.toLowerCase().matchAll(new RegExp(CANARY_PREFIX, 'g')))
      found.push(`${part.where} ${part.part}: …${text.slice(match.index, match.index + 40)}…`);
  }
  return found;
}

/** The parts of an HTTP request: its target, each header as sent, and its body. */
export function requestParts(
  where: string,
  target: string,
  headers: readonly (readonly [string, string])[],
  body: Buffer,
): CapturedPart[] {
  return [
    { where, part: 'target', bytes: Buffer.from(target) },
    ...headers.map(([name, value]) => ({
      where,
      part: `header:${name.toLowerCase()}`,
      bytes: Buffer.from(`${name}: ${value}`),
    })),
    { where, part: 'body', bytes: body },
  ];
}

/** Node's rawHeaders (name, value, name, value, …) as pairs. */
export function headerPairs(rawHeaders: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let index = 0; index + 1 < rawHeaders.length; index += 2)
    pairs.push([rawHeaders[index]!, rawHeaders[index + 1]!]);
  return pairs;
}

export function byteCount(parts: readonly CapturedPart[]): number {
  return parts.reduce((sum, part) => sum + part.bytes.length, 0);
}
