// `node scripts/audit.mjs`: the networked half of the dependency audit, `pnpm audit --prod`, or a
// line saying why it was skipped (exit 0) when the registry does not answer in a few seconds. The
// offline half runs in `pnpm test` (packages/cli/test/reliability/dependency-audit.test.ts).
import { spawn, spawnSync } from 'node:child_process';

const TIMEOUT_MS = 5_000;

function configuredRegistry() {
  const answer = spawnSync('pnpm', ['config', 'get', 'registry'], { encoding: 'utf8', timeout: TIMEOUT_MS });
  const value = answer.status === 0 ? answer.stdout.trim() : '';
  return /^https?:\/\//.test(value) ? value : 'https://registry.npmjs.org/';
}

/** Why the registry's advisory endpoint (the one `pnpm audit` asks) cannot be used, if it cannot. */
async function registryProblem(registry) {
  try {
    const response = await fetch(
      new URL('-/npm/v1/security/advisories/bulk', registry.endsWith('/') ? registry : `${registry}/`),
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      },
    );
    return response.ok ? undefined : `its advisory endpoint answered ${response.status}`;
  } catch (error) {
    const failure = /** @type {{ cause?: { code?: string }, name?: string } | undefined} */ (error);
    const cause = failure?.cause?.code ?? failure?.name ?? 'error';
    return `it did not answer within ${TIMEOUT_MS / 1000} s (${cause})`;
  }
}

const registry = configuredRegistry();
const problem = await registryProblem(registry);
if (problem !== undefined) {
  console.log(`Dependency audit skipped: the registry ${registry} cannot be asked: ${problem}.`);
  console.log('The offline checks still run in `pnpm test` (dependency-audit.test.ts).');
  process.exit(0);
}
const audit = spawn('pnpm', ['audit', '--prod'], { stdio: 'inherit' });
audit.on('error', (error) => {
  console.error(`Dependency audit failed to start pnpm: ${error.message}`);
  process.exit(1);
});
audit.on('close', (code) => process.exit(code ?? 1));
