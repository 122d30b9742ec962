// The tracking plan as code: every event dr may send, with the only properties it may carry,
// declared once in EVENT_SCHEMA, from which the types, the runtime validator and the docs derive.
//
// Promises: an undeclared property fails to compile, and one that slips through at run time is
// stripped. Properties are enums, booleans, integers and short strings, never user values.
import type { EventPropertyValue } from './amplitude-event.ts';

/** One property's declaration. `enum` values are literals from this file, never user input. */
export type PropertySpec =
  | { readonly type: 'string'; readonly description: string; readonly required?: boolean }
  | { readonly type: 'string[]'; readonly description: string; readonly required?: boolean }
  | { readonly type: 'integer'; readonly description: string; readonly required?: boolean }
  | { readonly type: 'boolean'; readonly description: string; readonly required?: boolean }
  | {
      /** `enum[]`: a list of such literals (tool names), so no free text can enter the list either. */
      readonly type: 'enum' | 'enum[]';
      readonly values: readonly string[];
      readonly description: string;
      readonly required?: boolean;
    };

export interface EventSpec {
  readonly description: string;
  readonly properties: Readonly<Record<string, PropertySpec>>;
}

/** Strings longer than this are cut (after scrubbing); Amplitude itself cuts at 1024. */
export const MAX_STRING_PROPERTY_LENGTH = 256;
/** `string[]` properties keep at most this many items. */
export const MAX_STRING_ARRAY_ITEMS = 50;

/** How an operation ended. */
export const RESULTS = ['success', 'failure', 'cancelled'] as const;
/** Which DataRobot cloud an endpoint belongs to; `custom` is any other (private) install. */
export const HOST_KINDS = ['us', 'eu', 'jp', 'custom'] as const;
/** Task names that may be sent as they are; any other becomes `custom` (see `allowlistedTaskName`). */
export const TASK_NAMES = [
  'build',
  'check',
  'clean',
  'default',
  'deploy',
  'destroy',
  'dev',
  'down',
  'format',
  'infra',
  'install',
  'lint',
  'migrate',
  'run',
  'setup',
  'start',
  'stop',
  'test',
  'up',
  'validate',
  'custom',
] as const;
/**
 * Tools a template may require that may be named (`dr dependency …` events); any other is
 * `other` (see `allowlistedToolName`). Never versions or commands: those may hold paths.
 */
export const DEPENDENCY_TOOLS = [
  'python',
  'uv',
  'task',
  'pulumi',
  'dr',
  'git',
  'node',
  'docker',
  'other',
] as const;
export const TUI_SCREENS = [
  'main_menu',
  'template_gallery',
  'template_setup',
  'dotenv_wizard',
  'auth_set_url',
  'auth_login',
  'task_picker',
  'consent_prompt',
  'self_update',
  'quickstart',
] as const;
/** The shells dr writes completion and environment statements for (the Go dr's list). */
export const SHELL_NAMES = ['bash', 'zsh', 'fish', 'powershell', 'cmd'] as const;
export const TUI_ACTIONS = ['open', 'select', 'submit', 'back', 'cancel', 'search', 'help', 'quit'] as const;

/**
 * The Go dr's names and aliases of commands, as a line may name them instead of the canonical
 * path (`template list` for `templates list`, `run` for `task run`): the command tree's words.
 */
export const COMMAND_ALIASES = [
  'template list',
  'template clone',
  'template setup',
  'task l',
  'task r',
  'run',
  'dependencies check',
  'dependencies install',
  'deps check',
  'deps install',
  'quickstart',
] as const;

export type Result = (typeof RESULTS)[number];
export type CommandAlias = (typeof COMMAND_ALIASES)[number];
export type HostKind = (typeof HOST_KINDS)[number];
export type TaskName = (typeof TASK_NAMES)[number];
export type DependencyTool = (typeof DEPENDENCY_TOOLS)[number];
export type ShellName = (typeof SHELL_NAMES)[number];

