// The proxy route for telemetry requests: undici's EnvHttpProxyAgent (HTTPS_PROXY, HTTP_PROXY,
// NO_PROXY, upper or lower case), built from the environment the caller passes. undici is
// imported only when a proxy variable is set, so a direct connection costs no start-up time.
// One agent per distinct proxy setting is kept for the life of the process (connection reuse).
import type { Dispatcher } from 'undici';

const PROXY_KEYS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'] as const;
const cache = new Map<string, Promise<Dispatcher>>();

/** The dispatcher to pass to fetch, or undefined to connect directly. */
export function proxyDispatcher(env: NodeJS.ProcessEnv): Promise<Dispatcher> | undefined {
  const httpsProxy = pick(env, 'HTTPS_PROXY');
  const httpProxy = pick(env, 'HTTP_PROXY');
  if (httpsProxy === undefined && httpProxy === undefined) return undefined;
  const noProxy = pick(env, 'NO_PROXY') ?? '';
  const key = JSON.stringify([httpsProxy, httpProxy, noProxy]);
  let agent = cache.get(key);
  if (agent === undefined) {
    agent = import('undici').then(({ EnvHttpProxyAgent }) => {
      // Explicit values (never process.env); an unset HTTPS proxy falls back to the HTTP one.
      return new EnvHttpProxyAgent({ httpProxy: httpProxy ?? '', httpsProxy: httpsProxy ?? '', noProxy });
    });
    cache.set(key, agent);
  }
  return agent;
}

/** Closes every proxy agent made so far (tests, and a process that wants to exit cleanly). */
export async function closeProxyDispatchers(): Promise<void> {
  const agents = [...cache.values()];
  cache.clear();
  await Promise.all(agents.map(async (agent) => (await agent).close()));
}

/** True when the environment names a proxy. */
export function hasProxySetting(env: NodeJS.ProcessEnv): boolean {
  return PROXY_KEYS.some((key) => nonEmpty(env[key]) !== undefined);
}

// curl's rule: the lower-case spelling wins when both are set.
function pick(env: NodeJS.ProcessEnv, name: 'HTTPS_PROXY' | 'HTTP_PROXY' | 'NO_PROXY'): string | undefined {
  return nonEmpty(env[name.toLowerCase()]) ?? nonEmpty(env[name]);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
