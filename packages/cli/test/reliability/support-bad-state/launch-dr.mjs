// Starts bin/dr in this very process after putting it in a state a spawn() cannot:
// `--umask <octal>` sets the file-creation mask it (and the drainer it spawns) inherits, and
// `--remove-cwd` deletes the working folder it was started in before dr runs.
// Usage: node launch-dr.mjs [--umask 000] [--remove-cwd] -- <path of bin/dr> [dr arguments...]
import { rmdirSync } from 'node:fs';
import Module from 'node:module';

const separator = process.argv.indexOf('--');
const own = process.argv.slice(2, separator);
const [program, ...args] = process.argv.slice(separator + 1);

const umaskAt = own.indexOf('--umask');
if (umaskAt !== -1) process.umask(Number.parseInt(own[umaskAt + 1], 8));
if (own.includes('--remove-cwd')) rmdirSync(process.cwd());

process.argv = [process.argv[0], program, ...args];
// bin/dr as Node would run it: as the main module (it runs dr only then; the build requires it
// for its loader functions).
Module.runMain(program);
