// The official Amplitude Node SDK used as its docs say for a short-lived process: init, track,
// and `await flush().promise` before the program ends. `init` is awaited too: events tracked
// before it completes are dropped ("init has to complete before any tracking can begin",
// amplitude/Amplitude-TypeScript#132).
import { flush, init, Types, track } from '@amplitude/analytics-node';
import { apiKey, collectorUrl, commandEvents, userId } from './command-events.mjs';

await init(apiKey, { serverUrl: `${collectorUrl}/2/httpapi`, logLevel: Types.LogLevel.None }).promise;
for (const event of commandEvents())
  track(event.name, event.properties, { device_id: userId, time: event.time });
await flush().promise;
