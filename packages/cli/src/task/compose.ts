// `dr task compose`: writes a template's root Taskfile from its components' Taskfiles, as the
// Go dr does (cmd/task/compose, internal/task/discovery.go): same discovery, template data,
// rendering (its template, .Taskfile.template or --template), overwrite and .gitignore line.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { DrError, ExitCode } from '@dr/shared';
import { parse } from 'yaml';
import type { CommandIO } from '../datarobot/command-io.ts';
import { fileError, readDotenvText } from '../dotenv/env-file.ts';
import { findExecutable } from '../system/find-executable.ts';
import { isTemplateFolder, NOT_IN_TEMPLATE } from '../templates/template-folder.ts';
import { BUILTIN_TASKFILE_TEMPLATE } from './builtin-taskfile-template.ts';
import { renderGoTemplate } from './go-template.ts';
import { listTasks } from './list.ts';

export interface TaskComposeOptions {
  /** A Go-template file to render instead of .Taskfile.template or the built-in template. */
  readonly template: string | undefined;
}

interface Component {
  readonly Name: string;
  readonly Taskfile: string;
  readonly Dir: string;
}

/** How deep below the template folder component Taskfiles are looked for. */
const MAX_DEPTH = 2;
const PROJECT_TEMPLATE = '.Taskfile.template';

/** Root tasks the template aggregates, by the component task names (and aliases) that feed each. */
const AGGREGATED_TASKS: readonly { readonly names: readonly string[]; readonly key: string }[] = [
  { names: ['start'], key: 'Start' },
  { names: ['lint'], key: 'Lint' },
  { names: ['install'], key: 'Install' },
  { names: ['uninstall'], key: 'Uninstall' },
  { names: ['test'], key: 'Test' },
  { names: ['dev'], key: 'Dev' },
  { names: ['deploy', 'up'], key: 'Deploy' },
  { names: ['deploy-dev', 'up-dev'], key: 'DeployDev' },
];

export async function taskCompose(io: CommandIO, options: TaskComposeOptions): Promise<number> {
  const root = process.cwd();
  let template: 'builtin' | 'project' | 'flag' = options.template === undefined ? 'builtin' : 'flag';
  let components: Component[] = [];
  try {
    const templateFile = options.template === undefined ? undefined : resolve(options.template);
    if (templateFile !== undefined && !existsSync(templateFile)) {
      throw new DrError('TEMPLATE_NOT_FOUND', `The Taskfile template ${templateFile} does not exist.`, {
        exitCode: ExitCode.usage,
      });
    }
    if (!isTemplateFolder(root)) throw new DrError('NOT_IN_TEMPLATE', NOT_IN_TEMPLATE);
    components = findComponents(root);
    if (components.length === 0) {
      throw new DrError(
        'NO_COMPONENT_TASKFILES',
        `No Taskfiles found in child folders (up to ${MAX_DEPTH} deep): there is nothing to compose.`,
      );
    }
    refuseDotenvConflicts(root, components);
    let source = BUILTIN_TASKFILE_TEMPLATE;
    if (templateFile !== undefined) source = readDotenvText(templateFile, 'TEMPLATE_UNREADABLE');
    else if (existsSync(join(root, PROJECT_TEMPLATE))) {
      template = 'project';
      source = readDotenvText(join(root, PROJECT_TEMPLATE), 'TEMPLATE_UNREADABLE');
      io.stderr.write(`Using auto-discovered template: ${PROJECT_TEMPLATE}\n`);
    }
    const data = {
      ...(await aggregatedTasks(io, root, components)),
      Includes: components,
      DevPorts: devPorts(root),
    };
    const rendered = renderGoTemplate(source, data);
    const [name, otherName] = rootTaskfileNames(root);
    try {
      writeFileSync(join(root, name), rendered);
    } catch (error) {
      throw fileError('TASKFILE_WRITE_FAILED', `Cannot write ${name}`, error, 'check that it may be written');
    }
    io.stdout.write(`Generated file saved to: ${name}\n`);
    const gitignoreUpdated = ignoreInGit(io, root, `/${otherName}`);
    io.telemetry.record('task_compose', {
      go_command: 'dr task compose',
      result: 'success',
      components_count: components.length,
      template,
      gitignore_updated: gitignoreUpdated,
    });
    return ExitCode.ok;
  } catch (error) {
    io.telemetry.record('task_compose', {
      go_command: 'dr task compose',
      result: 'failure',
      components_count: components.length,
      template,
      error_type: error instanceof DrError ? error.code : 'Error',
    });
    throw error;
  }
}