const command = {
  type: 'string',
  required: true,
  description: "The command path as typed in the command tree, e.g. 'auth login' (never its arguments).",
} as const;
const commandAlias = {
  type: 'enum',
  values: COMMAND_ALIASES,
  description:
    "The Go dr name or alias the line used for the command, when not its canonical path, e.g. 'template list' or 'run'.",
} as const;
const argsCount = { type: 'integer', description: 'How many positional arguments were given.' } as const;
const flags = {
  type: 'string[]',
  description: "Names of the flags given, without dashes or values, e.g. ['verbose'].",
} as const;
const durationMs = { type: 'integer', description: 'Wall time of the operation, in milliseconds.' } as const;
const commandDurationMs = {
  type: 'integer',
  description:
    "Wall time of the dr process from its start (Node's start-up and the parsing of the line included) to the command's end, in milliseconds.",
} as const;
const exitCode = { type: 'integer', description: 'The process exit code.' } as const;
const errorType = {
  type: 'string',
  description:
    "The error's class or stable code, e.g. 'ConfigError' or 'CONFIG_INVALID' (never its message).",
} as const;
const result = { type: 'enum', values: RESULTS, description: 'How the operation ended.' } as const;
const hostKind = {
  type: 'enum',
  values: HOST_KINDS,
  description: 'Which DataRobot cloud the endpoint belongs to; any private install is custom.',
} as const;
const taskName = {
  type: 'enum',
  values: TASK_NAMES,
  required: true,
  description: 'The task, if its name is on the allowlist; any other task is custom.',
} as const;
const toolNames = (which: string) =>
  ({
    type: 'enum[]',
    values: DEPENDENCY_TOOLS,
    description: `The tools ${which} (a tool not on the list is other).`,
  }) as const;
const toolCount = (which: string) => ({ type: 'integer', description: `How many tools ${which}.` }) as const;
const invalidEntriesCount = {
  type: 'integer',
  description: 'How many problems versions.yaml has (missing fields, bad versions).',
} as const;
const failedTool = {
  type: 'enum',
  values: DEPENDENCY_TOOLS,
  description: 'The tool whose install failed.',
} as const;
const shell = {
  type: 'enum',
  values: SHELL_NAMES,
  required: true,
  description: 'The shell the command worked for.',
} as const;
const shellDetected = {
  type: 'boolean',
  description: 'Whether the shell was detected (parent process or $SHELL) rather than named on the line.',
} as const;
const dotenvProperties = {
  keys_count: { type: 'integer', description: 'How many variables the .env file holds.' },
  missing_count: { type: 'integer', description: 'How many required variables have no value.' },
  result,
} as const;
/**
 * The Go dr's event type for the same action (its command path, e.g. 'dr start'), where it names
 * the event otherwise, so the two can be charted together.
 */
const goCommand = <const V extends string>(value: V) =>
  ({
    type: 'enum',
    values: [value],
    description: `The Go dr's event type for this action: '${value}'.`,
  }) as const;
const droppedCount = (why: string) =>
  ({ type: 'integer', description: `Events dropped because ${why}.` }) as const;

