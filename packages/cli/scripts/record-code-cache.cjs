// Used by build.mjs only: runs the built dr on the command line given, then writes the V8 code
// cache of every bundle file it loaded next to it (dist/<file>.cache). It starts no drainer.
'use strict';

const childProcess = require('node:child_process');
const { join } = require('node:path');

childProcess.spawn = () => {
  throw new Error('recording the code cache starts no process');
};
/** @type {typeof import('../../../scripts/typecheck/bin-dr.cjs')} */
const dr = require(join(__dirname, '..', 'bin', 'dr'));
dr.loadBundle(join(__dirname, '..', 'dist'), { record: true });
