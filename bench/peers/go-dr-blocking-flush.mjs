// The Go dr's approach: at exit, send the command's events in one request and wait for the
// answer, for at most 3 s; whatever is not sent by then is lost.
import { request } from 'node:http';
import { amplitudeBody, collectorUrl } from './command-events.mjs';

const FLUSH_TIMEOUT_MS = 3000;

const body = amplitudeBody();
await new Promise((resolve) => {
  const deadline = setTimeout(() => {
    upload.destroy();
    resolve(undefined);
  }, FLUSH_TIMEOUT_MS);
  const upload = request(`${collectorUrl}/2/httpapi`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const done = () => {
    clearTimeout(deadline);
    resolve(undefined);
  };
  upload.on('response', (response) => response.resume().on('end', done));
  upload.on('error', done);
  upload.end(body);
});