/** Every event type dr sends, and the properties each may carry. */
export const EVENT_SCHEMA = {
  command_started: {
    description: 'A dr command began (after its arguments were parsed).',
    properties: { command, command_alias: commandAlias, args_count: argsCount, flags },
  },
  command_completed: {
    description: 'A dr command ended with exit code 0.',
    properties: {
      command,
      command_alias: commandAlias,
      args_count: argsCount,
      flags,
      duration_ms: commandDurationMs,
      success: { type: 'boolean', description: 'Always true for this event.' },
      exit_code: exitCode,
    },
  },
  command_failed: {
    description: 'A dr command ended with a non-zero exit code or an error.',
    properties: {
      command,
      command_alias: commandAlias,
      args_count: argsCount,
      flags,
      duration_ms: commandDurationMs,
      success: { type: 'boolean', description: 'Always false for this event.' },
      exit_code: exitCode,
      error_type: errorType,
    },
  },
  error: {
    description: 'An error reached the error boundary of the CLI.',
    properties: { error_type: { ...errorType, required: true }, command: { ...command, required: false } },
  },
  auth_login_started: {
    description: 'The browser login flow began.',
    properties: { host_kind: hostKind },
  },
  auth_login_succeeded: {
    description: 'The login flow stored a valid API token.',
    properties: { host_kind: hostKind, duration_ms: durationMs },
  },
  auth_login_failed: {
    description: 'The login flow ended without a token.',
    properties: { host_kind: hostKind, duration_ms: durationMs, error_type: errorType },
  },
  auth_logout: {
    description: 'The stored API token was removed.',
    properties: { host_kind: hostKind },
  },
  auth_check: {
    description: 'The stored credentials were checked against DataRobot.',
    properties: {
      host_kind: hostKind,
      valid: { type: 'boolean', description: 'Whether DataRobot accepted the token.' },
    },
  },
  auth_export: {
    description:
      'The credentials were printed as environment variable statements (the token itself is never recorded).',
    properties: {
      host_kind: hostKind,
      shell_name: shell,
      shell_detected: shellDetected,
      output_format: {
        type: 'enum',
        values: ['text', 'json'],
        description: 'Shell statements (text) or the JSON envelope.',
      },
      from_environment: {
        type: 'boolean',
        description: 'Whether the token came from DATAROBOT_API_TOKEN rather than drconfig.yaml.',
      },
    },
  },
  auth_set_url: {
    description: 'The DataRobot endpoint was set.',
    properties: {
      host_kind: { ...hostKind, required: true },
      interactive: { type: 'boolean', description: 'Whether the URL was chosen in the interactive picker.' },
    },
  },
  template_list: {
    description: 'The application templates were listed.',
    properties: {
      count: { type: 'integer', description: 'How many templates were listed.' },
      result,
      duration_ms: durationMs,
    },
  },
  template_clone: {
    description: 'An application template was cloned.',
    properties: { result, duration_ms: durationMs },
  },
  template_setup: {
    description: 'The template setup wizard ran.',
    properties: { result, duration_ms: durationMs },
  },
  dotenv_setup: {
    description:
      'The .env file was created or filled by `dr dotenv setup` (or by `dr start`, `dr templates setup`).',
    properties: {
      ...dotenvProperties,
      skipped: {
        type: 'boolean',
        description: 'True when --if-needed found .env already complete and changed nothing.',
      },
      asked_count: { type: 'integer', description: 'How many variables were asked for on the terminal.' },
      go_command: goCommand('dr dotenv setup'),
    },
  },
  dotenv_edit: {
    description: 'The .env file was edited.',
    properties: dotenvProperties,
  },
  dotenv_validate: {
    description: 'The .env file was checked against the template.',
    properties: dotenvProperties,
  },
  dotenv_update: {
    description: 'The .env file was updated with values from DataRobot.',
    properties: dotenvProperties,
  },
  quickstart: {
    description: 'The guided first run (`dr start`, `dr quickstart`) ended.',
    properties: {
      result,
      duration_ms: durationMs,
      in_template: {
        type: 'boolean',
        description: "Whether it began in an application template's folder (no template was cloned).",
      },
      cloned: { type: 'boolean', description: 'Whether a template was cloned.' },
      start_kind: {
        type: 'enum',
        values: ['task', 'script', 'none'],
        description: "What started the app: the template's `task start`, its quickstart script, or nothing.",
      },
      deps_check: {
        type: 'enum',
        values: ['recent', 'passed', 'failed'],
        description:
          "How the template's tool check ended: skipped after a passing one within 24 hours (state.yaml), every tool in place, or some missing or too old. Absent when the run stopped before it.",
      },
      missing_count: toolCount('were not installed'),
      wrong_version_count: toolCount('were older than required'),
      invalid_entries_count: invalidEntriesCount,
      missing_tools: toolNames('not installed'),
      wrong_version_tools: toolNames('older than required'),
      install_result: {
        ...result,
        description:
          'How the install of the missing tools ended (cancelled: declined or not asked); absent when none was needed.',
      },
      installed_tools: toolNames('installed'),
      failed_tool: failedTool,
      yes_flag: { type: 'boolean', description: 'Whether -y/--yes was given (as the Go dr).' },
      non_interactive: {
        type: 'boolean',
        description: 'Whether DATAROBOT_CLI_NON_INTERACTIVE was set (as the Go dr).',
      },
      go_command: goCommand('dr start'),
    },
  },
  task_list: {
    description: "The template's tasks were listed.",
    properties: { count: { type: 'integer', description: 'How many tasks were listed.' } },
  },
  task_run: {
    description: 'A template task was started.',
    properties: { task_name: taskName },
  },
  task_success: {
    description: 'A template task ended with exit code 0.',
    properties: { task_name: taskName, duration_ms: durationMs, exit_code: exitCode },
  },
  task_failed: {
    description: 'A template task ended with a non-zero exit code.',
    properties: { task_name: taskName, duration_ms: durationMs, exit_code: exitCode },
  },
  task_compose: {
    description: "A root Taskfile was generated from the template components' Taskfiles.",
    properties: {
      go_command: goCommand('dr task compose'),
      result,
      components_count: { type: 'integer', description: 'How many component Taskfiles were included.' },
      template: {
        type: 'enum',
        values: ['builtin', 'project', 'flag'],
        description:
          "Which Taskfile template was used: dr's own, the project's .Taskfile.template, or one named with --template.",
      },
      gitignore_updated: {
        type: 'boolean',
        description:
          'Whether a line (the Taskfile spelling not written, as the Go dr does) was added to .gitignore.',
      },
      error_type: errorType,
    },
  },
  dependency_check: {
    description: 'The tools a template requires were checked against what is installed.',
    properties: {
      go_command: goCommand('dr dependency check'),
      source: {
        type: 'enum',
        values: ['versions_file', 'default'],
        description:
          "Where the requirements came from: the template's .datarobot/cli/versions.yaml, or dr's defaults.",
      },
      tools_count: toolCount('were required'),
      missing_count: toolCount('were not installed'),
      wrong_version_count: toolCount('were older than required'),
      invalid_entries_count: invalidEntriesCount,
      missing_tools: toolNames('not installed'),
      wrong_version_tools: toolNames('older than required'),
    },
  },
  dependency_install: {
    description: 'Tools a template requires were installed (or the install was declined or failed).',
    properties: {
      go_command: goCommand('dr dependency install'),
      result,
      tools_count: toolCount('needed installing'),
      installed_tools: toolNames('installed'),
      failed_tool: failedTool,
      yes_flag: { type: 'boolean', description: 'Whether --yes skipped the question.' },
      non_interactive: {
        type: 'boolean',
        description:
          'Whether DATAROBOT_CLI_NON_INTERACTIVE was set (it never answers the question: only --yes does).',
      },
      dry_run: { type: 'boolean', description: 'Whether --dry-run only showed the commands.' },
      duration_ms: durationMs,
    },
  },
  self_update: {
    description: 'dr checked for (and possibly installed) a newer version of itself.',
    properties: {
      update_available: { type: 'boolean', required: true, description: 'Whether a newer version exists.' },
      result,
    },
  },
  self_completion: {
    description: 'Shell completion was installed or uninstalled (or previewed with --dry-run).',
    properties: {
      action: {
        type: 'enum',
        values: ['install', 'uninstall'],
        required: true,
        description: 'Which command ran.',
      },
      shell_name: shell,
      shell_detected: shellDetected,
      dry_run: { type: 'boolean', description: 'Whether only the plan was shown.' },
      result,
      files_changed: {
        type: 'integer',
        description: 'How many files were written or removed (start-up files included).',
      },
    },
  },
  self_version: {
    description: 'The version of dr was shown.',
    properties: {},
  },
  tui_interaction: {
    description:
      "A screen of questions on the terminal: 'open' when it shows, then 'select' (a choice from a list) or 'submit' (answers given), or 'cancel' (Ctrl-C, end of input, or No to a confirmation). Never the answers. The Go dr has no such event.",
    properties: {
      screen: { type: 'enum', values: TUI_SCREENS, required: true, description: 'Which screen.' },
      action: { type: 'enum', values: TUI_ACTIONS, required: true, description: 'What the user did.' },
    },
  },
  telemetry_dropped: {
    description: 'The spool dropped events before sending them; reported once, later.',
    properties: {
      dropped_count: { type: 'integer', required: true, description: 'Events dropped in all.' },
      dropped_max_events: droppedCount('the spool held its maximum number of events'),
      dropped_max_bytes: droppedCount('the spool reached its maximum size'),
      dropped_max_age: droppedCount('they were older than the maximum age'),
      dropped_rejected: droppedCount('Amplitude rejected them as invalid'),
      dropped_too_large: droppedCount('a single event was larger than a request may be'),
      dropped_over_quota: droppedCount('the device was over its daily quota'),
    },
  },
} as const satisfies Readonly<Record<string, EventSpec>>;

