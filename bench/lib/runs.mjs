// What the exit-latency benchmarks share: a home where telemetry is already consented to, and a
// timed run of a child process to its exit (asynchronous: the fake collectors live in the
// benchmark's own process and must keep answering meanwhile).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throw-away home whose drconfig.yaml says yes to telemetry (no prompt, no notice). */
export function makeConsentingHome(prefix) {
  const home = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(home, '.config', 'datarobot'), { recursive: true });
  writeFileSync(
    join(home, '.config', 'datarobot', 'drconfig.yaml'),
    'telemetry:\n  enabled: true\n  last_prompt_version: 1\n',
  );
  return home;
}

/** The environment of a `dr` run in `home` that records telemetry and sends it to `endpoint`. */
export function recordingEnv(home, endpoint, extra = {}) {
  return {
    PATH: process.env.PATH,
    HOME: home,
    DR_TELEMETRY_API_KEY: 'bench-key-12345',
    DR_TELEMETRY_ENDPOINT: endpoint,
    ...extra,
  };
}

/**
 * `node <args>` from spawn to exit: resolves { ms, killed }; killed (ms = killAfterMs) when it
 * had to be killed after killAfterMs. Rejects when it exits non-zero.
 */
export function timeNodeRun(args, env, killAfterMs = Number.POSITIVE_INFINITY) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const killer = Number.isFinite(killAfterMs)
      ? setTimeout(() => child.kill('SIGKILL'), killAfterMs)
      : undefined;
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (signal === 'SIGKILL' && killer !== undefined) resolve({ ms: killAfterMs, killed: true });
      else if (code === 0) resolve({ ms, killed: false });
      else reject(new Error(`${args.join(' ')} exited ${code ?? signal}: ${stderr.slice(0, 500)}`));
    });
  });
}
