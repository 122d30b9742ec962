// `dr start` (`dr quickstart`), the Go dr's guided first run: make sure of the login (offering
// `dr auth login` on a terminal), outside a template's folder pick a template and clone it, fill
// its .env, check (and offer to install) its tools, then run its `task start` or quickstart script.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { DrError, type EventProperties, ExitCode } from '@dr/shared';
import { login } from '../auth/login.ts';
import { isInteractive, isNonInteractiveRun } from '../cli/context.ts';
import type { CommandIO } from '../datarobot/command-io.ts';
import { clientFor, connectToDataRobot, resolveAccess } from '../datarobot/connect.ts';
import { DataRobotError, endpointMissing, tokenMissing } from '../datarobot/errors.ts';
import {
  checkDependencies,
  checkFacts,
  recordSuccess,
  toolName,
  writeViolations,
} from '../dependency/check.ts';
import { installMissingTools } from '../dependency/install.ts';
import { requirementsOf } from '../dependency/requirements.ts';
import { TEMPLATE_FILE } from '../dotenv/env-template.ts';
import { dotenvSetup } from '../dotenv/setup.ts';
import { isPromptCancellation, noTerminal, onScreen, TerminalPrompt } from '../dotenv/terminal-prompt.ts';
import { listTasks } from '../task/list.ts';
import { runInherited, taskRun } from '../task/run.ts';
import { findTaskBinary } from '../task/task-binary.ts';
import { locateTaskfile } from '../task/taskfile.ts';
import {
  type ApplicationTemplate,
  defaultFolderName,
  fetchTemplates,
  findTemplate,
} from '../templates/application-template.ts';
import { cloneTemplate } from '../templates/clone.ts';
import { chooseTemplate } from '../templates/setup.ts';
import { templateFolderOf } from '../templates/template-folder.ts';
import { DEPS_CHECK_WINDOW_MS, hasRecentTemplateStep } from '../templates/template-state.ts';

export interface StartOptions {
  /** -y/--yes: log in, fill .env from defaults, install missing tools and run the quickstart script without asking. */
  readonly yes: boolean;
  /** --template: the template to clone, by id or name, instead of asking. */
  readonly template: string | undefined;
  /** --skip-auth: do not check the login first. */
  readonly skipAuth: boolean;
}

/** Where the Go dr looks for a template's quickstart script (`quickstart*`, executable). */
const QUICKSTART_FOLDER = join('.datarobot', 'cli', 'bin');

type StartKind = 'task' | 'script' | 'none';

/** What the tool check of `dr start` found and did, for its quickstart event. */
type PrerequisitesFacts = {
  -readonly [K in keyof QuickstartPrerequisites]: QuickstartPrerequisites[K];
};
type QuickstartPrerequisites = Pick<
  EventProperties<'quickstart'>,
  | 'deps_check'
  | 'missing_count'
  | 'wrong_version_count'
  | 'invalid_entries_count'
  | 'missing_tools'
  | 'wrong_version_tools'
  | 'install_result'
  | 'installed_tools'
  | 'failed_tool'
>;

export async function start(io: CommandIO, options: StartOptions): Promise<number> {
  const started = Date.now();
  const nonInteractive = isNonInteractiveRun(io.env);
  const yes = options.yes || nonInteractive;
  const facts = { in_template: false, cloned: false, start_kind: 'none' as StartKind };
  const prerequisites: PrerequisitesFacts = {};
  const record = (result: 'success' | 'failure' | 'cancelled') =>
    io.telemetry.record('quickstart', {
      result,
      duration_ms: Date.now() - started,
      ...facts,
      ...prerequisites,
      yes_flag: options.yes,
      non_interactive: nonInteractive,
      go_command: 'dr start',
    });
  try {
    io.stderr.write('DataRobot application quickstart\n');
    step(io, 'Checking your DataRobot login');
    if (options.skipAuth) io.stderr.write('  Skipped (--skip-auth).\n');
    else await ensureLoggedIn(io, yes);

    let folder = templateFolderOf();
    if (folder !== undefined) {
      facts.in_template = true;
      step(io, `Using the application template in ${folder}`);
      if (options.template !== undefined)
        io.stderr.write("  --template is not used: this is already a template's folder.\n");
    } else {
      step(io, 'Choosing an application template');
      folder = await cloneChosenTemplate(io, options.template);
      facts.cloned = true;
    }

    if (existsSync(join(folder, TEMPLATE_FILE))) {
      step(io, 'Setting up .env');
      await dotenvSetup(io, { ifNeeded: true, yes }, folder);
    }

    // Where the Go dr has it: in the template's folder, just before its start command.
    step(io, 'Checking template prerequisites');
    await ensurePrerequisites(io, folder, yes, prerequisites);

    step(io, 'Finding the start command');
    const { kind, exitCode } = await startApplication(io, folder, yes);
    facts.start_kind = kind;
    record(exitCode === ExitCode.ok ? 'success' : 'failure');
    return exitCode;
  } catch (error) {
    const declined = error instanceof DrError && error.code === 'DEPENDENCY_INSTALL_DECLINED';
    record(declined || isPromptCancellation(error) ? 'cancelled' : 'failure');
    throw error;
  }
}

