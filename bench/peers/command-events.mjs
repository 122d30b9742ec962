// What every peer script sends, and where: the two events of one CLI command (command_started,
// command_completed) for the collector and identity the bench puts in the environment. The bench
// counts deliveries by `PEER_USER_ID`, so each run of each script must use the id it was given.
import { randomUUID } from 'node:crypto';

/** Base URL of the collector, e.g. `http://127.0.0.1:43121` (no trailing slash). */
export const collectorUrl = process.env.PEER_COLLECTOR_URL ?? 'http://127.0.0.1:9';
/** Used as device id, distinct id or user id, whatever the SDK calls it. */
export const userId = process.env.PEER_USER_ID ?? 'peer-unnamed-run';
export const apiKey = 'bench-key-12345';

const startedAt = Date.now();

/** The two events of one command, as plain records; each peer maps them to its SDK's calls. */
export function commandEvents() {
  const command = { command: 'self version', args_count: 0, flags: [] };
  return [
    { name: 'command_started', properties: command, time: startedAt },
    {
      name: 'command_completed',
      properties: { ...command, duration_ms: Date.now() - startedAt, success: true, exit_code: 0 },
      time: Date.now(),
    },
  ];
}

/** The same two events as an Amplitude HTTP V2 request body (for the scripts that POST by hand). */
export function amplitudeBody(events = commandEvents()) {
  return JSON.stringify({
    api_key: apiKey,
    events: events.map((event) => ({
      event_type: event.name,
      device_id: userId,
      time: event.time,
      insert_id: randomUUID(),
      event_properties: event.properties,
    })),
  });
}