/**
 * The root Taskfile's name, the one that exists (Taskfile.yaml first) else Taskfile.yaml, and
 * the other spelling, which the Go dr's compose (its detectExistingTaskfile) puts in .gitignore.
 */
function rootTaskfileNames(root: string): [string, string] {
  return existsSync(join(root, 'Taskfile.yaml')) || !existsSync(join(root, 'Taskfile.yml'))
    ? ['Taskfile.yaml', 'Taskfile.yml']
    : ['Taskfile.yml', 'Taskfile.yaml'];
}

/** Component Taskfiles below `root`, sorted by their folder's name (the include's name). */
export function findComponents(root: string): Component[] {
  const found: Component[] = [];
  const walk = (folder: string, depth: number) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && depth < MAX_DEPTH) walk(path, depth + 1);
      } else if (depth > 0 && /^taskfile\.ya?ml$/i.test(entry.name)) {
        const dir = relative(root, folder).split(sep).join('/');
        found.push({ Name: basename(folder), Taskfile: `./${dir}/${entry.name}`, Dir: `./${dir}` });
      }
    }
  };
  walk(root, 0);
  return found.sort((a, b) => (a.Name === b.Name ? 0 : a.Name < b.Name ? -1 : 1));
}

/** The root Taskfile loads .env for all: a component Taskfile with its own `dotenv` would clash. */
function refuseDotenvConflicts(root: string, components: readonly Component[]): void {
  for (const component of components) {
    let parsed: unknown;
    try {
      parsed = parse(readFileSync(join(root, component.Taskfile), 'utf8'));
    } catch {
      continue;
    }
    if (typeof parsed === 'object' && parsed !== null && Object.hasOwn(parsed, 'dotenv')) {
      throw new DrError(
        'TASKFILE_HAS_DOTENV',
        `Cannot generate the Taskfile: ${component.Taskfile} already has a dotenv directive (the generated Taskfile loads .env for every component): remove it there.`,
      );
    }
  }
}

/** HasDev, DevComponents and the like: which components have each aggregated task. */
async function aggregatedTasks(
  io: CommandIO,
  root: string,
  components: readonly Component[],
): Promise<Record<string, boolean | string[]>> {
  const data: Record<string, boolean | string[]> = {};
  for (const { key } of AGGREGATED_TASKS) {
    data[`Has${key}`] = false;
    data[`${key}Components`] = [];
  }
  const binary = findExecutable('task', io.env);
  if (binary === undefined) {
    io.stderr.write(
      'Warning: go-task (`task`) is not on PATH, so the Taskfile includes the components but runs none of their tasks together.\n',
    );
    return data;
  }
  for (const component of components) {
    const folder = join(root, component.Dir);
    const tasks = await listTasks(binary, folder, basename(component.Taskfile), false, io).catch(() => []);
    const names = new Set(tasks.flatMap((task) => [task.name, ...(task.aliases ?? [])]));
    for (const { names: wanted, key } of AGGREGATED_TASKS) {
      const list = data[`${key}Components`] as string[];
      if (wanted.some((name) => names.has(name)) && !list.includes(component.Name)) {
        list.push(component.Name);
        data[`Has${key}`] = true;
      }
    }
  }
  return data;
}

/** The ports the dev task prints, from the template's optional .taskfile-data.yaml (`ports: [{name, port}]`). */
function devPorts(root: string): { Name: string; Port: number }[] {
  try {
    const parsed = parse(readFileSync(join(root, '.taskfile-data.yaml'), 'utf8')) as { ports?: unknown };
    if (!Array.isArray(parsed?.ports)) return [];
    return parsed.ports
      .filter((port): port is { name: unknown; port: unknown } => typeof port === 'object' && port !== null)
      .map((port) => ({ Name: String(port.name ?? ''), Port: Number(port.port ?? 0) }));
  } catch {
    return [];
  }
}

/** Adds `line` at the top of .gitignore unless a line says it already; true when added. */
function ignoreInGit(io: CommandIO, root: string, line: string): boolean {
  const file = join(root, '.gitignore');
  let contents = '';
  try {
    contents = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      io.stderr.write(`Warning: could not read .gitignore, so ${line} was not added to it.\n`);
      return false;
    }
  }
  if (contents.split(/\r?\n/).includes(line)) return false;
  try {
    writeFileSync(file, `${line}\n\n${contents}`);
  } catch {
    io.stderr.write(`Warning: could not write .gitignore, so ${line} was not added to it.\n`);
    return false;
  }
  io.stdout.write(`Added ${line} line to '.gitignore'.\n`);
  return true;
}
