// `dr dependency check`: whether each tool the template requires is on PATH in at least its
// minimum version (the first version its version command prints, as the Go dr reads it), as a
// table or JSON; exits 1 otherwise. Telemetry gets counts and tool names from a fixed list.
import { execFile } from 'node:child_process';
import { allowlistedToolName, buildInfo, DrError, ExitCode } from '@dr/shared';
import type { CommandIO } from '../datarobot/command-io.ts';
import { findExecutable } from '../system/find-executable.ts';
import { recordTemplateStep } from '../templates/template-state.ts';
import { type Requirement, type Requirements, readRequirements } from './requirements.ts';

export type ToolStatus = 'ok' | 'missing' | 'wrong_version';

export interface ToolCheck {
  readonly requirement: Requirement;
  readonly status: ToolStatus;
  /** `v3.12.7` as read from the version command; `unknown` when it failed; undefined when missing. */
  readonly installed: string | undefined;
}

export interface CheckOutcome extends Requirements {
  readonly checks: readonly ToolCheck[];
}

/** The words that run dr itself in a version command: its version is this build's. */
const DR_NAMES = ['dr', 'datarobot'];
/** A version command that prints nothing for this long counts as failed. */
const VERSION_COMMAND_TIMEOUT_MS = 30_000;

export async function dependencyCheck(
  io: CommandIO,
  options: { readonly outputFormat: 'text' | 'json' },
): Promise<number> {
  const outcome = await checkDependencies(io.env);
  recordCheck(io, outcome);
  const problems = outcome.checks.filter((check) => check.status !== 'ok');
  if (options.outputFormat === 'json') {
    io.stdout.write(`${JSON.stringify(checkReport(outcome), null, 2)}\n`);
  } else {
    writeViolations(io, outcome.violations);
    io.stdout.write(checkTable(outcome.checks));
    if (problems.length === 0) io.stdout.write('✅ All dependencies are already up to date.\n');
  }
  if (problems.length === 0) recordSuccess(outcome);
  if (problems.length > 0) {
    throw new DrError('DEPENDENCIES_MISSING', `${problemSummary(problems)}: run \`dr dependency install\`.`);
  }
  return ExitCode.ok;
}

/** Checks every tool `requirements` names (by default, the template the current folder is in). */
export async function checkDependencies(
  env: NodeJS.ProcessEnv,
  requirements: Requirements = readRequirements(process.cwd(), env),
): Promise<CheckOutcome> {
  const checks = await Promise.all(
    requirements.requirements.map((requirement) => checkTool(requirement, env)),
  );
  return { ...requirements, checks };
}

function recordCheck(io: CommandIO, outcome: CheckOutcome): void {
  io.telemetry.record('dependency_check', {
    go_command: 'dr dependency check',
    source: outcome.source,
    tools_count: outcome.checks.length,
    ...checkFacts(outcome),
  });
}

/** What a check found, as `dependency_check` (and `quickstart`) record it: counts and listed tool names. */
export function checkFacts({ checks, violations }: CheckOutcome) {
  const named = (status: ToolStatus) =>
    checks.filter((check) => check.status === status).map((check) => toolName(check.requirement));
  return {
    missing_count: named('missing').length,
    wrong_version_count: named('wrong_version').length,
    invalid_entries_count: violations.length,
    missing_tools: named('missing'),
    wrong_version_tools: named('wrong_version'),
  };
}

/** Tells `dr start`, ours and the Go dr's (through the template's state.yaml), that the tools are in place. */
export function recordSuccess(outcome: CheckOutcome): void {
  if (outcome.templateFolder !== undefined)
    recordTemplateStep(outcome.templateFolder, 'last_success_deps_check');
}

/** The name a tool is sent under: its key or name when on the fixed list, else `other`. */
export function toolName(requirement: Requirement) {
  const byKey = allowlistedToolName(requirement.key);
  return byKey === 'other' ? allowlistedToolName(requirement.name) : byKey;
}

