// Whether a folder is an application template's, by the Go dr's markers: `.datarobot/answers`,
// or `.datarobot/cli` holding more than `state.yaml` (older Go drs wrote that anywhere). `dr task
// compose`, `dr dependency …` and `dr start` work in the template folder found this way.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { applicationFolder } from '../dotenv/app-folder.ts';
import { TEMPLATE_FILE } from '../dotenv/env-template.ts';

/** Where a template keeps dr's files: versions.yaml, state.yaml. */
export const TEMPLATE_CLI_FOLDER = join('.datarobot', 'cli');

/** The Go dr's repo.IsTemplateDir. */
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

/**
 * For `dr start`: the folder found by the Go dr's markers, else the application folder (git
 * root, or the folder itself) when it has a .env.template.
 */
export function templateFolderOf(cwd: string = process.cwd(), home: string = homedir()): string | undefined {
  const marked = findTemplateFolder(cwd, home);
  if (marked !== undefined) return marked;
  const folder = applicationFolder(cwd);
  return existsSync(join(folder, TEMPLATE_FILE)) ? folder : undefined;
}

/** The one-line explanation for a command that needs a template folder. */
export const NOT_IN_TEMPLATE =
  "You don't seem to be in a DataRobot template folder (one with a .datarobot/answers folder, or a .datarobot/cli folder holding more than state.yaml): run `dr templates setup` to create one, or change to an existing one.";
