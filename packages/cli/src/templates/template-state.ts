// The Go dr's per-template `.datarobot/cli/state.yaml`: dr sets a step's timestamp as the Go dr
// writes it (RFC 3339, UTC; `last_success_deps_check` lets its `dr start` skip the tool check for
// a day), leaving other keys and comments as they were, and a file it cannot read alone.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, parseDocument } from 'yaml';
import { TEMPLATE_CLI_FOLDER } from './template-folder.ts';

export type TemplateStep = 'last_success_deps_check';

/** Records that `step` succeeded now in the state file of the template in `folder`; false when it could not. */
export function recordTemplateStep(folder: string, step: TemplateStep, now: Date = new Date()): boolean {
  const file = join(folder, TEMPLATE_CLI_FOLDER, 'state.yaml');
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