export type EventType = keyof typeof EVENT_SCHEMA;

type ValueOf<S> = S extends { readonly type: 'string' }
  ? string
  : S extends { readonly type: 'string[]' }
    ? readonly string[]
    : S extends { readonly type: 'integer' }
      ? number
      : S extends { readonly type: 'boolean' }
        ? boolean
        : S extends { readonly type: 'enum'; readonly values: readonly (infer V)[] }
          ? V
          : S extends { readonly type: 'enum[]'; readonly values: readonly (infer V)[] }
            ? readonly V[]
            : never;

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type PropsOf<P> = Simplify<
  { [K in keyof P as P[K] extends { readonly required: true } ? K : never]: ValueOf<P[K]> } & {
    [K in keyof P as P[K] extends { readonly required: true } ? never : K]?: ValueOf<P[K]>;
  }
>;

/**
 * The properties an event of type `T` may carry. An object literal with an undeclared key, a
 * value of the wrong type, or a missing required key does not compile. Events without
 * properties take `{}` only.
 */
export type EventProperties<T extends EventType> = keyof (typeof EVENT_SCHEMA)[T]['properties'] extends never
  ? Record<string, never>
  : PropsOf<(typeof EVENT_SCHEMA)[T]['properties']>;

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(EVENT_SCHEMA, value);
}

