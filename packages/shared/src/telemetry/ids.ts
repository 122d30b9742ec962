// The install's device id: a random UUID v4, made once and stored in the config, so events from
// one machine can be grouped without naming the machine or the user. `dr self telemetry reset`
// makes a new one.
import { randomUUID } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** A new random device id (UUID v4, lower case). */
export function newDeviceId(): string {
  return randomUUID();
}

/**
 * Whether `value` can serve as a device id: a canonical RFC 9562 UUID (any version, so an id
 * written by another dr build is kept). The nil and max UUIDs, which Amplitude rejects, are not.
 */
export function isValidDeviceId(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