function step(io: CommandIO, text: string): void {
  io.stderr.write(`→ ${text}…\n`);
}

/**
 * Returns once DataRobot accepts the configured token. Without one (or with a stored token it
 * rejects) it offers the browser login on a terminal (no question with --yes); elsewhere it
 * fails with the error that says how to log in. A rejected DATAROBOT_API_TOKEN is not replaced.
 */
async function ensureLoggedIn(io: CommandIO, yes: boolean): Promise<void> {
  const access = resolveAccess(io.configFlag, io.env);
  let problem: DrError;
  if (access.endpoint === undefined) problem = endpointMissing();
  else if (access.token === undefined) problem = tokenMissing();
  else {
    try {
      await (await clientFor(access.endpoint, access.token, io)).version();
      io.stderr.write(`  Logged in to ${access.endpoint.baseUrl}.\n`);
      return;
    } catch (error) {
      const rejected = error instanceof DataRobotError && error.status === 401;
      if (!rejected || access.settings.token.source === 'environment') throw error;
      problem = error;
    }
  }
  if (!isInteractive(io)) throw problem;
  const accepted =
    yes ||
    (await onScreen(
      io.telemetry,
      'auth_login',
      async () => {
        const prompt = TerminalPrompt.open(io, '');
        try {
          return await prompt.confirm(`${problem.message.replace(/: run .*$/, '')}. Log in now?`, true);
        } finally {
          prompt.close();
        }
      },
      (answer) => (answer ? 'submit' : 'cancel'),
    ));
  if (!accepted || (await login(io, { url: undefined, noBrowser: false })) !== ExitCode.ok) throw problem;
}

/**
 * The Go dr's "Checking template prerequisites": skipped when state.yaml records a passing tool
 * check within its window; otherwise checks the template's tools and, when some are missing or
 * too old, installs them as `dr dependency install` does (asking first unless `yes`). It throws
 * when they stay missing (declined, no terminal to ask on, an install failed). What it finds
 * goes into `facts` as it goes, for the quickstart event.
 */
async function ensurePrerequisites(
  io: CommandIO,
  folder: string,
  yes: boolean,
  facts: PrerequisitesFacts,
): Promise<void> {
  if (hasRecentTemplateStep(folder, 'last_success_deps_check', DEPS_CHECK_WINDOW_MS)) {
    facts.deps_check = 'recent';
    io.stderr.write(
      '  Skipped: the tools passed a check in the last 24 hours (.datarobot/cli/state.yaml).\n',
    );
    return;
  }
  const outcome = await checkDependencies(io.env, requirementsOf(folder));
  writeViolations(io, outcome.violations);
  Object.assign(facts, checkFacts(outcome));
  if (outcome.checks.every((check) => check.status === 'ok')) {
    facts.deps_check = 'passed';
    recordSuccess(outcome);
    io.stderr.write('  Every tool the template requires is installed.\n');
    return;
  }
  facts.deps_check = 'failed';
  const ended = await installMissingTools(io, outcome, {
    yes,
    dryRun: false,
    instead:
      'run `dr dependency install` to install the missing tools, or `dr start --yes` to install them and go on.',
    onEnd: ({ result, installed, failed }) =>
      Object.assign(facts, {
        install_result: result,
        installed_tools: installed.map(toolName),
        ...(failed === undefined ? {} : { failed_tool: toolName(failed) }),
      }),
  });
  if (ended === 'declined') {
    throw new DrError(
      'DEPENDENCY_INSTALL_DECLINED',
      'Nothing installed: run `dr dependency install` to install the missing tools, then `dr start` again.',
    );
  }
}

