// `dr templates setup`: pick a template on a terminal, clone it, then fill its .env as
// `dr dotenv setup` does. It needs a terminal; without one it says which commands do the same.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DrError, ExitCode } from '@dr/shared';
import { isInteractive } from '../cli/context.ts';
import type { CommandIO } from '../datarobot/command-io.ts';
import { connectToDataRobot } from '../datarobot/connect.ts';
import { TEMPLATE_FILE } from '../dotenv/env-template.ts';
import { fillDotenv, warnIfIncomplete } from '../dotenv/setup.ts';
import { isPromptCancellation, noTerminal, onScreen, TerminalPrompt } from '../dotenv/terminal-prompt.ts';
import { type ApplicationTemplate, defaultFolderName, fetchTemplates } from './application-template.ts';
import { cloneTemplate } from './clone.ts';

export async function templatesSetup(io: CommandIO): Promise<number> {
  if (!isInteractive(io)) {
    throw noTerminal(
      'run `dr templates list`, then `dr templates clone <id|name>` and `dr dotenv setup` in the new folder.',
      io.env,
    );
  }
  const started = Date.now();
  try {
    const { client } = await connectToDataRobot(io);
    const { template, folder } = await chooseTemplate(io, await fetchTemplates(client));
    const target = await cloneTemplate(io, template, folder);
    io.telemetry.record('template_clone', { result: 'success', duration_ms: Date.now() - started });
    if (existsSync(join(target, TEMPLATE_FILE))) {
      warnIfIncomplete(io, await fillDotenv(io, target));
    }
    io.telemetry.record('template_setup', { result: 'success', duration_ms: Date.now() - started });
    io.stderr.write(
      `"${template.name}" is ready in ${target}. Next: cd ${relative(process.cwd(), target) || '.'} && dr task list\n`,
    );
    return ExitCode.ok;
  } catch (error) {
    io.telemetry.record('template_setup', {
      result: isPromptCancellation(error) ? 'cancelled' : 'failure',
      duration_ms: Date.now() - started,
    });
    throw error;
  }
}

/**
 * Asks on the terminal which template to clone (from a numbered list) and into which folder
 * (default: named after its repository). Throws TEMPLATES_NONE when there is none to pick.
 */
export async function chooseTemplate(
  io: CommandIO,
  templates: readonly ApplicationTemplate[],
): Promise<{ template: ApplicationTemplate; folder: string }> {
  if (templates.length === 0)
    throw new DrError('TEMPLATES_NONE', 'DataRobot lists no application templates for your account.');
  const prompt = TerminalPrompt.open(io, '');
  try {
    const template = await onScreen(
      io.telemetry,
      'template_gallery',
      () => pickTemplate(prompt, templates),
      () => 'select',
    );
    const folder = await onScreen(io.telemetry, 'template_setup', () =>
      prompt.ask('Folder to clone into', { defaultValue: defaultFolderName(template) }),
    );
    return { template, folder };
  } finally {
    prompt.close();
  }
}

async function pickTemplate(
  prompt: TerminalPrompt,
  templates: readonly ApplicationTemplate[],
): Promise<ApplicationTemplate> {
  prompt.say('Application templates:');
  templates.forEach((template, index) => {
    prompt.say(
      `  [${index + 1}] ${template.name}${template.description ? ` - ${template.description.replace(/\s+/g, ' ').slice(0, 70)}` : ''}`,
    );
  });
  for (;;) {
    const answer = await prompt.ask(`Pick a template (1-${templates.length})`);
    const index = Number(answer);
    if (Number.isInteger(index) && index >= 1 && index <= templates.length) return templates[index - 1]!;
    const byName = templates.find(
      (template) => template.name.toLowerCase() === answer.toLowerCase() || template.id === answer,
    );
    if (byName) return byName;
    prompt.say(`Type a number from 1 to ${templates.length}, or a template's name.`);
  }
}
