import { describe, expect, it } from 'vitest';
import {
  buildEvent,
  type CommonEventFields,
  TelemetryEventError,
} from '../../src/telemetry/event-builder.ts';
import { MAX_STRING_PROPERTY_LENGTH } from '../../src/telemetry/event-schema.ts';

const common: CommonEventFields = {
  deviceId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  sessionId: 1_700_000_000_000,
  now: 1_700_000_123_456,
  appVersion: '1.2.3',
  osName: 'linux',
  osVersion: '6.8.0',
  scrub: { homeDir: '/home/zelda', userName: 'zelda' },
};

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('buildEvent', () => {
  it('fills in every common field of an Amplitude HTTP V2 event', () => {
    const event = buildEvent(
      'command_completed',
      { command: 'auth login', success: true, exit_code: 0 },
      common,
    );
    expect(event).toEqual({
      event_type: 'command_completed',
      device_id: common.deviceId,
      session_id: common.sessionId,
      time: common.now,
      insert_id: expect.stringMatching(UUID_V4),
      app_version: '1.2.3',
      platform: 'CLI',
      os_name: 'linux',
      os_version: '6.8.0',
      library: 'datarobot-cli-ts/1.2.3',
      event_properties: { command: 'auth login', success: true, exit_code: 0 },
    });
    expect(event).not.toHaveProperty('ip');
    expect(event).not.toHaveProperty('user_id');
  });

  it('gives every event its own insert_id', () => {
    const ids = new Set(Array.from({ length: 100 }, () => buildEvent('self_version', {}, common).insert_id));
    expect(ids.size).toBe(100);
  });

  it('leaves event_properties out when there are none', () => {
    expect(buildEvent('self_version', {}, common)).not.toHaveProperty('event_properties');
  });

  it('keeps a DataRobot user id as it is (ids are not scrubbed)', () => {
    const event = buildEvent('self_version', {}, { ...common, userId: '5f1b2c3d4e5f6a7b8c9d0e1f' });
    expect(event.user_id).toBe('5f1b2c3d4e5f6a7b8c9d0e1f');
  });

  it.each(['zelda@example.com', 'zelda%40example.com', 'zelda＠example.com', 'abc', '    ', ''])(
    'drops the user id %j',
    (userId) => {
      expect(buildEvent('self_version', {}, { ...common, userId })).not.toHaveProperty('user_id');
    },
  );

  it('scrubs every free-form string, in arrays too', () => {
    const event = buildEvent(
      'command_failed',
      {
        command: 'dotenv edit /home/zelda/acme/.env',
        flags: ['token=hunter2', 'verbose'],
        error_type: 'failed for zelda@acme.io',
      },
      common,
    );
    const sent = JSON.stringify(event);
    for (const canary of ['zelda', 'acme', 'hunter2']) expect(sent).not.toContain(canary);
    expect(event.event_properties).toMatchObject({
      command: 'dotenv edit <path>',
      flags: ['token=<redacted>', 'verbose'],
      error_type: 'failed for <email>',
    });
  });

  it('does not scrub enum values (they are literals from the schema)', () => {
    const event = buildEvent(
      'auth_set_url',
      { host_kind: 'custom' },
      { ...common, scrub: { userName: 'custom' } },
    );
    expect(event.event_properties).toEqual({ host_kind: 'custom' });
  });

  it('cuts long strings after scrubbing, so no half token escapes the scrubber', () => {
    const token = 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdo';
    const command = `${'a '.repeat(120)}${token}`;
    const event = buildEvent('command_started', { command }, common);
    const sent = event.event_properties?.command as string;
    expect(sent.length).toBeLessThanOrEqual(MAX_STRING_PROPERTY_LENGTH);
    expect(sent).not.toContain(token.slice(0, 8));
    const plain = buildEvent('command_started', { command: 'word '.repeat(60) }, common);
    expect(plain.event_properties?.command).toHaveLength(MAX_STRING_PROPERTY_LENGTH);
  });

  it('strips properties that slipped past the types at run time', () => {
    const sneaky = { command: 'auth login', message: 'boom', args_count: '2' } as unknown as {
      command: string;
    };
    const event = buildEvent('command_started', sneaky, common);
    expect(event.event_properties).toEqual({ command: 'auth login' });
  });

  it('refuses an unknown event type, a missing required property or a bad device id', () => {
    const unknownType = () => buildEvent('command_exploded' as 'self_version', {}, common);
    expect(unknownType).toThrow(TelemetryEventError);
    expect(unknownType).toThrow(/unknown event type/);
    expect(() => buildEvent('command_started', {} as { command: string }, common)).toThrow(
      /required property 'command'/,
    );
    expect(() => buildEvent('self_version', {}, { ...common, deviceId: 'unknown' })).toThrow(/device id/);
    try {
      unknownType();
    } catch (error) {
      expect((error as TelemetryEventError).code).toBe('TELEMETRY_EVENT_INVALID');
    }
  });
});
