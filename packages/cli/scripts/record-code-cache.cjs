// Used by build.mjs only: runs the built dr on the command line given, then writes the V8 code
// cache of every bundle file it loaded next to the file (dist/<file>.cache). It starts no
// drainer: the build sends nothing, even when the line it records has telemetry on.
'use strict';

const childProcess = require('node:child_process');
const { join } = require('node:path');

childProcess.spawn = () => {
  throw new Error('recording the code cache starts no process');
};
require('../bin/dr').loadBundle(join(__dirname, '..', 'dist'), { record: true });
