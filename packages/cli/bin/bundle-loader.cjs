// Loads the built dr bundle (dist/*.js, CommonJS) with V8's code cache, so a start compiles
// almost nothing: `pnpm build` runs dr once per typical command line with `record` set and
// writes what V8 compiled next to each file (dist/<file>.cache). A cache V8 rejects (another
// Node version, a rebuilt file) only means that file is compiled as usual; nothing is written
// at run time. The bundle's own files are loaded here directly (their `require('./chunk…')`
// needs no path resolution); everything else (node: builtins, the SQLite addon) goes through
// Node's require. Under `--debug` the bundle loads through Node's require instead, after
// source maps are on, so stacks point into the TypeScript sources.
'use strict';

const Module = require('node:module');
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');

/**
 * Runs dist/dr.js.
 * @param {string} dist the folder holding the bundle
 * @param {{ record?: boolean }} [options] record: write the code cache of every file loaded, at exit
 */
function loadBundle(dist, options = {}) {
  const entry = join(dist, 'dr.js');
  if (process.argv.includes('--debug')) {
    process.setSourceMapsEnabled(true);
    require(entry);
    return;
  }
  const record = options.record === true;
  /** @type {Map<string, Module>} */
  const loaded = new Map();
  /** @type {Array<[string, Script]>} */
  const compiled = [];
  const paths = Module._nodeModulePaths(dist);

  /** @param {string} file a file name in dist */
  function load(file) {
    const known = loaded.get(file);
    if (known !== undefined) return known.exports;
    const filename = join(dist, file);
    const mod = new Module(filename, module);
    mod.filename = filename;
    mod.paths = paths;
    loaded.set(file, mod);
    // As bytes, then text: readFileSync's own decoding first validates the encoding name, which
    // costs more than the decoding of these files.
    const source = readFileSync(filename).toString();
    let cachedData;
    if (!record) {
      try {
        cachedData = readFileSync(`${filename}.cache`);
      } catch {
        // No cache: compile as usual.
      }
    }
    const script = new Script(Module.wrap(source), { filename, cachedData });
    if (record) compiled.push([`${filename}.cache`, script]);
    const localRequire = (id) => (id.startsWith('./') ? load(id.slice(2)) : mod.require(id));
    localRequire.resolve = (request, resolveOptions) =>
      Module._resolveFilename(request, mod, false, resolveOptions);
    localRequire.cache = Module._cache;
    localRequire.main = process.mainModule;
    script.runInThisContext().call(mod.exports, mod.exports, localRequire, mod, filename, dist);
    mod.loaded = true;
    return mod.exports;
  }

  if (record) {
    // After the command ran: the cache then holds the functions it compiled, not only the
    // top level of each file.
    process.on('exit', () => {
      for (const [cacheFile, script] of compiled) writeFileSync(cacheFile, script.createCachedData());
    });
  }
  load('dr.js');
}

module.exports = { loadBundle };
