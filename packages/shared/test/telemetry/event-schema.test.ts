import { describe, expect, it } from 'vitest';
import {
  allowlistedTaskName,
  allowlistedToolName,
  EVENT_SCHEMA,
  type EventProperties,
  type EventType,
  MAX_STRING_ARRAY_ITEMS,
  trackingPlan,
  trackingPlanJsonSchema,
  validateEventProperties,
} from '../../src/telemetry/event-schema.ts';

/** Stands in for `record(type, properties)`: the compile-time checks are the point. */
function props<T extends EventType>(_type: T, properties: EventProperties<T>): EventProperties<T> {
  return properties;
}

describe('EventProperties (compile time; checked by tsc)', () => {
  it('accepts declared, well-typed properties', () => {
    props('command_completed', {
      command: 'auth login',
      args_count: 0,
      flags: ['verbose'],
      duration_ms: 12,
      success: true,
      exit_code: 0,
    });
    props('command_started', { command: 'self version' });
    props('auth_set_url', { host_kind: 'eu' });
    props('task_run', { task_name: 'custom' });
    props('self_version', {});
    props('telemetry_dropped', { dropped_count: 3, dropped_max_age: 3 });
  });

  it('rejects undeclared, mistyped and missing properties', () => {
    // @ts-expect-error: `message` is not declared for command_completed.
    props('command_completed', { command: 'auth login', message: 'boom' });
    // @ts-expect-error: duration_ms is an integer, not a string.
    props('command_completed', { command: 'auth login', duration_ms: '12' });
    // @ts-expect-error: flags is a string[], not a string.
    props('command_started', { command: 'auth login', flags: 'verbose' });
    // @ts-expect-error: command is required.
    props('command_started', { args_count: 1 });
    // @ts-expect-error: host_kind is an enum; 'mars' is not one of its values.
    props('auth_set_url', { host_kind: 'mars' });
    // @ts-expect-error: task names must be allowlisted (or 'custom').
    props('task_run', { task_name: 'my-secret-task' });
    // @ts-expect-error: self_version takes no properties.
    props('self_version', { verbose: true });
    // @ts-expect-error: unknown event type.
    props('command_exploded', {});
    expect(true).toBe(true);
  });
});

