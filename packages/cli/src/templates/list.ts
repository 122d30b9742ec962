// `dr templates list`: every application template, as a table for people (cut to the
// terminal's width on a TTY) or as JSON for programs.
import { ExitCode } from '@dr/shared';
import type { CommandIO } from '../datarobot/command-io.ts';
import { connectToDataRobot } from '../datarobot/connect.ts';
import { type ApplicationTemplate, fetchTemplates } from './application-template.ts';

export async function templatesList(io: CommandIO, outputFormat: 'text' | 'json'): Promise<number> {
  const started = Date.now();
  let templates: ApplicationTemplate[];
  try {
    const { client } = await connectToDataRobot(io);
    templates = await fetchTemplates(client);
  } catch (error) {
    io.telemetry.record('template_list', { result: 'failure', duration_ms: Date.now() - started });
    throw error;
  }
  io.telemetry.record('template_list', {
    count: templates.length,
    result: 'success',
    duration_ms: Date.now() - started,
  });
  if (outputFormat === 'json') {
    io.stdout.write(`${JSON.stringify({ templates }, null, 2)}\n`);
  } else {
    io.stdout.write(templateTable(templates, (io.stdout as { isTTY?: boolean; columns?: number }).columns));
  }
  return ExitCode.ok;
}

/** ID, NAME and DESCRIPTION columns; descriptions are cut to `width` when it is known. */
export function templateTable(templates: readonly ApplicationTemplate[], width?: number): string {
  if (templates.length === 0) return 'No application templates are available.\n';
  const idWidth = Math.max(2, ...templates.map((template) => template.id.length));
  const nameWidth = Math.max(4, ...templates.map((template) => template.name.length));
  const room = width === undefined ? Number.POSITIVE_INFINITY : Math.max(10, width - idWidth - nameWidth - 4);
  const row = (id: string, name: string, description: string) =>
    `${id.padEnd(idWidth)}  ${name.padEnd(nameWidth)}  ${cut(description.replace(/\s+/g, ' ').trim(), room)}`.trimEnd();
  return `${[row('ID', 'NAME', 'DESCRIPTION'), ...templates.map((t) => row(t.id, t.name, t.description))].join('\n')}\n`;
}

function cut(text: string, room: number): string {
  return text.length <= room ? text : `${text.slice(0, Math.max(0, room - 1))}…`;
}