export interface ValidatedProperties {
  /** False when the event type is unknown or a required property is missing or mistyped. */
  readonly ok: boolean;
  /** The declared, well-typed properties; everything else was stripped. */
  readonly properties: Record<string, EventPropertyValue>;
  /** One line per stripped or missing property (names only, never values), for debug output. */
  readonly problems: readonly string[];
}

/**
 * Checks `properties` against the declaration of `eventType`: undeclared and mistyped properties
 * are stripped (and named in `problems`), string arrays are cut to MAX_STRING_ARRAY_ITEMS.
 * Strings are neither scrubbed nor cut here: the event builder scrubs first, then cuts to
 * MAX_STRING_PROPERTY_LENGTH (cutting first could leave half a token the scrubber no longer knows).
 */
export function validateEventProperties(eventType: string, properties: object): ValidatedProperties {
  if (!isEventType(eventType)) {
    return { ok: false, properties: {}, problems: [`unknown event type '${eventType}'`] };
  }
  const declared: Readonly<Record<string, PropertySpec>> = EVENT_SCHEMA[eventType].properties;
  const input = properties as Record<string, unknown>;
  const kept: Record<string, EventPropertyValue> = {};
  const problems: string[] = [];
  let ok = true;
  for (const name of Object.keys(input)) {
    const value = input[name];
    if (value === undefined) continue;
    const spec = Object.hasOwn(declared, name) ? declared[name] : undefined;
    if (spec === undefined) {
      problems.push(`${eventType}: undeclared property '${name}' stripped`);
      continue;
    }
    const accepted = acceptValue(spec, value);
    if (accepted === undefined) {
      problems.push(`${eventType}: property '${name}' is not ${describeType(spec)}, stripped`);
      continue;
    }
    kept[name] = accepted;
  }
  for (const [name, spec] of Object.entries(declared)) {
    if (spec.required && !Object.hasOwn(kept, name)) {
      ok = false;
      problems.push(`${eventType}: required property '${name}' is missing`);
    }
  }
  return { ok, properties: kept, problems };
}

