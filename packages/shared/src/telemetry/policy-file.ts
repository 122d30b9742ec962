// The administrator's policy file (/etc/datarobot/drconfig.yaml or DR_TELEMETRY_POLICY_FILE):
// its telemetry section, read from text the caller loaded. Kept apart from the enablement rules
// so that the YAML parser loads only on machines that have a policy file.
import { parseDocument } from 'yaml';
import { isFalsyEnv, isTruthyEnv, type TelemetryPolicy } from './enablement.ts';

/**
 * Reads the telemetry section of a policy file's text (the caller reads the file). Returns
 * undefined when the file says nothing about telemetry. `enabled` may be a boolean or a word
 * (`false`, `no`, `off`, `0`, ...); `telemetry: false` counts as `telemetry.enabled: false`. A file that is not valid YAML, or a telemetry.enabled that is
 * neither, locks telemetry off with a `problem`: an administrator who wrote one meant to decide.
 */
export function parsePolicyFile(text: string): TelemetryPolicy | undefined {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) return { enabled: false, problem: 'is not valid YAML' };
  const root: unknown = doc.toJS();
  if (!isRecord(root) || !Object.hasOwn(root, 'telemetry')) return undefined;
  // `telemetry: false` is read as the shorthand an administrator would expect it to be.
  const value: unknown = isRecord(root.telemetry) ? root.telemetry.enabled : root.telemetry;
  if (value === undefined || value === null) return {};
  if (typeof value === 'boolean') return { enabled: value };
  const word = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : undefined;
  if (isTruthyEnv(word)) return { enabled: true };
  if (isFalsyEnv(word)) return { enabled: false };
  return { enabled: false, problem: 'has a telemetry.enabled that is neither true nor false' };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
