// The committed tracking plan is what the event schema generates, and buildEvent's events match
// its JSON Schema. With no validator installed, `schemaProblems` checks the keywords the generated
// schema uses and refuses any other, so a new keyword cannot pass unchecked.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AmplitudeEvent } from '../../src/telemetry/amplitude-event.ts';
import { buildEvent, type CommonEventFields } from '../../src/telemetry/event-builder.ts';
import {
  type EventProperties,
  type EventType,
  type TrackingPlanProperty,
  trackingPlan,
  trackingPlanJsonSchema,
} from '../../src/telemetry/event-schema.ts';
import {
  renderTrackingPlanJsonSchema,
  renderTrackingPlanMarkdown,
  TRACKING_PLAN_COMMAND,
  TRACKING_PLAN_MARKDOWN_PATH,
  TRACKING_PLAN_SCHEMA_PATH,
  trackingPlanDocuments,
} from '../../src/telemetry/tracking-plan-docs.ts';

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '../../../..');

function committed(path: string): string {
  try {
    return readFileSync(join(repositoryRoot, path), 'utf8');
  } catch {
    return `(${path} is missing)`;
  }
}

describe('the committed tracking plan', () => {
  it.each(Object.entries(trackingPlanDocuments()))('%s is what the event schema generates', (path, text) => {
    expect(committed(path), `${path} is out of date: run \`${TRACKING_PLAN_COMMAND}\` and commit it`).toBe(
      text,
    );
  });

  it('names the two documents the docs link to', () => {
    expect(Object.keys(trackingPlanDocuments())).toEqual([
      TRACKING_PLAN_MARKDOWN_PATH,
      TRACKING_PLAN_SCHEMA_PATH,
    ]);
    expect(TRACKING_PLAN_COMMAND).toBe('pnpm tracking-plan');
  });
});