async function checkTool(requirement: Requirement, env: NodeJS.ProcessEnv): Promise<ToolCheck> {
  const [program = '', ...args] = requirement.command.split(' ').filter((word) => word !== '');
  const isDr = DR_NAMES.includes(program) && !(args[0] === 'plugin' && args[1] === 'version');
  if (isDr)
    return versionCheck(requirement, buildInfo.version.endsWith('-dev') ? undefined : buildInfo.version);
  const executable = program === '' ? undefined : findExecutable(program, env);
  if (executable === undefined) return { requirement, status: 'missing', installed: undefined };
  if (requirement.minimumVersion === '') return { requirement, status: 'ok', installed: undefined };
  const output = await new Promise<string | undefined>((resolve) => {
    execFile(executable, args, { env, timeout: VERSION_COMMAND_TIMEOUT_MS }, (error, stdout) =>
      resolve(error ? undefined : stdout),
    );
  });
  if (output === undefined) return { requirement, status: 'wrong_version', installed: 'unknown' };
  return versionCheck(requirement, output);
}

/** Compares the first version in `output` with the minimum; undefined output (a dev build) is enough. */
function versionCheck(requirement: Requirement, output: string | undefined): ToolCheck {
  if (output === undefined) return { requirement, status: 'ok', installed: buildInfo.version };
  const installed = versionNumbers(output);
  const minimum = versionNumbers(requirement.minimumVersion);
  const older = installed.findIndex((part, index) => part !== minimum[index]);
  const enough = older === -1 || installed[older]! > minimum[older]!;
  return { requirement, status: enough ? 'ok' : 'wrong_version', installed: `v${installed.join('.')}` };
}

/** Major, minor, patch of the first version in `text`, read with the Go dr's expression (missing parts are 0). */
export function versionNumbers(text: string): [number, number, number] {
  const match = /v?(\d+)(.(\d+)(.(\d+))?)?/.exec(text);
  return [Number(match?.[1] ?? 0), Number(match?.[3] ?? 0), Number(match?.[5] ?? 0)];
}

/** `1 tool is missing and 2 are too old`. */
export function problemSummary(problems: readonly ToolCheck[]): string {
  const missing = problems
    .filter((check) => check.status === 'missing')
    .map((check) => check.requirement.name);
  const old = problems
    .filter((check) => check.status === 'wrong_version')
    .map((check) => check.requirement.name);
  const parts = [
    ...(missing.length > 0 ? [`missing: ${missing.join(', ')}`] : []),
    ...(old.length > 0 ? [`too old: ${old.join(', ')}`] : []),
  ];
  return `Required tools are not all installed (${parts.join('; ')})`;
}

export function writeViolations(io: CommandIO, violations: readonly string[]): void {
  for (const violation of violations) io.stderr.write(`Warning: ${violation}\n`);
}

/** The table of `dr dependency check` (and of `install` before it installs). */
export function checkTable(checks: readonly ToolCheck[]): string {
  const rows = [
    ['TOOL', 'REQUIRED', 'INSTALLED', 'STATUS'],
    ...checks.map((check) => [
      check.requirement.name || check.requirement.key,
      check.requirement.minimumVersion === '' ? 'any' : check.requirement.minimumVersion,
      check.installed ?? (check.status === 'missing' ? '-' : 'yes'),
      check.status === 'ok'
        ? 'ok'
        : `${check.status === 'missing' ? 'missing' : 'too old'}${check.requirement.url ? ` (${check.requirement.url})` : ''}`,
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map(
      (row) =>
        `${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')}\n`,
    )
    .join('');
}

function checkReport(outcome: CheckOutcome) {
  return {
    satisfied: outcome.checks.every((check) => check.status === 'ok'),
    source: outcome.source,
    tools: outcome.checks.map((check) => ({
      key: check.requirement.key,
      name: check.requirement.name,
      minimum_version: check.requirement.minimumVersion,
      installed_version: check.installed ?? null,
      status: check.status,
      url: check.requirement.url,
    })),
    violations: outcome.violations,
  };
}
