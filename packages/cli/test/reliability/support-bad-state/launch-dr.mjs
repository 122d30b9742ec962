// Starts bin/dr in this very process after putting it in a state a spawn() cannot:
// `--umask <octal>` sets the file-creation mask it (and the drainer it spawns) inherits, and
// `--remove-cwd` deletes the working folder it was started in before dr runs.
// Usage: node launch-dr.mjs [--umask 000] [--remove-cwd] -- <path of bin/dr> [dr arguments...]
import { rmdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const separator = process.argv.indexOf('--');
const own = process.argv.slice(2, separator);
const [program, ...args] = process.argv.slice(separator + 1);

const umaskAt = own.indexOf('--umask');
if (umaskAt !== -1) process.umask(Number.parseInt(own[umaskAt + 1], 8));
if (own.includes('--remove-cwd')) rmdirSync(process.cwd());

process.argv = [process.argv[0], program, ...args];
// bin/dr as Node would run it: a CommonJS script, or an ES module where that is what it is.
try {
  createRequire(import.meta.url)(program);
} catch (error) {
  if (error?.code !== 'ERR_REQUIRE_ESM') throw error;
  await import(pathToFileURL(program).href);
}
