// Where a program is on PATH, found the way a shell finds it (an executable file in the first
// folder of PATH that has one), without running anything. Used for go-task and the tools a
// template needs.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The full path of `name` on the PATH of `env`, or undefined when no folder of it has one. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const names = process.platform === 'win32' ? [`${name}.exe`, `${name}.cmd`, name] : [name];
  for (const dir of (env.PATH ?? env.Path ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const candidate of names.map((file) => join(dir, file))) {
      try {
        if (!statSync(candidate).isFile()) continue;
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // Not here.
      }
    }
  }
  return undefined;
}