describe('validateEventProperties', () => {
  it('keeps declared, well-typed properties as they are', () => {
    const properties = { command: 'auth login', args_count: 2, flags: ['verbose', 'debug'], success: true };
    expect(validateEventProperties('command_completed', properties)).toEqual({
      ok: true,
      properties,
      problems: [],
    });
  });

  it('strips undeclared properties and names them (never their values)', () => {
    const result = validateEventProperties('command_started', { command: 'auth login', token: 'hunter2' });
    expect(result.ok).toBe(true);
    expect(result.properties).toEqual({ command: 'auth login' });
    expect(result.problems).toEqual(["command_started: undeclared property 'token' stripped"]);
    expect(result.problems.join()).not.toContain('hunter2');
  });

  it.each([
    ['args_count', '2'],
    ['args_count', 1.5],
    ['args_count', Number.NaN],
    ['args_count', Number.POSITIVE_INFINITY],
    ['flags', 'verbose'],
    ['flags', ['verbose', 3]],
    ['success', 'true'],
    ['success', 1],
    ['success', null],
  ])('strips mistyped %s = %j', (name, value) => {
    const result = validateEventProperties('command_completed', { command: 'auth login', [name]: value });
    expect(result).toMatchObject({ ok: true, properties: { command: 'auth login' } });
    expect(result.properties).not.toHaveProperty(name);
    expect(result.problems).toEqual([expect.stringContaining(`'${name}' is not`)]);
  });

  it.each([42, { path: 'auth login' }, null, ['auth', 'login']])(
    'fails on a mistyped required command %j',
    (value) => {
      const result = validateEventProperties('command_completed', { command: value });
      expect(result).toMatchObject({ ok: false, properties: {} });
      expect(result.problems).toContain("command_completed: required property 'command' is missing");
    },
  );

  it('strips enum values that are not declared', () => {
    const result = validateEventProperties('auth_login_started', { host_kind: 'dr.acme.corp' });
    expect(result).toMatchObject({ ok: true, properties: {} });
  });

  it('strips a list of tools holding anything but the listed names (a path, a version)', () => {
    const ok = validateEventProperties('dependency_check', { missing_tools: ['python', 'other'] });
    expect(ok.properties).toEqual({ missing_tools: ['python', 'other'] });
    for (const leak of [['python', '/home/me/bin/tool'], ['uv 0.11.20']]) {
      const result = validateEventProperties('dependency_install', { installed_tools: leak });
      expect(result.properties).toEqual({});
      expect(result.problems).toEqual([
        "dependency_install: property 'installed_tools' is not a list of python|uv|task|pulumi|dr|git|node|docker|other, stripped",
      ]);
    }
  });

  it('fails when a required property is missing or mistyped', () => {
    expect(validateEventProperties('command_started', {}).ok).toBe(false);
    expect(validateEventProperties('tui_interaction', { screen: 'main_menu', action: 'dance' }).ok).toBe(
      false,
    );
    expect(validateEventProperties('self_update', { update_available: 'yes' }).ok).toBe(false);
  });

  it('fails on an unknown event type, including inherited object keys', () => {
    expect(validateEventProperties('command_exploded', {})).toMatchObject({ ok: false, properties: {} });
    expect(validateEventProperties('constructor', {}).ok).toBe(false);
    expect(validateEventProperties('__proto__', {}).ok).toBe(false);
  });

  it('ignores undefined values (optional properties left out)', () => {
    const result = validateEventProperties('command_started', { command: 'x', args_count: undefined });
    expect(result).toEqual({ ok: true, properties: { command: 'x' }, problems: [] });
  });

  it('keeps at most MAX_STRING_ARRAY_ITEMS flags', () => {
    const flags = Array.from({ length: 80 }, (_, i) => `f${i}`);
    const result = validateEventProperties('command_started', { command: 'x', flags });
    expect(result.properties.flags).toHaveLength(MAX_STRING_ARRAY_ITEMS);
  });
});

describe('allowlistedTaskName', () => {
  it.each([
    ['dev', 'dev'],
    ['Deploy', 'deploy'],
    [' build ', 'build'],
    ['acme-secret-migration', 'custom'],
    ['frontend:dev', 'custom'],
    ['', 'custom'],
  ])('%j -> %s', (name, expected) => {
    expect(allowlistedTaskName(name)).toBe(expected);
  });
});

describe('the schema', () => {
  it('names events and properties in snake_case and documents each', () => {
    for (const [eventType, spec] of Object.entries(EVENT_SCHEMA)) {
      expect(eventType).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(spec.description.length).toBeGreaterThan(10);
      for (const [name, property] of Object.entries(spec.properties)) {
        expect(name).toMatch(/^[a-z]+(_[a-z]+)*$/);
        expect(property.description.length).toBeGreaterThan(5);
      }
    }
  });

  it('declares every event type of the contract', () => {
    expect(Object.keys(EVENT_SCHEMA).sort()).toEqual(
      [
        'command_started',
        'command_completed',
        'command_failed',
        'error',
        'auth_login_started',
        'auth_login_succeeded',
        'auth_login_failed',
        'auth_logout',
        'auth_check',
        'auth_set_url',
        'template_list',
        'template_clone',
        'template_setup',
        'dotenv_setup',
        'dotenv_edit',
        'dotenv_validate',
        'dotenv_update',
        'task_list',
        'task_run',
        'task_success',
        'task_failed',
        // Issue #16: the Go dr's commands dr gained.
        'task_compose',
        'dependency_check',
        'dependency_install',
        'self_update',
        'self_version',
        'tui_interaction',
        'telemetry_dropped',
        // Added with the Go dr's commands (issue #16).
        'quickstart',
        'auth_export',
        'self_completion',
      ].sort(),
    );
  });
});

