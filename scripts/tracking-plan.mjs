// Writes the tracking plan generated from the event schema in code: docs/tracking-plan.md and
// docs/tracking-plan.schema.json (see packages/shared/src/telemetry/tracking-plan-docs.ts).
// `--check` writes nothing and exits 1 if a file differs from what the schema generates.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScriptWorkspace } from '../bench/lib/workspace.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const { trackingPlanDocuments, TRACKING_PLAN_COMMAND } = await loadScriptWorkspace(['@dr/shared']);

let stale = 0;
for (const [path, text] of Object.entries(trackingPlanDocuments())) {
  const file = join(root, path);
  const current = readOrEmpty(file);
  if (current === text) {
    console.log(`${path}: up to date`);
  } else if (check) {
    stale += 1;
    console.log(`${path}: out of date`);
  } else {
    writeFileSync(file, text);
    console.log(`${path}: written`);
  }
}
if (stale > 0) {
  console.error(`Run \`${TRACKING_PLAN_COMMAND}\` to regenerate the tracking plan.`);
  process.exitCode = 1;
}

function readOrEmpty(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
