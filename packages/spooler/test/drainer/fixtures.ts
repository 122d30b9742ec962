// Shared by the drainer tests: throwaway spool folders, valid events, and the fake Amplitude.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AmplitudeEvent } from '@dr/shared';
import { Spool, type SpoolOptions } from '../../src/spool/spool.ts';

export {
  createTestCertificates,
  type FakeAmplitude,
  startFakeAmplitude,
} from '@dr/testkit';

export const API_KEY = 'test-api-key-0123456789';
export const DEVICE = '5b0c2a9e-1f0d-4c38-9d0e-4a7c2b1e9f10';

export function makeEvent(overrides: Partial<AmplitudeEvent> = {}): AmplitudeEvent {
  return {
    event_type: 'command_completed',
    device_id: DEVICE,
    session_id: 1_700_000_000_000,
    time: Date.now(),
    insert_id: randomUUID(),
    app_version: '1.2.3',
    platform: 'CLI',
    os_name: 'linux',
    os_version: '6.8.0',
    library: 'datarobot-cli-ts/1.2.3',
    event_properties: { command: 'self version', success: true },
    ...overrides,
  };
}

/** Spools `count` events (built by `build`) and returns them in order. */
export function fillSpool(
  dir: string,
  count: number,
  build: (index: number) => AmplitudeEvent = () => makeEvent(),
  options: Partial<SpoolOptions> = {},
): AmplitudeEvent[] {
  const spool = Spool.open({ dir, ...options });
  try {
    const events = Array.from({ length: count }, (_, index) => build(index));
    for (const event of events) spool.enqueue(event);
    return events;
  } finally {
    spool.close();
  }
}

export function withSpool<T>(dir: string, use: (spool: Spool) => T, options: Partial<SpoolOptions> = {}): T {
  const spool = Spool.open({ dir, ...options });
  try {
    return use(spool);
  } finally {
    spool.close();
  }
}

/** A fresh 0700 folder under the OS temp dir, and its clean-up. */
export function tempDir(prefix = 'dr-drainer-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Bundles the drainer's entry script the way it ships (esbuild, better-sqlite3 external) into a
 * folder inside the package, so it finds better-sqlite3; returns its path and a remover.
 */
export async function bundleDrainerEntry(name: string): Promise<{ script: string; remove: () => void }> {
  const { build } = await import('esbuild');
  const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const bundleDir = join(packageRoot, 'node_modules', '.cache', `${name}-${process.pid}`);
  const script = join(bundleDir, 'drainer.mjs');
  await build({
    entryPoints: [join(packageRoot, 'src', 'drainer', 'entry.ts')],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3'],
    // proper-lockfile and its dependencies are CommonJS and require Node's built-ins.
    banner: {
      js: "import { createRequire as __testCreateRequire } from 'node:module'; const require = __testCreateRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
  return { script, remove: () => rmSync(bundleDir, { recursive: true, force: true }) };
}