describe('trackingPlan', () => {
  it('is plain JSON describing every event, property and common field', () => {
    const plan = trackingPlan();
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    expect(plan.events.map((e) => e.event_type)).toEqual(Object.keys(EVENT_SCHEMA));
    const completed = plan.events.find((e) => e.event_type === 'command_completed');
    expect(completed?.properties.find((p) => p.name === 'command')).toEqual({
      name: 'command',
      type: 'string',
      required: true,
      description: expect.stringContaining('command path'),
    });
    const setUrl = plan.events.find((e) => e.event_type === 'auth_set_url');
    expect(setUrl?.properties.find((p) => p.name === 'host_kind')?.values).toEqual([
      'us',
      'eu',
      'jp',
      'custom',
    ]);
    expect(plan.common_fields.map((f) => f.name)).toContain('insert_id');
    expect(plan.common_fields.find((f) => f.name === 'user_id')?.required).toBe(false);
    expect(plan.common_fields.map((f) => f.name)).not.toContain('ip');
  });
});

describe('trackingPlanJsonSchema', () => {
  const schema = trackingPlanJsonSchema() as {
    $schema: string;
    properties: Record<string, Record<string, unknown>>;
    required: string[];
    additionalProperties: boolean;
    oneOf: {
      properties: { event_type: { const: string }; event_properties: { $ref: string } };
      required?: string[];
    }[];
    $defs: Record<
      string,
      { properties: Record<string, unknown>; required: string[]; additionalProperties: boolean }
    >;
  };

  it('is a draft 2020-12 schema of the whole event, with no ip field', () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.ip).toBeUndefined();
    expect(schema.properties.platform).toMatchObject({ const: 'CLI' });
    expect(schema.properties.event_type?.enum).toEqual(Object.keys(EVENT_SCHEMA));
    expect(schema.required).toEqual(
      expect.arrayContaining(['event_type', 'device_id', 'insert_id', 'session_id']),
    );
    expect(schema.required).not.toContain('user_id');
  });

  it('limits each event type to its own properties', () => {
    expect(schema.oneOf).toHaveLength(Object.keys(EVENT_SCHEMA).length);
    for (const branch of schema.oneOf) {
      const eventType = branch.properties.event_type.const;
      expect(branch.properties.event_properties.$ref).toBe(`#/$defs/${eventType}`);
      const def = schema.$defs[eventType]!;
      expect(def.additionalProperties).toBe(false);
      expect(Object.keys(def.properties)).toEqual(
        Object.keys(EVENT_SCHEMA[eventType as EventType].properties),
      );
      expect(branch.required ?? []).toEqual(def.required.length > 0 ? ['event_properties'] : []);
    }
    expect(schema.$defs.command_started?.required).toEqual(['command']);
    expect(schema.$defs.command_started?.properties.flags).toMatchObject({
      type: 'array',
      items: { type: 'string' },
    });
    expect(schema.$defs.task_run?.properties.task_name).toMatchObject({
      type: 'string',
      enum: expect.any(Array),
    });
    expect(schema.$defs.telemetry_dropped?.properties.dropped_count).toMatchObject({ type: 'integer' });
  });
});

describe('allowlistedToolName', () => {
  it("sends a template's tool by its listed name or a known alias, and any other as other", () => {
    expect(allowlistedToolName('Python')).toBe('python');
    expect(allowlistedToolName('python3')).toBe('python');
    expect(allowlistedToolName('Node.js')).toBe('node');
    expect(allowlistedToolName('go-task')).toBe('task');
    expect(allowlistedToolName('uv')).toBe('uv');
    expect(allowlistedToolName('/opt/acme/bin/secret-tool')).toBe('other');
  });
});
