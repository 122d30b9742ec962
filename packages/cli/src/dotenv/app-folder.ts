// The application folder the dotenv and task commands work in: the root of the git repository
// the current folder is in (as the Go dr), or the current folder when it is in none.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export function applicationFolder(cwd: string = process.cwd()): string {
  let folder = resolve(cwd);
  for (;;) {
    if (existsSync(join(folder, '.git'))) return folder;
    const parent = dirname(folder);
    if (parent === folder) return resolve(cwd);
    folder = parent;
  }
}
