// Where a program is on PATH, found the way a shell finds it (an executable file in the first
// folder of PATH that has one), without running anything. Used for go-task and the tools a
// template needs.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, resolve } from 'node:path';

/**
 * The full path of `name` on the PATH of `env`, or undefined when no folder of it has one. A
 * name with a slash (`./bin/tool`, `/usr/bin/python3`) is that file, as for a shell.
 */
export function findExecutable(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const names = process.platform === 'win32' ? [`${name}.exe`, `${name}.cmd`, name] : [name];
  const dirs = /[\\/]/.test(name) ? [''] : (env.PATH ?? env.Path ?? '').split(delimiter).filter(Boolean);
  for (const candidate of dirs.flatMap((dir) => names.map((file) => resolve(dir, file)))) {
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}
