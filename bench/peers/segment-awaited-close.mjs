// Segment's Node SDK as its docs say for short-lived processes: track, then
// `await closeAndFlush()` (default timeout, retries) before the program ends.
import { Analytics } from '@segment/analytics-node';
import { apiKey, collectorUrl, commandEvents, userId } from './command-events.mjs';

const analytics = new Analytics({ writeKey: apiKey, host: collectorUrl });
for (const event of commandEvents()) {
  analytics.track({ userId, event: event.name, properties: event.properties });
}
await analytics.closeAndFlush();