function acceptValue(spec: PropertySpec, value: unknown): EventPropertyValue | undefined {
  switch (spec.type) {
    case 'string':
      return typeof value === 'string' ? value : undefined;
    case 'string[]':
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) return undefined;
      return value.slice(0, MAX_STRING_ARRAY_ITEMS);
    case 'integer':
      return Number.isSafeInteger(value) ? (value as number) : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'enum':
      return typeof value === 'string' && spec.values.includes(value) ? value : undefined;
    case 'enum[]':
      if (!Array.isArray(value) || !value.every((item) => spec.values.includes(item))) return undefined;
      return value.slice(0, MAX_STRING_ARRAY_ITEMS);
  }
}

function describeType(spec: PropertySpec): string {
  if (spec.type === 'enum') return `one of ${spec.values.join('|')}`;
  return spec.type === 'enum[]' ? `a list of ${spec.values.join('|')}` : `of type ${spec.type}`;
}

/** Maps a task name to what may be sent: an allowlisted name (case-insensitive), else 'custom'. */
export function allowlistedTaskName(name: string): TaskName {
  const lower = name.trim().toLowerCase();
  return (TASK_NAMES as readonly string[]).includes(lower) ? (lower as TaskName) : 'custom';
}

/** Maps a tool a template requires (its versions.yaml key or name) to what may be sent. */
export function allowlistedToolName(name: string): DependencyTool {
  const lower = name.trim().toLowerCase();
  const aliases: Readonly<Record<string, DependencyTool>> = {
    python3: 'python',
    py: 'python',
    py3: 'python',
    'python@3': 'python',
    'node.js': 'node',
    nodejs: 'node',
    'go-task': 'task',
    datarobot: 'dr',
  };
  if (Object.hasOwn(aliases, lower)) return aliases[lower]!;
  return (DEPENDENCY_TOOLS as readonly string[]).includes(lower) ? (lower as DependencyTool) : 'other';
}

/** The fields every event carries besides its properties (documented in the tracking plan). */
const COMMON_FIELDS = [
  { name: 'event_type', type: 'string', description: 'One of the event types below.' },
  {
    name: 'device_id',
    type: 'string',
    description: 'Random UUID v4 stored in the config; `dr self telemetry reset` makes a new one.',
  },
  {
    name: 'user_id',
    type: 'string',
    description: 'The DataRobot user id, only when logged in; never an email.',
    required: false,
  },
  {
    name: 'session_id',
    type: 'integer',
    description: 'Milliseconds since the epoch when the session began; kept while runs are < 30 min apart.',
  },
  { name: 'time', type: 'integer', description: 'Milliseconds since the epoch.' },
  {
    name: 'insert_id',
    type: 'string',
    description: 'UUID fixed when the event is spooled; Amplitude dedupes on it.',
  },
  { name: 'app_version', type: 'string', description: 'The version of dr.' },
  { name: 'platform', type: 'string', description: "Always 'CLI'." },
  { name: 'os_name', type: 'string', description: "The operating system, e.g. 'linux', 'darwin', 'win32'." },
  { name: 'os_version', type: 'string', description: 'The operating system release.' },
  { name: 'library', type: 'string', description: "'datarobot-cli-ts/<version>'." },
] as const;

export interface TrackingPlanProperty {
  name: string;
  type: PropertySpec['type'];
  values?: string[];
  required: boolean;
  description: string;
}

