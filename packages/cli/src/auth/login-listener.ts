// The local end of the browser login, as the Go dr runs it: a listener on localhost:51164 that
// DataRobot redirects to with `?key=`; the first request with a key ends the wait. Promises: it
// listens on loopback only, and always closes (key, timeout, Ctrl-C or error).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DrError, ExitCode } from '@dr/shared';

export const DEFAULT_LOGIN_PORT = 51164;
export const DEFAULT_LOGIN_TIMEOUT_MS = 5 * 60_000;

export interface LoginListener {
  /** The port listened on (the one asked for, or the one chosen for port 0). */
  readonly port: number;
  /** Resolves with the key; rejects on timeout or Ctrl-C. Closes the listener either way. */
  waitForKey(timeoutMs: number): Promise<string>;
  close(): Promise<void>;
}

const SUCCESS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>DataRobot CLI</title></head>
<body style="font-family: sans-serif; margin: 4em auto; max-width: 36em">
<h1>You are logged in to the DataRobot CLI</h1>
<p>The API key was handed to <code>dr</code>. You can close this tab and go back to your terminal.</p>
</body></html>
`;

const MISSING_KEY_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>DataRobot CLI</title></head>
<body style="font-family: sans-serif; margin: 4em auto; max-width: 36em">
<h1>No API key in this link</h1>
<p>Open the developer tools page that <code>dr auth login</code> printed, and follow its link back here.</p>
</body></html>
`;

export async function startLoginListener(port: number): Promise<LoginListener> {
  let deliver: ((key: string) => void) | undefined;
  const keyArrived = new Promise<string>((resolve) => {
    deliver = resolve;
  });
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const key =
      url.searchParams
        .get('key')
        ?.replace(/[\r\n]/g, '')
        .trim() ?? '';
    if (url.pathname !== '/') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    const page = key === '' ? MISSING_KEY_PAGE : SUCCESS_PAGE;
    response.writeHead(key === '' ? 400 : 200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'close',
    });
    response.end(page);
    if (key !== '') deliver?.(key);
  };

  const primary = createServer(handler);
  await listen(primary, port, '127.0.0.1');
  const bound = (primary.address() as AddressInfo).port;
  const servers: Server[] = [primary];
  // Browsers may resolve localhost to ::1 first; listen there too where the system has IPv6.
  const secondary = createServer(handler);
  await listen(secondary, bound, '::1').then(
    () => servers.push(secondary),
    () => undefined,
  );

  const close = async () => {
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            if (!server.listening) return resolve();
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
  };

  return {
    port: bound,
    close,
    async waitForKey(timeoutMs: number): Promise<string> {
      let timer: NodeJS.Timeout | undefined;
      let onInterrupt: (() => void) | undefined;
      const stopped = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const minutes = Math.round(timeoutMs / 6000) / 10;
          reject(
            new DrError(
              'LOGIN_TIMEOUT',
              `No API key arrived within ${minutes} minute${minutes === 1 ? '' : 's'}: run \`dr auth login\` again.`,
            ),
          );
        }, timeoutMs);
        onInterrupt = () =>
          reject(new DrError('INTERRUPTED', 'Login cancelled (Ctrl-C).', { exitCode: ExitCode.interrupted }));
        process.once('SIGINT', onInterrupt);
        process.once('SIGTERM', onInterrupt);
      });
      try {
        return await Promise.race([keyArrived, stopped]);
      } finally {
        clearTimeout(timer);
        if (onInterrupt) {
          process.off('SIGINT', onInterrupt);
          process.off('SIGTERM', onInterrupt);
        }
        await close();
      }
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' && host === '127.0.0.1') {
        reject(
          new DrError(
            'LOGIN_PORT_IN_USE',
            `Port ${port} on localhost is in use (is another \`dr auth login\` waiting?): close it and try again.`,
          ),
        );
      } else reject(error);
    });
    server.listen(port, host, () => resolve());
  });
}
