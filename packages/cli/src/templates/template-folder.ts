// Whether a folder is an application template's, by the Go dr's markers: `.datarobot/answers`,
// or `.datarobot/cli` holding more than `state.yaml` (older Go drs wrote that anywhere). `dr task
// compose` and `dr dependency …` work in the template folder found this way.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Where a template keeps dr's files: versions.yaml, state.yaml. */
export const TEMPLATE_CLI_FOLDER = join('.datarobot', 'cli');

export function isTemplateFolder(folder: string): boolean {
  try {
    if (statSync(join(folder, '.datarobot', 'answers')).isDirectory()) return true;
  } catch {
    // No answers folder: look at the CLI folder.
  }
  try {
    return readdirSync(join(folder, TEMPLATE_CLI_FOLDER)).some((entry) => entry !== 'state.yaml');
  } catch {
    return false;
  }
}

/**
 * The template folder `cwd` is in: `cwd` or the nearest parent that is one, stopping at the
 * home folder and at the root, as the Go dr's FindRepoRoot. Undefined when there is none.
 */
export function findTemplateFolder(cwd: string, home: string | undefined): string | undefined {
  let folder = resolve(cwd);
  for (;;) {
    if (isTemplateFolder(folder)) return folder;
    const parent = dirname(folder);
    if (folder === (home && resolve(home)) || parent === folder) return undefined;
    folder = parent;
  }
}

/** The one-line explanation for a command that needs a template folder. */
export const NOT_IN_TEMPLATE =
  "You don't seem to be in a DataRobot template folder (one with a .datarobot/answers folder, or a .datarobot/cli folder holding more than state.yaml): run `dr templates setup` to create one, or change to an existing one.";
