// A catch-all collector for the peers whose SDKs speak their own API (PostHog's `/batch/`,
// Segment's `/v1/batch`), which the fake Amplitude does not understand. It accepts any POST,
// reads the events of a JSON body (gzipped or not), answers 200 `{}`, and counts each event under
// its sender's id, with the fake Amplitude's collector states: up, slow, refusing, never answering.
// Like the fake, it counts an event only when it answers the request that carried it.
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';

/** `mode`: 'up' | 'slow' | 'refuse' | 'hang'; `latencyMs` delays every answer in 'slow'. */
export async function startCollectorShim({ mode = 'up', latencyMs = 0 } = {}) {
  const delivered = new Map();
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('error', () => {});
    request.on('end', () => {
      if (mode === 'hang') return;
      const events = eventsOf(Buffer.concat(chunks), request.headers['content-encoding']);
      setTimeout(
        () => {
          if (response.destroyed) return;
          for (const event of events) {
            const id = String(
              event.distinct_id ?? event.userId ?? event.anonymousId ?? event.device_id ?? '',
            );
            delivered.set(id, (delivered.get(id) ?? 0) + 1);
          }
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end('{}');
        },
        mode === 'slow' ? latencyMs : 0,
      );
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const url = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
  // Refusing: the port was ours a moment ago and nothing listens on it now.
  const close = () =>
    new Promise((resolve) => {
      server.close(() => resolve(undefined));
      server.closeAllConnections();
    });
  if (mode === 'refuse') await close();
  return {
    url,
    /** Events answered so far whose sender id starts with `prefix`. */
    deliveredWithPrefix: (prefix) =>
      [...delivered].reduce((sum, [id, count]) => (id.startsWith(prefix) ? sum + count : sum), 0),
    close: () => (server.listening ? close() : Promise.resolve()),
  };
}

function eventsOf(body, encoding) {
  try {
    const text = (encoding === 'gzip' ? gunzipSync(body) : body).toString('utf8');
    const parsed = JSON.parse(text);
    return parsed.batch ?? parsed.events ?? [parsed];
  } catch {
    return [];
  }
}
