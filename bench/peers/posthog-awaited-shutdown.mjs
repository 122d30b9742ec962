// PostHog's Node SDK as its docs say for short-lived processes: capture, then `await shutdown()`
// (which flushes the queue, with its default timeout and retries) before the program ends.
import { PostHog } from 'posthog-node';
import { apiKey, collectorUrl, commandEvents, userId } from './command-events.mjs';

const posthog = new PostHog(apiKey, { host: collectorUrl });
for (const event of commandEvents()) {
  posthog.capture({ distinctId: userId, event: event.name, properties: event.properties });
}
await posthog.shutdown();
