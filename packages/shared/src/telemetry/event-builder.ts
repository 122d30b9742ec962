// The one place an event is made: properties checked against the tracking plan (others stripped),
// every free-form string scrubbed, the common fields filled in, a fresh insert_id for the event's
// whole life. No `ip`; `user_id` only when it is a plausible DataRobot user id (never an email).
import { DrError } from '../errors/dr-error.ts';
import type { AmplitudeEvent, EventPropertyValue } from './amplitude-event.ts';
import {
  EVENT_SCHEMA,
  type EventProperties,
  type EventType,
  MAX_STRING_PROPERTY_LENGTH,
  type PropertySpec,
  validateEventProperties,
} from './event-schema.ts';
import { isValidDeviceId, randomUuid } from './ids.ts';
import { type ScrubContext, scrubString } from './scrubber.ts';

/** The fields every event of a run shares. */
export interface CommonEventFields {
  readonly deviceId: string;
  readonly sessionId: number;
  /** The DataRobot user id when logged in. Dropped if it looks like an email or is too short. */
  readonly userId?: string;
  /** When the event happened, ms since the epoch. */
  readonly now: number;
  readonly appVersion: string;
  readonly osName: string;
  readonly osVersion: string;
  /** The home folder and user name the scrubber removes from strings. */
  readonly scrub?: ScrubContext;
}

/** An event that cannot be built: unknown type, a required property missing, a bad device id. */
export class TelemetryEventError extends DrError {
  constructor(message: string) {
    super('TELEMETRY_EVENT_INVALID', message);
    this.name = 'TelemetryEventError';
  }
}

// Amplitude rejects ids shorter than 5 characters (min_id_length).
const MIN_ID_LENGTH = 5;
const LOOKS_LIKE_EMAIL = /@|%40|＠|﹫/;

/**
 * Builds the event as it will be spooled and sent. Throws TelemetryEventError for an event that
 * must not be sent at all; the caller drops it (telemetry never fails a command).
 */
export function buildEvent<T extends EventType>(
  type: T,
  properties: EventProperties<T>,
  common: CommonEventFields,
): AmplitudeEvent {
  const checked = validateEventProperties(type, properties);
  if (!checked.ok) throw new TelemetryEventError(`Event not built: ${checked.problems.join('; ')}.`);
  if (!isValidDeviceId(common.deviceId))
    throw new TelemetryEventError('Event not built: the device id is not a UUID.');
  const declared: Readonly<Record<string, PropertySpec>> = EVENT_SCHEMA[type].properties;
  const eventProperties: Record<string, EventPropertyValue> = {};
  for (const [name, value] of Object.entries(checked.properties)) {
    // Enum values are literals from the schema, checked above; only free-form strings are scrubbed.
    const literal = declared[name]?.type === 'enum' || declared[name]?.type === 'enum[]';
    eventProperties[name] = literal ? value : scrubValue(value, common.scrub);
  }
  const userId = common.userId?.trim();
  const keepUserId = userId !== undefined && userId.length >= MIN_ID_LENGTH && !LOOKS_LIKE_EMAIL.test(userId);
  return {
    event_type: type,
    device_id: common.deviceId,
    ...(keepUserId ? { user_id: userId } : {}),
    session_id: common.sessionId,
    time: common.now,
    insert_id: randomUuid(),
    app_version: common.appVersion,
    platform: 'CLI',
    os_name: common.osName,
    os_version: common.osVersion,
    library: `datarobot-cli-ts/${common.appVersion}`,
    ...(Object.keys(eventProperties).length > 0 ? { event_properties: eventProperties } : {}),
  };
}

function scrubValue(value: EventPropertyValue, context: ScrubContext | undefined): EventPropertyValue {
  if (typeof value === 'string') return scrubString(value, context).slice(0, MAX_STRING_PROPERTY_LENGTH);
  if (Array.isArray(value))
    return value.map((item: string) => scrubString(item, context).slice(0, MAX_STRING_PROPERTY_LENGTH));
  return value;
}
