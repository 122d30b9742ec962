// Used by build.mjs only: runs the built dr on the command line given, then writes the V8 code
// cache of every bundle file it loaded next to the file (dist/<file>.cache).
'use strict';

const { join } = require('node:path');

require('../bin/bundle-loader.cjs').loadBundle(join(__dirname, '..', 'dist'), { record: true });