export interface TrackingPlan {
  common_fields: { name: string; type: string; required: boolean; description: string }[];
  events: { event_type: EventType; description: string; properties: TrackingPlanProperty[] }[];
}

/** The schema as plain JSON-able data, in declaration order: the source of docs/tracking-plan.md. */
export function trackingPlan(): TrackingPlan {
  return {
    common_fields: COMMON_FIELDS.map((field) => ({
      name: field.name,
      type: field.type,
      required: !('required' in field) || field.required,
      description: field.description,
    })),
    events: (Object.keys(EVENT_SCHEMA) as EventType[]).map((eventType) => ({
      event_type: eventType,
      description: EVENT_SCHEMA[eventType].description,
      properties: Object.entries(
        EVENT_SCHEMA[eventType].properties as Readonly<Record<string, PropertySpec>>,
      ).map(([name, spec]) => ({
        name,
        type: spec.type,
        ...(spec.type === 'enum' || spec.type === 'enum[]' ? { values: [...spec.values] } : {}),
        required: spec.required === true,
        description: spec.description,
      })),
    })),
  };
}

/**
 * A JSON Schema (draft 2020-12) of one spooled event: the common fields, `event_type` limited to
 * the declared types, and, per event type, `event_properties` limited to its declared properties.
 */
export function trackingPlanJsonSchema(): Record<string, unknown> {
  const plan = trackingPlan();
  const defs: Record<string, unknown> = {};
  for (const event of plan.events) {
    defs[event.event_type] = {
      type: 'object',
      description: event.description,
      properties: Object.fromEntries(event.properties.map((p) => [p.name, propertyJsonSchema(p)])),
      required: event.properties.filter((p) => p.required).map((p) => p.name),
      additionalProperties: false,
    };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'dr telemetry event',
    description: 'One Amplitude HTTP V2 event as dr spools and sends it.',
    type: 'object',
    properties: {
      ...Object.fromEntries(
        plan.common_fields.map((field) => [
          field.name,
          { type: field.type, description: field.description, ...commonFieldConstraint(field.name) },
        ]),
      ),
      event_type: {
        type: 'string',
        enum: plan.events.map((e) => e.event_type),
        description: COMMON_FIELDS[0].description,
      },
      event_properties: { type: 'object' },
    },
    required: plan.common_fields.filter((f) => f.required).map((f) => f.name),
    additionalProperties: false,
    // Exactly one branch matches, the one whose event_type it is.
    oneOf: plan.events.map((event) => ({
      properties: {
        event_type: { const: event.event_type },
        event_properties: { $ref: `#/$defs/${event.event_type}` },
      },
      ...(event.properties.some((p) => p.required) ? { required: ['event_properties'] } : {}),
    })),
    $defs: defs,
  };
}

function commonFieldConstraint(name: string): Record<string, unknown> {
  if (name === 'platform') return { const: 'CLI' };
  if (name === 'device_id' || name === 'user_id') return { minLength: 5 };
  if (name === 'library') return { pattern: '^datarobot-cli-ts/' };
  return {};
}

function propertyJsonSchema(p: TrackingPlanProperty): Record<string, unknown> {
  switch (p.type) {
    case 'string':
      return { type: 'string', maxLength: MAX_STRING_PROPERTY_LENGTH, description: p.description };
    case 'string[]':
      return {
        type: 'array',
        items: { type: 'string', maxLength: MAX_STRING_PROPERTY_LENGTH },
        maxItems: MAX_STRING_ARRAY_ITEMS,
        description: p.description,
      };
    case 'integer':
      return { type: 'integer', description: p.description };
    case 'boolean':
      return { type: 'boolean', description: p.description };
    case 'enum':
      return { type: 'string', enum: p.values, description: p.description };
    case 'enum[]':
      return {
        type: 'array',
        items: { type: 'string', enum: p.values },
        maxItems: MAX_STRING_ARRAY_ITEMS,
        description: p.description,
      };
  }
}
