// Whether the current folder is an application template's: its application folder (the git
// repository root, or the folder itself) has a .env.template, or the Go dr's markers
// (`.datarobot/answers`, or `.datarobot/cli` holding more than the old `state.yaml`).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { applicationFolder } from '../dotenv/app-folder.ts';
import { TEMPLATE_FILE } from '../dotenv/env-template.ts';

/** The template folder `cwd` is in, or undefined when it is in none. */
export function templateFolderOf(cwd: string = process.cwd()): string | undefined {
  const folder = applicationFolder(cwd);
  return isTemplateFolder(folder) ? folder : undefined;
}

function isTemplateFolder(folder: string): boolean {
  if (existsSync(join(folder, TEMPLATE_FILE))) return true;
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
