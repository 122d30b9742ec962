// Whether the current folder is in an application template's: as the Go dr, the nearest folder
// up to the home folder with `.datarobot/answers` or a `.datarobot/cli` holding more than the old
// `state.yaml`; else the application folder (git root, or the folder itself) with a .env.template.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { applicationFolder } from '../dotenv/app-folder.ts';
import { TEMPLATE_FILE } from '../dotenv/env-template.ts';

/** The template folder `cwd` is in, or undefined when it is in none. */
export function templateFolderOf(cwd: string = process.cwd(), home: string = homedir()): string | undefined {
  for (let folder = resolve(cwd); ; folder = dirname(folder)) {
    if (hasGoTemplateMarkers(folder)) return folder;
    if (folder === resolve(home) || dirname(folder) === folder) break;
  }
  const folder = applicationFolder(cwd);
  return existsSync(join(folder, TEMPLATE_FILE)) ? folder : undefined;
}

/** The Go dr's repo.IsTemplateDir. */
function hasGoTemplateMarkers(folder: string): boolean {
  if (isFolder(join(folder, '.datarobot', 'answers'))) return true;
  try {
    return readdirSync(join(folder, '.datarobot', 'cli')).some((name) => name !== 'state.yaml');
  } catch {
    return false;
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
