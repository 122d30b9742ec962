// `dr templates clone <id|name> [dir]`: `git clone` of the template's repository at its tag,
// with git's own progress on stderr. The URL comes from DataRobot, so it is passed after `--`
// (never read as an option), and git never asks for credentials without a terminal.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { DrError, ExitCode } from '@dr/shared';
import { isInteractive } from '../cli/context.ts';
import type { CommandIO } from '../datarobot/command-io.ts';
import { connectToDataRobot } from '../datarobot/connect.ts';
import {
  type ApplicationTemplate,
  defaultFolderName,
  fetchTemplates,
  findTemplate,
} from './application-template.ts';

export async function templatesClone(
  io: CommandIO,
  idOrName: string,
  dir: string | undefined,
): Promise<number> {
  const started = Date.now();
  try {
    const { client } = await connectToDataRobot(io);
    const template = findTemplate(await fetchTemplates(client), idOrName);
    const target = await cloneTemplate(io, template, dir);
    io.telemetry.record('template_clone', { result: 'success', duration_ms: Date.now() - started });
    io.stderr.write(`Cloned "${template.name}" into ${target}. Next: cd ${target} && dr dotenv setup\n`);
    return ExitCode.ok;
  } catch (error) {
    io.telemetry.record('template_clone', { result: 'failure', duration_ms: Date.now() - started });
    throw error;
  }
}

/** Clones `template` into `dir` (default: a folder named after its repository); returns the folder. */
export async function cloneTemplate(
  io: CommandIO,
  template: ApplicationTemplate,
  dir: string | undefined,
): Promise<string> {
  if (template.repository.url === '') {
    throw new DrError(
      'TEMPLATE_NO_REPOSITORY',
      `The template "${template.name}" has no repository to clone.`,
    );
  }
  const target = resolve(dir ?? defaultFolderName(template));
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new DrError(
      'CLONE_TARGET_EXISTS',
      `The folder ${target} already exists and is not empty: give another one, e.g. \`dr templates clone ${template.id} <dir>\`.`,
    );
  }
  const args = [
    'clone',
    '--progress',
    ...(template.repository.tag === '' ? [] : ['--branch', template.repository.tag]),
    '--',
    template.repository.url,
    target,
  ];
  io.stderr.write(
    `Cloning ${template.repository.url}${template.repository.tag ? ` at ${template.repository.tag}` : ''}…\n`,
  );
  const env = isInteractive(io) ? io.env : { ...io.env, GIT_TERMINAL_PROMPT: '0' };
  const code = await new Promise<number>((resolvePromise, reject) => {
    const child = spawn('git', args, { env, stdio: ['inherit', 'inherit', 'inherit'] });
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new DrError(
              'GIT_MISSING',
              'git is not installed (or not on your PATH): install git and try again.',
            )
          : error,
      ),
    );
    child.on('exit', (exitCode) => resolvePromise(exitCode ?? 1));
  });
  if (code !== 0) {
    throw new DrError(
      'CLONE_FAILED',
      `git could not clone the template's repository (exit ${code}): see git's message above.`,
    );
  }
  return target;
}
