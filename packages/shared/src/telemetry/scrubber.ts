// The privacy scrubber: the one place that turns a string into something safe to send. The event
// builder runs it on every free-form string property before an event enters the spool.
//
// Promises: no secret, email, URL (except the three DataRobot cloud hosts, by host name only),
// file path, IP, private host name, long hex or base64-like run, home folder or user name
// survives; each is replaced by a <placeholder>. Plain words, enum-like values, command paths and
// error class names ('auth login', 'us', 'ValidationError') pass through unchanged. Redacting too
// much is the accepted failure. All patterns are compiled once and run in linear time.
import type { HostKind } from './event-schema.ts';

export interface ScrubContext {
  /** The user's home folder (os.homedir()); replaced by `~` wherever it appears. */
  readonly homeDir?: string;
  /** The user's login name (os.userInfo().username); replaced by `<user>` as a whole word. */
  readonly userName?: string;
}

/** The DataRobot cloud hosts: the only host names that may be sent. */
export const DATAROBOT_CLOUD_HOSTS: ReadonlyMap<string, Exclude<HostKind, 'custom'>> = new Map([
  ['app.datarobot.com', 'us'],
  ['app.eu.datarobot.com', 'eu'],
  ['app.jp.datarobot.com', 'jp'],
]);

/** Longer input is cut (at a word boundary) before scrubbing, which bounds the work per string. */
export const MAX_SCRUB_INPUT_LENGTH = 4096;

/** Characters that end a "token" (a run that may be a path, an email or a secret). */
const DELIM = `\\s"'\`<>()\\[\\]{},;`;

type Rule = readonly [pattern: RegExp, replace: string | ((match: string, ...groups: string[]) => string)];

