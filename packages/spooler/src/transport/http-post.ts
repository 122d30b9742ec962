// One POST of a JSON body with node:http(s) through the agent ./proxy-dispatcher.ts picks, resolved
// with the answer or why there is none, never a throw: bounded by `timeoutMs`, answer included;
// redirects are answers, never followed; an answer past MAX_ANSWER_CHARS is cut there.
import http from 'node:http';
import https from 'node:https';
import { agentFor } from './proxy-dispatcher.ts';

/** Far above any Amplitude answer (which lists at most a few thousand indexes). */
export const MAX_ANSWER_CHARS = 1024 * 1024;

export interface PostJsonOptions {
  readonly timeoutMs: number;
  /** Aborting it ends the request with `{kind: 'aborted'}`. */
  readonly signal?: AbortSignal | undefined;
  /** Where the proxy variables are read from. */
  readonly env: NodeJS.ProcessEnv;
}

export type PostOutcome =
  | {
      readonly kind: 'answered';
      readonly status: number;
      readonly body: string;
      readonly retryAfter: string | null;
    }
  | { readonly kind: 'network-error'; readonly message: string; readonly code?: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'aborted' };

export async function postJson(url: string, body: string, options: PostJsonOptions): Promise<PostOutcome> {
  const { signal } = options;
  if (signal?.aborted) return { kind: 'aborted' };
  const target = new URL(url);
  let agent: http.Agent;
  try {
    agent = await agentFor(target, options.env);
  } catch (error) {
    return networkError(error);
  }
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const request = (target.protocol === 'https:' ? https : http).request(target, {
      method: 'POST',
      agent,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'content-length': Buffer.byteLength(body),
      },
    });
    const stop = (outcome: PostOutcome) => {
      settle(outcome);
      request.destroy();
    };
    const timer = setTimeout(() => stop({ kind: 'timeout' }), options.timeoutMs);
    const onAbort = () => stop({ kind: 'aborted' });
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    // Stays attached after settling: an error emitted after a stop must not go unheard.
    request.on('error', (error) => settle(networkError(error)));
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (text.length < MAX_ANSWER_CHARS) text += chunk.slice(0, MAX_ANSWER_CHARS - text.length);
      });
      response.on('error', (error) => settle(networkError(error)));
      response.on('close', () => {
        if (!response.complete) settle(networkError(new Error('The connection closed inside the answer.')));
      });
      response.on('end', () => {
        const retryAfter = response.headers['retry-after'];
        settle({
          kind: 'answered',
          status: response.statusCode ?? 0,
          body: text,
          retryAfter: retryAfter ?? null,
        });
      });
    });
    request.end(body);
  });
}

function networkError(error: unknown): PostOutcome {
  // A refused connection to a name with several addresses is an AggregateError with a code but no message.
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error && error.message !== '' ? error.message : String(code ?? error);
  return typeof code === 'string'
    ? { kind: 'network-error', message, code }
    : { kind: 'network-error', message };
}
