// `dr templates setup`: pick a template on a terminal, clone it, then fill its .env as
// `dr dotenv setup` does. It needs a terminal; without one it says which commands do the same.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DrError, ExitCode } from '@dr/shared';
import { isInteractive } from '../cli/context.ts';
import type { CommandIO } from '../datarobot/command-io.ts';
import { connectToDataRobot } from '../datarobot/connect.ts';
import { TEMPLATE_FILE } from '../dotenv/env-template.ts';
import { fillDotenv } from '../dotenv/setup.ts';
import { noTerminal, TerminalPrompt } from '../dotenv/terminal-prompt.ts';
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
    const templates = await fetchTemplates(client);
    if (templates.length === 0)
      throw new DrError('TEMPLATES_NONE', 'DataRobot lists no application templates for your account.');
    const prompt = TerminalPrompt.open(io, '');
    let template: ApplicationTemplate;
    let folder: string;
    try {
      template = await pickTemplate(prompt, templates);
      folder = await prompt.ask('Folder to clone into', { defaultValue: defaultFolderName(template) });
    } finally {
      prompt.close();
    }
    const target = await cloneTemplate(io, template, folder);
    io.telemetry.record('template_clone', { result: 'success', duration_ms: Date.now() - started });
    if (existsSync(join(target, TEMPLATE_FILE))) {
      const { missing } = await fillDotenv(io, target);
      if (missing.length > 0)
        io.stderr.write(`Still empty in .env: ${missing.join(', ')}. Fill them with \`dr dotenv edit\`.\n`);
    }
    io.telemetry.record('template_setup', { result: 'success', duration_ms: Date.now() - started });
    io.stderr.write(
      `"${template.name}" is ready in ${target}. Next: cd ${relative(process.cwd(), target) || '.'} && dr task list\n`,
    );
    return ExitCode.ok;
  } catch (error) {
    const cancelled =
      error instanceof DrError && (error.code === 'INTERRUPTED' || error.code === 'PROMPT_CANCELLED');
    io.telemetry.record('template_setup', {
      result: cancelled ? 'cancelled' : 'failure',
      duration_ms: Date.now() - started,
    });
    throw error;
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
