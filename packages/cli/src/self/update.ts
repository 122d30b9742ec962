// `dr self update`: tells the installed version, the newest one published on the npm registry
// (`GET <registry>/<package>/latest`), and the npm command that upgrades. It never downloads or
// runs anything. DR_UPDATE_REGISTRY_URL points it at another registry (a mirror, or a test fake).
import { buildInfo, DrError, ExitCode } from '@dr/shared';
import type { CommandIO } from '../datarobot/command-io.ts';

/** The name dr is published under on npm. */
export const NPM_PACKAGE = '@datarobot/cli';
export const DEFAULT_REGISTRY_URL = 'https://registry.npmjs.org';
const TIMEOUT_MS = 10_000;

export interface UpdateReport {
  readonly installed: string;
  readonly latest: string;
  readonly update_available: boolean;
  readonly upgrade_command: string;
}

export async function selfUpdate(io: CommandIO, outputFormat: 'text' | 'json'): Promise<number> {
  let report: UpdateReport;
  try {
    const latest = await latestPublishedVersion(io.env);
    const installed = buildInfo.version;
    report = {
      installed,
      latest,
      update_available: compareVersions(latest, installed) > 0,
      upgrade_command: `npm install --global ${NPM_PACKAGE}@latest`,
    };
  } catch (error) {
    io.telemetry.record('self_update', { update_available: false, result: 'failure' });
    throw error;
  }
  io.telemetry.record('self_update', { update_available: report.update_available, result: 'success' });
  if (outputFormat === 'json') {
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else if (report.update_available) {
    io.stdout.write(
      `dr ${report.installed} is installed; ${report.latest} is available.\nUpgrade with: ${report.upgrade_command}\n`,
    );
  } else if (compareVersions(report.installed, report.latest) > 0) {
    io.stdout.write(
      `dr ${report.installed} is newer than the latest published version (${report.latest}).\n`,
    );
  } else {
    io.stdout.write(`dr ${report.installed} is the newest version.\n`);
  }
  return ExitCode.ok;
}

async function latestPublishedVersion(env: NodeJS.ProcessEnv): Promise<string> {
  const registry = (env.DR_UPDATE_REGISTRY_URL || DEFAULT_REGISTRY_URL).replace(/\/+$/, '');
  const url = `${registry}/${NPM_PACKAGE.replace('/', '%2F')}/latest`;
  const [{ default: ky }, { transportFor }] = await Promise.all([
    import('ky'),
    import('../datarobot/transport.ts'),
  ]);
  const transport = await transportFor({}, env);
  let response: Response;
  try {
    response = await ky.get(url, {
      headers: { Accept: 'application/json' },
      timeout: TIMEOUT_MS,
      retry: 0,
      throwHttpErrors: false,
      ...(transport.dispatcher === undefined ? {} : { dispatcher: transport.dispatcher as never }),
    });
  } catch (error) {
    const timeout = error instanceof Error && error.name === 'TimeoutError';
    const code = (error as { cause?: { code?: unknown } })?.cause?.code;
    throw new DrError(
      'UPDATE_CHECK_FAILED',
      timeout
        ? `The npm registry at ${registry} did not answer within ${TIMEOUT_MS / 1000} s: try again later.`
        : `Cannot reach the npm registry at ${registry}${typeof code === 'string' ? ` (${code})` : ''}: check your network and try again.`,
      { exitCode: ExitCode.network, cause: error },
    );
  }
  if (response.status === 404) {
    throw new DrError('UPDATE_CHECK_FAILED', `${NPM_PACKAGE} is not published on ${registry}.`, {
      exitCode: ExitCode.network,
    });
  }
  if (!response.ok) {
    throw new DrError(
      'UPDATE_CHECK_FAILED',
      `The npm registry at ${registry} answered ${response.status}: try again later.`,
      {
        exitCode: ExitCode.network,
      },
    );
  }
  const body = (await response.json().catch(() => ({}))) as { version?: unknown };
  if (typeof body.version !== 'string' || parseVersion(body.version) === undefined) {
    throw new DrError(
      'UPDATE_CHECK_FAILED',
      `The npm registry at ${registry} sent no version for ${NPM_PACKAGE}.`,
      {
        exitCode: ExitCode.network,
      },
    );
  }
  return body.version;
}

function parseVersion(version: string): { core: number[]; pre: string[] } | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(version.trim());
  if (!match) return undefined;
  return { core: [Number(match[1]), Number(match[2]), Number(match[3])], pre: match[4]?.split('.') ?? [] };
}

/** Semantic version order: > 0 when `a` is newer than `b`. Unparsable versions compare equal. */
export function compareVersions(a: string, b: string): number {
  const left = parseVersion(a);
  const right = parseVersion(b);
  if (!left || !right) return 0;
  for (let index = 0; index < 3; index++) {
    const difference = left.core[index]! - right.core[index]!;
    if (difference !== 0) return Math.sign(difference);
  }
  if (left.pre.length === 0 && right.pre.length === 0) return 0;
  // A release is newer than its pre-releases.
  if (left.pre.length === 0) return 1;
  if (right.pre.length === 0) return -1;
  for (let index = 0; index < Math.max(left.pre.length, right.pre.length); index++) {
    const x = left.pre[index];
    const y = right.pre[index];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const numeric = /^\d+$/.test(x) && /^\d+$/.test(y);
    return numeric ? Math.sign(Number(x) - Number(y)) : x < y ? -1 : 1;
  }
  return 0;
}
