// Starts the built dr in this very process after putting it in a state a spawn() cannot:
// `--umask <octal>` sets the file-creation mask it (and the drainer it spawns) inherits, and
// `--remove-cwd` deletes the working folder it was started in before dr runs.
// Usage: node launch-dr.mjs [--umask 000] [--remove-cwd] -- <path of dist/dr.js> [dr arguments...]
import { rmdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const separator = process.argv.indexOf('--');
const own = process.argv.slice(2, separator);
const [program, ...args] = process.argv.slice(separator + 1);

const umaskAt = own.indexOf('--umask');
if (umaskAt !== -1) process.umask(Number.parseInt(own[umaskAt + 1], 8));
if (own.includes('--remove-cwd')) rmdirSync(process.cwd());

process.argv = [process.argv[0], program, ...args];
await import(pathToFileURL(program).href);