describe('renderTrackingPlanMarkdown', () => {
  const plan = trackingPlan();
  const markdown = renderTrackingPlanMarkdown(plan);

  it('has a section for every event type, with every property, in declaration order', () => {
    const headings = [...markdown.matchAll(/^### (\S+)$/gm)].map((match) => match[1]);
    expect(headings).toEqual(plan.events.map((event) => event.event_type));
    for (const event of plan.events) {
      const section = markdown.split(`### ${event.event_type}\n`)[1]!.split('\n### ')[0]!;
      const rows = [...section.matchAll(/^\| `(\w+)` \| (.+?) \| (yes|no) \|/gm)];
      expect(rows.map((row) => row[1])).toEqual(event.properties.map((property) => property.name));
      expect(rows.map((row) => row[3] === 'yes')).toEqual(event.properties.map((p) => p.required));
    }
  });

  it('lists the values of an enum and keeps table cells on one line', () => {
    expect(markdown).toContain('| `task_name` | one of `build`, `check`,');
    const rendered = renderTrackingPlanMarkdown({
      common_fields: [],
      events: [
        {
          event_type: 'self_version',
          description: 'Two\n  lines | a pipe <tag>',
          properties: [{ name: 'p', type: 'string', required: false, description: 'x|y' }],
        },
      ],
    });
    expect(rendered).toContain('\nTwo lines \\| a pipe \\<tag>\n');
    expect(rendered).toContain('| `p` | string | no | x\\|y |');
  });
});

describe('renderTrackingPlanJsonSchema', () => {
  it('is the schema, losslessly, ending in a newline', () => {
    const text = renderTrackingPlanJsonSchema(trackingPlanJsonSchema());
    expect(JSON.parse(text)).toEqual(trackingPlanJsonSchema());
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('lays arrays out as Biome does: on one line when it fits in 110 columns, else one item a line', () => {
    // `  "k": [...]` plus a trailing comma when another key follows.
    const fits = { k: ['x'.repeat(98)], a: 1 };
    const tooLong = { k: ['x'.repeat(99)], a: 1 };
    const lastFits = { a: 1, k: ['x'.repeat(99)] };
    expect(renderTrackingPlanJsonSchema(fits)).toBe(`{\n  "k": ["${'x'.repeat(98)}"],\n  "a": 1\n}\n`);
    expect(renderTrackingPlanJsonSchema(tooLong)).toBe(
      `{\n  "k": [\n    "${'x'.repeat(99)}"\n  ],\n  "a": 1\n}\n`,
    );
    expect(renderTrackingPlanJsonSchema(lastFits)).toBe(`{\n  "a": 1,\n  "k": ["${'x'.repeat(99)}"]\n}\n`);
    expect(renderTrackingPlanJsonSchema({ o: {}, e: [], n: [{ a: null }] })).toBe(
      '{\n  "o": {},\n  "e": [],\n  "n": [\n    {\n      "a": null\n    }\n  ]\n}\n',
    );
  });
});

// ---- Events built by buildEvent against the committed JSON Schema ----

type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', 'title', 'description', '$defs']);
const KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'enum',
  'const',
  'items',
  'maxItems',
  'minLength',
  'maxLength',
  'pattern',
  'oneOf',
  '$ref',
]);

/** Where `value` breaks `schema` (empty when it matches). Throws on a keyword it does not know. */
function schemaProblems(value: unknown, schema: Schema, root: Schema, at = '$'): string[] {
  for (const keyword of Object.keys(schema)) {
    if (!KEYWORDS.has(keyword) && !ANNOTATIONS.has(keyword))
      throw new Error(`schemaProblems does not know the keyword '${keyword}' (at ${at})`);
  }
  const problems: string[] = [];
  if (typeof schema.$ref === 'string') {
    const name = /^#\/\$defs\/(\w+)$/.exec(schema.$ref)?.[1];
    const target = name === undefined ? undefined : (root.$defs as Record<string, Schema>)[name];
    if (target === undefined) return [`${at}: unresolvable $ref ${schema.$ref}`];
    problems.push(...schemaProblems(value, target, root, at));
  }
  if (schema.type !== undefined && !hasType(value, schema.type as string)) {
    return [...problems, `${at}: not of type ${String(schema.type)}`];
  }
  if (schema.const !== undefined && value !== schema.const)
    problems.push(`${at}: not ${String(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) problems.push(`${at}: not in the enum`);
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength)
      problems.push(`${at}: short`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) problems.push(`${at}: long`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
      problems.push(`${at}: does not match ${schema.pattern}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
      problems.push(`${at}: too many`);
    if (schema.items !== undefined) {
      value.forEach((item, index) => {
        problems.push(...schemaProblems(item, schema.items as Schema, root, `${at}[${index}]`));
      });
    }
  }
  if (isObject(value)) {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required ?? []) as string[]) {
      if (!Object.hasOwn(value, name)) problems.push(`${at}: missing ${name}`);
    }
    for (const [name, item] of Object.entries(value)) {
      if (Object.hasOwn(properties, name)) {
        problems.push(...schemaProblems(item, properties[name]!, root, `${at}.${name}`));
      } else if (schema.additionalProperties === false) {
        problems.push(`${at}: undeclared ${name}`);
      }
    }
  }
  if (Array.isArray(schema.oneOf)) {
    const matching = (schema.oneOf as Schema[]).filter(
      (branch) => schemaProblems(value, branch, root, at).length === 0,
    );
    if (matching.length !== 1) problems.push(`${at}: matches ${matching.length} branches of oneOf, not 1`);
  }
  return problems;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'string':
    case 'boolean':
      return typeof value === type;
    default:
      throw new Error(`schemaProblems does not know the type '${type}'`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const common: CommonEventFields = {
  deviceId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  sessionId: 1_700_000_000_000,
  now: 1_700_000_123_456,
  appVersion: '1.2.3',
  osName: 'linux',
  osVersion: '6.8.0',
};

/** A value of the property's declared type. */
function sampleValue(property: TrackingPlanProperty): string | number | boolean | string[] {
  switch (property.type) {
    case 'string':
      return 'ConfigError';
    case 'string[]':
      return ['verbose', 'output-format'];
    case 'integer':
      return 3;
    case 'boolean':
      return false;
    case 'enum':
      return property.values!.at(-1)!;
    case 'enum[]':
      return property.values!.slice(0, 2);
  }
}

describe('events built by buildEvent, against the committed JSON Schema', () => {
  const schema = JSON.parse(committed(TRACKING_PLAN_SCHEMA_PATH)) as Schema;
  const check = (event: AmplitudeEvent | Record<string, unknown>) => schemaProblems(event, schema, schema);

  it('accepts events as the CLI records them, with and without properties and user_id', () => {
    const events = [
      buildEvent('command_started', { command: 'templates list', args_count: 0, flags: [] }, common),
      buildEvent(
        'command_failed',
        {
          command: 'dotenv validate',
          args_count: 0,
          flags: ['verbose'],
          duration_ms: 41,
          success: false,
          exit_code: 1,
          error_type: 'DOTENV_INVALID',
        },
        common,
      ),
      buildEvent(
        'auth_login_succeeded',
        { host_kind: 'custom', duration_ms: 1200 },
        { ...common, userId: 'u-12345' },
      ),
      buildEvent('self_version', {}, common),
      buildEvent('task_run', { task_name: 'dev' }, common),
      buildEvent('telemetry_dropped', { dropped_count: 2, dropped_max_age: 2 }, common),
    ];
    for (const event of events) expect(check(event), event.event_type).toEqual([]);
  });

  it('accepts every event type with every declared property', () => {
    for (const event of trackingPlan().events) {
      const properties = Object.fromEntries(event.properties.map((p) => [p.name, sampleValue(p)]));
      const built = buildEvent(event.event_type, properties as EventProperties<EventType>, common);
      expect(built.event_properties ?? {}).toEqual(properties);
      expect(check(built), event.event_type).toEqual([]);
    }
  });

  it('refuses what dr must never send (the check can fail)', () => {
    const good = buildEvent('task_run', { task_name: 'dev' }, common) as unknown as Record<string, unknown>;
    const cases: [string, Record<string, unknown>][] = [
      ['an undeclared property', { ...good, event_properties: { task_name: 'dev', path: '/home/x' } }],
      ['an enum value not declared', { ...good, event_properties: { task_name: 'my-secret-task' } }],
      ['no required property', { ...good, event_properties: {} }],
      ['no event_properties where one is required', { ...good, event_properties: undefined }],
      ['an unknown event type', { ...good, event_type: 'command_exploded' }],
      ['an ip field', { ...good, ip: '10.0.0.1' }],
      ['a missing insert_id', { ...good, insert_id: undefined }],
      ['a fractional time', { ...good, time: 1.5 }],
      ['another platform', { ...good, platform: 'Web' }],
      ['another library', { ...good, library: 'amplitude-node/1.0' }],
      ['a mistyped property', { ...good, event_type: 'task_list', event_properties: { count: '3' } }],
      ['a property of another event', { ...good, event_type: 'self_version' }],
    ];
    for (const [what, event] of cases) {
      const defined = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
      expect(check(defined), what).not.toEqual([]);
    }
  });
});
