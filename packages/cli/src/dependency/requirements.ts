// The tools a template requires, as the Go dr reads them: its `.datarobot/cli/versions.yaml`
// (tool key → name, minimum-version, command, url, install per platform), else the Go dr's
// built-in list. Entries with missing fields are still used; each problem is a violation.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, parseDocument } from 'yaml';
import { findTemplateFolder, TEMPLATE_CLI_FOLDER } from '../templates/template-folder.ts';

export interface InstallCommands {
  readonly macos?: string;
  readonly linux?: string;
  readonly windows?: string;
}

export interface Requirement {
  /** The versions.yaml key (`uv`); the name for the built-in list. */
  readonly key: string;
  readonly name: string;
  /** Empty: any version will do. */
  readonly minimumVersion: string;
  /** What prints the version (`uv --version`); its first word is the program looked for. */
  readonly command: string;
  readonly url: string;
  readonly install: InstallCommands;
}

export interface Requirements {
  /** The template folder the requirements are for; undefined outside one. */
  readonly templateFolder: string | undefined;
  readonly requirements: readonly Requirement[];
  readonly source: 'versions_file' | 'default';
  /** One line per problem of versions.yaml (a field missing, a version that is not one). */
  readonly violations: readonly string[];
}

const WINGET_UNATTENDED = ' --accept-source-agreements --accept-package-agreements --silent';

/** The Go dr's list, used when the template has no versions.yaml (or is not a template). */
export const DEFAULT_REQUIREMENTS: readonly Requirement[] = [
  {
    key: 'python',
    name: 'Python',
    command: 'python3 --version',
    url: 'https://www.python.org/downloads/',
    minimumVersion: '3.12.5',
    install: {
      macos: 'brew install python',
      linux: 'sudo apt-get install python3',
      windows: `winget install -e --id Python.Python.3.12${WINGET_UNATTENDED}`,
    },
  },
  {
    key: 'uv',
    name: 'uv',
    command: 'uv --version',
    url: 'https://docs.astral.sh/uv/getting-started/installation/',
    minimumVersion: '0.11.20',
    install: {
      macos: 'brew install uv',
      linux: 'curl -Ls https://astral.sh/uv/install.sh | sh',
      windows: `winget install --id=astral-sh.uv  -e${WINGET_UNATTENDED}`,
    },
  },
  {
    key: 'task',
    name: 'task',
    command: 'task --version',
    url: 'https://taskfile.dev/docs/installation',
    minimumVersion: '3.50.0',
    install: {
      macos: 'brew install go-task/tap/go-task',
      linux: 'curl -sL https://taskfile.dev/install.sh | sh',
      windows: `winget install Task.Task${WINGET_UNATTENDED}`,
    },
  },
  {
    key: 'pulumi',
    name: 'pulumi',
    command: 'pulumi version',
    url: 'https://www.pulumi.com/docs/get-started/download-install/',
    minimumVersion: '3.245.0',
    install: {
      macos: 'brew install pulumi',
      linux: 'curl -fsSL https://get.pulumi.com | sh',
      windows: `winget install Pulumi.Pulumi${WINGET_UNATTENDED}`,
    },
  },
];

/** The requirements for the template `cwd` is in; the built-in list when it has none. */
export function readRequirements(cwd: string, env: NodeJS.ProcessEnv): Requirements {
  return requirementsOf(findTemplateFolder(cwd, env.HOME));
}

/** The requirements of the template in `templateFolder` (none: the built-in list). */
export function requirementsOf(templateFolder: string | undefined): Requirements {
  const defaults: Requirements = {
    templateFolder,
    requirements: DEFAULT_REQUIREMENTS,
    source: 'default',
    violations: [],
  };
  if (templateFolder === undefined) return defaults;
  let text: string;
  try {
    text = readFileSync(join(templateFolder, TEMPLATE_CLI_FOLDER, 'versions.yaml'), 'utf8');
  } catch {
    return defaults;
  }
  return { templateFolder, ...parseRequirements(text) };
}

/** Reads versions.yaml text. Unreadable as a map of tools, it counts as absent, as in the Go dr. */
export function parseRequirements(text: string): Omit<Requirements, 'templateFolder'> {
  const document = parseDocument(text);
  if (document.errors.length > 0 || !isMap(document.contents)) {
    return {
      requirements: DEFAULT_REQUIREMENTS,
      source: 'default',
      violations: ['versions.yaml is not a map of tools: using the default requirements'],
    };
  }
  const requirements: Requirement[] = [];
  const violations: string[] = [];
  for (const [key, value] of Object.entries(document.toJS() as Record<string, unknown>)) {
    const entry = isRecord(value) ? value : {};
    const install = isRecord(entry.install) ? entry.install : {};
    // What is only shown (in tables, warnings, one-line errors) is made one visible line here.
    const requirement: Requirement = {
      key: visibleText(key),
      name: visibleText(stringOf(entry.name)),
      minimumVersion: visibleText(stringOf(entry['minimum-version'])),
      command: stringOf(entry.command),
      url: visibleText(stringOf(entry.url)),
      install: {
        macos: stringOf(install.macos),
        linux: stringOf(install.linux),
        windows: stringOf(install.windows),
      },
    };
    violations.push(...violationsOf(requirement));
    requirements.push(requirement);
  }
  return { requirements, source: 'versions_file', violations };
}

/** The Go dr's validation: every field but the Windows install command is required. */
function violationsOf(requirement: Requirement): string[] {
  const fields: [string, string | undefined][] = [
    ['name', requirement.name],
    ['minimum-version', requirement.minimumVersion],
    ['command', requirement.command],
    ['url', requirement.url],
    ['macos', requirement.install.macos],
    ['linux', requirement.install.linux],
  ];
  const problems = fields
    .filter(([, value]) => value === undefined || value === '')
    .map(([field]) => `versions.yaml [${requirement.key}]: '${field}' is required`);
  if (requirement.minimumVersion !== '' && !SEMANTIC_VERSION.test(requirement.minimumVersion)) {
    problems.push(
      `versions.yaml [${requirement.key}]: 'minimum-version' "${requirement.minimumVersion}" is not a valid semantic version`,
    );
  }
  return problems;
}

/** What Masterminds/semver (the Go dr's check) accepts: `1`, `1.2`, `v1.2.3-rc.1+build`. */
const SEMANTIC_VERSION = /^v?\d+(\.\d+){0,2}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/**
 * `text` with control and invisible formatting characters (terminal escapes, carriage returns,
 * bidirectional overrides) written as `\u{1b}`, so what is shown is all there is.
 */
export function visibleText(text: string, { keepNewlines = false } = {}): string {
  let shown = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const invisible =
      code < 0x20 ||
      (code >= 0x7f && code <= 0x9f) ||
      (code >= 0x200b && code <= 0x200f) ||
      (code >= 0x2028 && code <= 0x202e) ||
      (code >= 0x2060 && code <= 0x206f) ||
      code === 0xfeff;
    shown += invisible && !(keepNewlines && char === '\n') ? `\\u{${code.toString(16)}}` : char;
  }
  return shown;
}

function stringOf(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
