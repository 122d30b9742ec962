// The Go dr's per-template `.datarobot/cli/state.yaml`: dr sets a step's timestamp as the Go dr
// writes it (RFC 3339, UTC; `last_success_deps_check` lets `dr start` skip the tool check for a
// day), leaving other keys and comments as they were, and a file it cannot read alone.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, parseDocument } from 'yaml';
import { TEMPLATE_CLI_FOLDER } from './template-folder.ts';

export type TemplateStep = 'last_success_deps_check';

/** How long a passing tool check lets `dr start` skip the next one, as the Go dr's (24 hours). */
export const DEPS_CHECK_WINDOW_MS = 24 * 60 * 60 * 1000;

function stateFile(folder: string): string {
  return join(folder, TEMPLATE_CLI_FOLDER, 'state.yaml');
}

/**
 * Whether the state file of the template in `folder` records `step` less than `windowMs` ago,
 * as the Go dr's HasRecentSuccessDepsCheck reads it (a time ahead of the clock counts too).
 */
export function hasRecentTemplateStep(
  folder: string,
  step: TemplateStep,
  windowMs: number,
  now: Date = new Date(),
): boolean {
  let contents: unknown;
  try {
    const document = parseDocument(readFileSync(stateFile(folder), 'utf8'));
    if (document.errors.length > 0 || !isMap(document.contents)) return false;
    contents = document.get(step);
  } catch {
    return false;
  }
  const at = contents instanceof Date ? contents.getTime() : Date.parse(String(contents ?? ''));
  return !Number.isNaN(at) && now.getTime() - at < windowMs;
}

/** Records that `step` succeeded now in the state file of the template in `folder`; false when it could not. */
export function recordTemplateStep(folder: string, step: TemplateStep, now: Date = new Date()): boolean {
  const file = stateFile(folder);
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return false;
  }
  const document = parseDocument(text);
  if (document.errors.length > 0 || (document.contents !== null && !isMap(document.contents))) return false;
  document.set(step, now.toISOString());
  try {
    mkdirSync(join(folder, TEMPLATE_CLI_FOLDER), { recursive: true });
    writeFileSync(file, document.toString());
    return true;
  } catch {
    return false;
  }
}
