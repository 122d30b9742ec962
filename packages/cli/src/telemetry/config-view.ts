// The telemetry part of drconfig.yaml without parsing YAML on every run: a JSON copy trusted while
// the file keeps its identity (device, inode, size, times) and the copy's format. The copy holds
// no secret and no path. Never throws; an unreadable config is reported, never guessed at.
import { readFileSync, statSync } from 'node:fs';
import { goConfigOptsOut, isFalsyEnv, isTruthyEnv, type TelemetryConfig, writeFileAtomic } from '@dr/shared';

/** Bumped whenever the view gains a field, so a copy written by an older dr is never trusted. */
const CACHE_FORMAT = 2;

export interface TelemetryConfigView {
  readonly telemetry: TelemetryConfig | undefined;
  /** The Go dr's top-level `disable-telemetry` key opts out. */
  readonly goOptOut: boolean;
  /** Fingerprint of the config's `token`, if it has one. */
  readonly tokenFingerprint: string | undefined;
}

export type ConfigViewResult =
  | {
      readonly ok: true;
      readonly view: TelemetryConfigView;
      readonly fromCache: boolean;
      readonly key: string;
    }
  | { readonly ok: false; readonly problem: string };

/** A short, one-way fingerprint of a token: enough to tell tokens apart, useless to anyone else. */
export function tokenFingerprint(token: string): string {
  // Loaded here: node:crypto costs milliseconds to load, and most runs read this from the cache.
  const { createHash } = process.getBuiltinModule('node:crypto');
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

export async function readTelemetryConfigView(
  configFile: string,
  cacheFile: string,
): Promise<ConfigViewResult> {
  const key = fileIdentity(configFile);
  if (key === 'missing')
    return {
      ok: true,
      view: { telemetry: undefined, goOptOut: false, tokenFingerprint: undefined },
      fromCache: true,
      key,
    };
  const cached = readCache(cacheFile, key);
  if (cached !== undefined) return { ok: true, view: cached, fromCache: true, key };
  try {
    // The YAML parser loads only here, when the JSON copy is missing or stale.
    const { readConfig } = await import('@dr/shared/config-file');
    const config = readConfig(configFile);
    const telemetry = telemetrySection(config.telemetry);
    const token = typeof config.token === 'string' && config.token !== '' ? config.token : undefined;
    return {
      ok: true,
      view: {
        telemetry,
        goOptOut: goConfigOptsOut(config['disable-telemetry']),
        tokenFingerprint: token === undefined ? undefined : tokenFingerprint(token),
      },
      fromCache: false,
      key,
    };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
}

/** Stores the view for the next runs. Never throws (a missing copy only costs a YAML parse). */
export async function saveTelemetryConfigView(
  cacheFile: string,
  key: string,
  view: TelemetryConfigView,
): Promise<void> {
  try {
    writeFileAtomic(cacheFile, JSON.stringify({ format: CACHE_FORMAT, key, view }), { durable: false });
  } catch {
    // Only a cache.
  }
}

/**
 * The telemetry section as the rules read it. People write `enabled: no`, `off` or `"false"` (a
 * YAML 1.1 habit; the Go dr reads them as false), and `telemetry: false` for short, as the policy
 * file allows. The YAML 1.2 parser reads those words as strings, which would leave the choice
 * undecided and let the first-run notice overwrite it with a yes: so words count, and any other
 * value that is not a clear yes counts as no.
 */
function telemetrySection(section: unknown): TelemetryConfig | undefined {
  if (section === undefined || section === null) return undefined;
  if (!isRecord(section)) return { enabled: choiceOf(section) };
  if (section.enabled === undefined || section.enabled === null || typeof section.enabled === 'boolean')
    return section as TelemetryConfig;
  return { ...(section as TelemetryConfig), enabled: choiceOf(section.enabled) };
}

function choiceOf(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  const word = typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  return isTruthyEnv(word) && !isFalsyEnv(word);
}

function fileIdentity(file: string): string {
  try {
    const stat = statSync(file, { bigint: true });
    // Device and inode name the file (another --config has another identity), the rest its content.
    return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
  } catch {
    return 'missing';
  }
}

function readCache(cacheFile: string, key: string): TelemetryConfigView | undefined {
  try {
    const parsed = JSON.parse(readFileSync(cacheFile, 'utf8')) as {
      format?: unknown;
      key?: unknown;
      view?: unknown;
    };
    if (parsed.format !== CACHE_FORMAT || parsed.key !== key || !isRecord(parsed.view)) return undefined;
    return parsed.view as unknown as TelemetryConfigView;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
