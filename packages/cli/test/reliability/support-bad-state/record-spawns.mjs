// Loaded with `node --import` ahead of dr: records every child process dr starts (program,
// arguments, shell option, working folder, environment) as one JSON line in the file named by
// DR_TEST_SPAWN_RECORD, then starts it unchanged. The ES module bindings dr imports from
// node:child_process are updated too (syncBuiltinESMExports), so nothing escapes the record.

import childProcess from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const record = process.env.DR_TEST_SPAWN_RECORD;
const WATCHED = ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'exec', 'execSync', 'fork'];

for (const name of WATCHED) {
  const original = childProcess[name];
  childProcess[name] = function recorded(file, ...rest) {
    const args = Array.isArray(rest[0]) ? rest[0] : [];
    const options = rest.find(
      (value) => value !== null && typeof value === 'object' && !Array.isArray(value),
    );
    appendFileSync(
      record,
      `${JSON.stringify({
        call: name,
        file,
        args,
        shell: options?.shell ?? null,
        cwd: options?.cwd ?? null,
        env: options?.env ?? null,
      })}\n`,
    );
    return original.call(this, file, ...rest);
  };
}
syncBuiltinESMExports();
