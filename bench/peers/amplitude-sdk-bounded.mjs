// The official Amplitude Node SDK with the usual workaround for CLIs: give the flush a short
// deadline (Promise.race) and end the process explicitly, so neither a slow collector nor the
// SDK's own timers and retries hold the exit. 500 ms lets a collector answering in 200 ms still
// receive the events; anything slower loses them, since the SDK keeps its queue in memory only.
import { flush, init, Types, track } from '@amplitude/analytics-node';
import { apiKey, collectorUrl, commandEvents, userId } from './command-events.mjs';

const FLUSH_DEADLINE_MS = 500;

await init(apiKey, { serverUrl: `${collectorUrl}/2/httpapi`, logLevel: Types.LogLevel.None }).promise;
for (const event of commandEvents())
  track(event.name, event.properties, { device_id: userId, time: event.time });
await Promise.race([flush().promise, new Promise((resolve) => setTimeout(resolve, FLUSH_DEADLINE_MS))]);
process.exit(0);
