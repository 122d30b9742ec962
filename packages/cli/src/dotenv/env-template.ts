// .env.template, the list of settings an application template needs: `KEY=` is required,
// `KEY=default` has a default, `# KEY=value` is optional; the comment lines right above a key
// describe it. Keys that name secrets (…TOKEN, …SECRET, …PASSWORD, …KEY) are masked when asked.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DrError } from '@dr/shared';
import { type EnvLine, parseEnvLines, readDotenvText } from './env-file.ts';

export const TEMPLATE_FILE = '.env.template';
export const DOTENV_FILE = '.env';

/** The two settings every template gets from the login, whatever the template says. */
export const DATAROBOT_KEYS = ['DATAROBOT_ENDPOINT', 'DATAROBOT_API_TOKEN'] as const;

export interface TemplateEntry {
  readonly name: string;
  /** The template's value; '' when none. */
  readonly defaultValue: string;
  /** True when the app cannot run without it: a bare `KEY=`, or one of the DataRobot pair. */
  readonly required: boolean;
  /** Written commented out (`# KEY=value`): optional. */
  readonly commented: boolean;
  readonly secret: boolean;
  /** The comment lines right above the key, without `#`. */
  readonly description: string;
}

export interface EnvTemplate {
  readonly file: string;
  readonly lines: readonly EnvLine[];
  readonly entries: readonly TemplateEntry[];
}

const COMMENTED_ASSIGNMENT = /^\s*#\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s?(.*)$/;
const SECRET_NAME = /(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIALS?)(_|$)/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export function parseEnvTemplate(file: string, text: string): EnvTemplate {
  const lines = parseEnvLines(text);
  const entries: TemplateEntry[] = [];
  let description: string[] = [];
  for (const line of lines) {
    const commented = line.name === undefined ? COMMENTED_ASSIGNMENT.exec(line.text) : null;
    const name = line.name ?? commented?.[1];
    if (name !== undefined) {
      const defaultValue = line.name !== undefined ? (line.value ?? '') : (commented?.[2] ?? '').trim();
      const isDataRobot = (DATAROBOT_KEYS as readonly string[]).includes(name);
      entries.push({
        name,
        defaultValue,
        required: isDataRobot || (line.name !== undefined && defaultValue === ''),
        commented: line.name === undefined,
        secret: isSecretName(name),
        description: description.join(' '),
      });
      description = [];
    } else if (/^\s*#/.test(line.text)) {
      description.push(line.text.replace(/^\s*#\s?/, '').trim());
    } else {
      description = [];
    }
  }
  return { file, lines, entries };
}

export function readEnvTemplate(folder: string): EnvTemplate {
  const file = join(folder, TEMPLATE_FILE);
  if (!existsSync(file)) {
    throw new DrError(
      'DOTENV_TEMPLATE_MISSING',
      `No ${TEMPLATE_FILE} in ${folder}: run this in an application template's folder (see \`dr templates clone\`).`,
    );
  }
  return parseEnvTemplate(file, readDotenvText(file, 'DOTENV_TEMPLATE_UNREADABLE'));
}