/** Clones the template named, or the one picked on the terminal; returns its folder. */
async function cloneChosenTemplate(io: CommandIO, named: string | undefined): Promise<string> {
  if (named === undefined && !isInteractive(io)) {
    throw noTerminal(
      "name the template with `dr start --template <id|name>` (see `dr templates list`), or run `dr start` in a template's folder.",
      io.env,
    );
  }
  const started = Date.now();
  try {
    const { client } = await connectToDataRobot(io);
    const templates = await fetchTemplates(client);
    let template: ApplicationTemplate;
    let folder: string;
    if (named !== undefined) {
      template = findTemplate(templates, named);
      folder = defaultFolderName(template);
    } else {
      ({ template, folder } = await chooseTemplate(io, templates));
    }
    const target = await cloneTemplate(io, template, folder).catch((error: unknown) => {
      throw error instanceof DrError && error.code === 'CLONE_TARGET_EXISTS'
        ? cloneTargetExists(template, folder, error)
        : error;
    });
    io.telemetry.record('template_clone', { result: 'success', duration_ms: Date.now() - started });
    io.stderr.write(`  Cloned "${template.name}" into ${target}.\n`);
    return target;
  } catch (error) {
    if (!isPromptCancellation(error))
      io.telemetry.record('template_clone', { result: 'failure', duration_ms: Date.now() - started });
    throw error;
  }
}

/** A rerun of `dr start` where it cloned before: says to start that clone, or to clone elsewhere. */
function cloneTargetExists(template: ApplicationTemplate, folder: string, cause: DrError): DrError {
  const target = resolve(folder);
  return new DrError(
    'CLONE_TARGET_EXISTS',
    `The folder ${target} already exists and is not empty: to start it, run \`cd ${relative(process.cwd(), target)} && dr start\`; to clone the template again, \`dr templates clone ${template.id} <dir>\`.`,
    { cause },
  );
}

/**
 * Runs the template's `task start` when its Taskfile has one (and go-task is installed), else
 * its quickstart script, asking first unless `yes`. Returns what ran and its exit code.
 */
async function startApplication(
  io: CommandIO,
  folder: string,
  yes: boolean,
): Promise<{ kind: StartKind; exitCode: number }> {
  if (await hasStartTask(io, folder)) {
    step(io, 'Running `task start`');
    const exitCode = await taskRun(io, {
      dir: folder,
      parallel: false,
      concurrency: undefined,
      watch: false,
      yes: false,
      exitCode: false,
      silent: false,
      tasks: ['start'],
      taskArgs: [],
    });
    return { kind: 'task', exitCode };
  }
  const script = quickstartScript(folder);
  if (script === undefined) {
    const where = relative(process.cwd(), folder);
    io.stderr.write(
      'No `start` task or quickstart script found: this template may not support `dr start` yet; see its README.\n' +
        `Next: ${where === '' ? '' : `cd ${where} && `}dr task list\n`,
    );
    return { kind: 'none', exitCode: ExitCode.ok };
  }
  io.stderr.write(`  Found the quickstart script ${script}.\n`);
  if (!yes) {
    if (!isInteractive(io)) {
      throw noTerminal(`run \`dr start --yes\` to run it without asking, or run ${script} yourself.`, io.env);
    }
    const run = await onScreen(
      io.telemetry,
      'quickstart',
      async () => {
        const prompt = TerminalPrompt.open(io, '');
        try {
          return await prompt.confirm('Run it now?', true);
        } finally {
          prompt.close();
        }
      },
      (answer) => (answer ? 'submit' : 'cancel'),
    );
    if (!run) {
      io.stderr.write(`Not run. Run ${script} when you are ready.\n`);
      return { kind: 'none', exitCode: ExitCode.ok };
    }
  }
  step(io, `Running ${relative(folder, script)}`);
  return { kind: 'script', exitCode: await runInherited(script, [], folder, io.env) };
}

/** Whether go-task lists a `start` task in the folder's Taskfile; false without go-task or a Taskfile. */
async function hasStartTask(io: CommandIO, folder: string): Promise<boolean> {
  try {
    const binary = findTaskBinary(io.env);
    const { taskfile } = locateTaskfile(folder);
    const tasks = await listTasks(binary, folder, taskfile, true, io);
    return tasks.some((task) => task.name === 'start' || task.aliases?.includes('start'));
  } catch {
    return false;
  }
}

/** The first executable `quickstart*` file in the template's `.datarobot/cli/bin`, as the Go dr. */
function quickstartScript(folder: string): string | undefined {
  const bin = join(folder, QUICKSTART_FOLDER);
  let names: string[];
  try {
    names = readdirSync(bin)
      .filter((name) => name.startsWith('quickstart'))
      .sort();
  } catch {
    return undefined;
  }
  return names
    .map((name) => join(bin, name))
    .find((path) => {
      const stats = statSync(path, { throwIfNoEntry: false });
      return (
        stats?.isFile() === true &&
        (process.platform === 'win32' ? /\.(exe|bat|cmd|ps1)$/i.test(path) : (stats.mode & 0o111) !== 0)
      );
    });
}
