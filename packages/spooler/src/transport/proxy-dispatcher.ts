// Which route a telemetry request takes: straight to its host, or through the proxy the caller's
// environment names (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, either case; the lower-case spelling wins),
// by the rules of undici's EnvHttpProxyAgent, which dr used before: an https:// target goes through
// HTTPS_PROXY, else HTTP_PROXY; an http:// target through HTTP_PROXY; NO_PROXY lists hosts (and
// their subdomains, `host:port` for one port only, `*` for all) reached directly. One keep-alive
// agent per route is kept for the life of the process; node:http and the agents load on first use.
import type { Agent } from 'node:http';

const PROXY_KEYS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'] as const;
const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };
const agents = new Map<string, Promise<Agent>>();

/** The agent to send a request to `target` with, under the proxy settings of `env`. */
export function agentFor(target: URL, env: NodeJS.ProcessEnv): Promise<Agent> {
  let proxy: URL | undefined;
  try {
    proxy = proxyFor(target, env);
  } catch (error) {
    return Promise.reject(error);
  }
  const secure = target.protocol === 'https:';
  const key = `${target.protocol} ${proxy?.href ?? 'direct'}`;
  let agent = agents.get(key);
  if (agent === undefined) {
    agent = import('./connection-agents.ts').then(({ createAgent }) => createAgent(secure, proxy));
    agents.set(key, agent);
    agent.catch(() => agents.delete(key));
  }
  return agent;
}

/** The proxy for `target`, or undefined to connect directly. Throws on a proxy that is not a URL. */
export function proxyFor(target: URL, env: NodeJS.ProcessEnv): URL | undefined {
  const httpProxy = pick(env, 'HTTP_PROXY');
  const proxy = target.protocol === 'https:' ? (pick(env, 'HTTPS_PROXY') ?? httpProxy) : httpProxy;
  if (proxy === undefined || bypassesProxy(target, pick(env, 'NO_PROXY') ?? '')) return undefined;
  // curl's rule: a proxy without a scheme is an http:// one.
  const url = new URL(proxy.includes('://') ? proxy : `http://${proxy}`);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`The proxy ${url.protocol}//${url.host} is neither http:// nor https://.`);
  }
  return url;
}

/** Closes every agent made so far, and their idle connections (tests, and a clean exit). */
export async function closeProxyDispatchers(): Promise<void> {
  const made = [...agents.values()];
  agents.clear();
  for (const agent of await Promise.allSettled(made)) {
    if (agent.status === 'fulfilled') agent.value.destroy();
  }
}

/** True when the environment names a proxy. */
export function hasProxySetting(env: NodeJS.ProcessEnv): boolean {
  return PROXY_KEYS.some((key) => nonEmpty(env[key]) !== undefined);
}

function bypassesProxy(target: URL, noProxy: string): boolean {
  // `host` keeps the brackets of an IPv6 address, as NO_PROXY writes it.
  const hostname = target.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number.parseInt(target.port, 10) || DEFAULT_PORTS[target.protocol] || 0;
  for (const entry of noProxy.split(/[,\s]/)) {
    if (entry === '') continue;
    if (entry === '*') return true;
    const parsed = /^(.+):(\d+)$/.exec(entry);
    const entryHost = (parsed?.[1] ?? entry).replace(/^\*?\./, '').toLowerCase();
    const entryPort = parsed === null ? 0 : Number.parseInt(parsed[2]!, 10);
    if (entryPort !== 0 && entryPort !== port) continue;
    if (hostname === entryHost || hostname.endsWith(`.${entryHost}`)) return true;
  }
  return false;
}

function pick(env: NodeJS.ProcessEnv, name: 'HTTPS_PROXY' | 'HTTP_PROXY' | 'NO_PROXY'): string | undefined {
  return nonEmpty(env[name.toLowerCase()]) ?? nonEmpty(env[name]);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