// Order matters: whole structures (PEM blocks, URLs, key=value pairs, known token formats, emails)
// go before the generic rules (paths, IPs, hosts, long runs) that would otherwise cut them apart.
const RULES: readonly Rule[] = [
  [/-----BEGIN [A-Z0-9 ]{1,40}-----[\s\S]*?(?:-----END [A-Z0-9 ]{1,40}-----|$)/g, '<pem>'],
  [/\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s"'`<>]*/gi, (url) => cloudHostOfUrl(url) ?? '<url>'],
  [/\b((?:proxy-)?authorization)(["']?\s*[:=]\s*)[^\r\n"']*/gi, '$1$2<redacted>'],
  [/\b(bearer)(\s+)[^\s"'`,;]+/gi, '$1$2<token>'],
  [
    /\b(?:eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*|sk-[\w-]{16,}|(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA)[A-Z0-9]{16}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}|xox[abposr]-[\w-]{10,}|AIza[\w-]{30,}|npm_[A-Za-z0-9]{30,}|[rsp]k_(?:live|test)_[A-Za-z0-9]{10,}|glpat-[\w-]{20,})/g,
    '<token>',
  ],
  // key=value (any key: env values and argument values are never sent) and key: value for
  // secret-looking keys; quoted keys and values too (JSON, YAML, headers).
  [
    /(?<![\w.-])([\w.-]+)(["']?)(\s*)([=:])(\s*)(?!<redacted>)("[^"\r\n]*"|'[^'\r\n]*'|[^\s"'`,;&]+)/g,
    (match, key, quote, s1, sep, s2) =>
      sep === '=' || SECRET_KEY.test(key) ? `${key}${quote}${s1}${sep}${s2}<redacted>` : match,
  ],
  // Emails: quoted local parts, %40 and full-width at signs, "(at)"/"[dot]" spellings.
  [/"[^"\r\n]{0,64}"\s*@[^\s"'`<>()[\]{},;]+/g, '<email>'],
  [
    new RegExp(`(?<![^${DELIM}])[^${DELIM}@]*(?:@|%40|＠|﹫)(?:\\[[^\\]\\s]*\\]|[^${DELIM}]+)`, 'gi'),
    '<email>',
  ],
  [
    /(?<![\w.+-])[\w.+-]+\s*[([{<]\s*at\s*[)\]}>]\s*[\w-]+(?:\s*(?:[([{<]\s*dot\s*[)\]}>]|\.)\s*[\w-]+)+/gi,
    '<email>',
  ],
  [/(?<![\w.+-])[\w.+-]+\s+at\s+[\w-]+(?:\s+dot\s+[\w-]+)+\b/gi, '<email>'],
  // Anything with a path separator: POSIX, Windows (C:\, UNC), ~/..., relative paths.
  [new RegExp(`(?<![^${DELIM}])[^${DELIM}]*[\\\\/][^${DELIM}]*`, 'g'), '<path>'],
  [
    /(?<![\w.-])[\w.-]+\.(?:ya?ml|json|env|txt|py|ts|js|mjs|cjs|go|rs|java|md|toml|ini|cfg|conf|pem|key|crt|cer|p12|pfx|csv|tsv|parquet|xlsx?|ipynb|sh|ps1|bat|zip|tar|gz|tgz|log|db|sqlite|lock|html?|xml|pdf|docx?)(?![\w-])/gi,
    '<file>',
  ],
  [/(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?(?!\d)/g, '<ip>'],
  [
    /(?<![\w:])(?=[0-9a-f:]*[0-9a-f])[0-9a-f:]*::[0-9a-f:]*(?:%\w+)?(?![\w:])|(?<![\w:])(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}(?![\w:])/gi,
    '<ip>',
  ],
  [/(?<![\w.-])[a-z0-9-]+(?:\.[a-z0-9-]+)+/gi, (name) => keptHost(name)],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/[0-9a-f]{16,}/gi, '<hex>'],
  [/(?<![\w+-])[\w+-]{20,}=*/g, (run) => (isSecretLikeRun(run) ? '<secret>' : run)],
];

// Every rule above needs one of these to match (a separator, a 16-character run, or one of the
// words the bearer, authorization and "x at y dot z" rules look for). Plain words skip them all.
// Tested on the lower-cased text, without the i flag: a case-insensitive pattern with non-ASCII
// characters makes V8 build Unicode case tables at its first use, milliseconds of a dr run.
const MAY_NEED_RULES = /[-_.:/\\=@%"+＠﹫]|[a-z0-9]{16}|bearer|authorization|\bat\b/;

const SECRET_KEY =
  /pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth|credential|session|cookie|signature/i;

// Single-dot names are hosts only under these top-level domains (so `Mr.Smith` or `obj.method`
// stay words); names with two dots or more are always hosts.
const HOST_TLDS = new Set(
  'com net org io ai dev app cloud co us eu jp uk de fr nl ch in cn sg au ca br local internal corp lan intranet home localdomain biz info tech site online xyz me gov edu mil int'.split(
    ' ',
  ),
);

/**
 * A URL on a cloud host is reduced to the host name (its path, query and credentials may carry
 * ids or secrets, and a bare name survives the path rule); any other URL is redacted whole.
 */
function cloudHostOfUrl(url: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url);
  const host = match ? authorityHost(match[1]!) : '';
  return DATAROBOT_CLOUD_HOSTS.has(host) ? host : undefined;
}

/** A dotted name is a host when its last label is alphabetic (so `1.2.3` stays a version). */
function keptHost(name: string): string {
  const host = name.toLowerCase();
  if (DATAROBOT_CLOUD_HOSTS.has(host)) return name;
  const labels = host.split('.');
  const tld = labels[labels.length - 1]!;
  if (!/^[a-z]{2,63}$/.test(tld)) return name;
  return labels.length >= 3 || HOST_TLDS.has(tld) ? '<host>' : name;
}

/** The host of a URL authority (`user:pass@host:port`), lower-cased, without a trailing dot. */
function authorityHost(authority: string): string {
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  const host = hostPort.startsWith('[')
    ? hostPort.slice(0, hostPort.indexOf(']') + 1)
    : hostPort.split(':')[0]!;
  return host.toLowerCase().replace(/\.$/, '');
}

const SEPARATED_IDENTIFIER_PART = /^(?:[a-z]+|[A-Z]+|[A-Z][a-z]+)\d{0,2}$|^\d{0,4}$/;
const CAMEL_CASE_WORDS = /^[A-Za-z]?[a-z]+(?:[A-Z][a-z]{2,})*$/;
const VOWEL = /[aeiouy]/i;

/**
 * Whether a run of 20+ base64/base64url characters looks random rather than like an identifier.
 * Identifiers are snake/kebab words (`ERR_HTTP2_STREAM_CANCEL`, `auth_login_succeeded`) or
 * camel-case words without digits, each with a vowel (`ValidationErrorWithDetails`); anything
 * else is a secret.
 */
function isSecretLikeRun(paddedRun: string): boolean {
  const run = paddedRun.replace(/=+$/, '');
  if (run.includes('+')) return true;
  if (/[_-]/.test(run)) return !run.split(/[_-]/).every((part) => SEPARATED_IDENTIFIER_PART.test(part));
  return !CAMEL_CASE_WORDS.test(run) || !run.split(/(?=[A-Z])/).every((word) => VOWEL.test(word));
}

interface ContextRule {
  readonly pattern: RegExp;
  /** Lower-case ASCII text every match holds (when the text is ASCII), or '' to always try. */
  readonly probe: string;
}

let cachedContextKey: string | undefined;
let cachedContextRules: { home?: ContextRule; user?: ContextRule } = {};

function contextRules(context: ScrubContext): { home?: ContextRule; user?: ContextRule } {
  const key = `${context.homeDir ?? ''}\0${context.userName ?? ''}`;
  if (key === cachedContextKey) return cachedContextRules;
  const rules: { home?: ContextRule; user?: ContextRule } = {};
  const home = context.homeDir?.replace(/[\\/]+$/, '');
  if (home && home.length >= 2) {
    // Either separator, any case: Windows and macOS paths are case-insensitive.
    const parts = home.split(/[\\/]/);
    const pattern = parts.map((part) => escapeRegExp(part)).join('[\\\\/]');
    rules.home = {
      pattern: new RegExp(`${pattern}(?=[\\\\/${DELIM}]|$)`, 'gi'),
      probe: asciiProbe(parts.at(-1) ?? ''),
    };
  }
  const user = context.userName?.trim();
  if (user && user.length >= 3) {
    rules.user = {
      pattern: new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(user)}(?![\\p{L}\\p{N}])`, 'giu'),
      probe: asciiProbe(user),
    };
  }
  cachedContextKey = key;
  cachedContextRules = rules;
  return rules;
}

/** `text` in lower case when it is ASCII; otherwise '' (found in any text: always try the rule). */
function asciiProbe(text: string): string {
  return ASCII_ONLY.test(text) ? text.toLowerCase() : '';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Returns `value` with every secret, personal or identifying part replaced by a placeholder
 * (`<token>`, `<redacted>`, `<email>`, `<url>`, `<path>`, `<file>`, `<ip>`, `<host>`, `<uuid>`,
 * `<hex>`, `<secret>`, `<pem>`, `<user>`; the home folder becomes `~` and then part of a `<path>`).
 * User names shorter than 3 characters are not replaced (they would eat ordinary words).
 */
export function scrubString(value: string, context: ScrubContext = {}): string {
  // A run scrubs the same few strings (command, os version) in each of its events: the rules
  // run once per string and context. (V8 also compiles a pattern again on its second use.)
  let memo = scrubbed.get(context);
  if (memo === undefined) {
    memo = new Map();
    scrubbed.set(context, memo);
  }
  const known = memo.get(value);
  if (known !== undefined) return known;
  const text = scrubUncached(value, context);
  if (memo.size >= MAX_MEMO_ENTRIES) memo.clear();
  memo.set(value, text);
  return text;
}

const scrubbed = new WeakMap<ScrubContext, Map<string, string>>();
const MAX_MEMO_ENTRIES = 256;

function scrubUncached(value: string, context: ScrubContext): string {
  let text = value.length > MAX_SCRUB_INPUT_LENGTH ? cutAtWordBoundary(value, MAX_SCRUB_INPUT_LENGTH) : value;
  const { home, user } = contextRules(context);
  if (home && mayContain(text, home.probe)) text = text.replace(home.pattern, '~');
  if (MAY_NEED_RULES.test(text.toLowerCase())) {
    for (const [pattern, replace] of RULES) {
      text = text.replace(pattern, replace as (match: string, ...groups: string[]) => string);
    }
  }
  if (user && mayContain(text, user.probe)) text = text.replace(user.pattern, '<user>');
  return text;
}

/**
 * Whether a case-insensitive pattern built around `probe` (lower case ASCII) may match `text`.
 * ASCII text can only match if it holds the probe in some case; other text is always tried (in
 * Unicode, other characters fold to ASCII ones). Saves compiling the pattern on most runs.
 */
function mayContain(text: string, probe: string): boolean {
  return !ASCII_ONLY.test(text) || text.toLowerCase().includes(probe);
}

const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** The first `length` characters, less the word the cut fell into (a half token may escape the rules). */
function cutAtWordBoundary(value: string, length: number): string {
  const cut = value.slice(0, length);
  const lastSpace = Math.max(cut.lastIndexOf(' '), cut.lastIndexOf('\n'), cut.lastIndexOf('\t'));
  return lastSpace > 0 ? cut.slice(0, lastSpace) : cut;
}

/**
 * Which DataRobot cloud a URL (or bare host) belongs to: 'us', 'eu' or 'jp' for the cloud hosts,
 * 'custom' for anything else, including an unparsable value.
 */
export function hostKind(url: string): HostKind {
  const trimmed = url.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(trimmed);
  const rest = scheme ? trimmed.slice(scheme[0].length) : trimmed;
  const authority = rest.split(/[/?#]/, 1)[0] ?? '';
  return DATAROBOT_CLOUD_HOSTS.get(authorityHost(authority)) ?? 'custom';
}
