// Which proxy a request goes through: the one rule both of dr's HTTP clients follow (the DataRobot
// API's undici dispatcher and the drainer's node:http agents), read from the `env` the caller
// passes and nothing else. The rule, case by case, is the table in test/network/proxy-rule.test.ts.
import { DrError, ExitCode } from '../errors/dr-error.ts';

export interface ProxySettings {
  readonly httpsProxy: URL | undefined;
  readonly httpProxy: URL | undefined;
  /** NO_PROXY's entries, lower case; `*` bypasses the proxy for every host. */
  readonly noProxy: readonly NoProxyEntry[];
}

interface NoProxyEntry {
  readonly host: string;
  /** 0: any port. */
  readonly port: number;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };

/**
 * HTTPS_PROXY, HTTP_PROXY and NO_PROXY of `env`, either spelling (the lower-case one wins, as in
 * curl), blank meaning unset. A proxy without a scheme is an http:// one (curl's rule, and Go's).
 * Throws PROXY_INVALID when a proxy is not a URL.
 */
export function proxySettings(env: NodeJS.ProcessEnv): ProxySettings {
  return {
    httpsProxy: proxyUrl(env, 'HTTPS_PROXY'),
    httpProxy: proxyUrl(env, 'HTTP_PROXY'),
    noProxy: (setting(env, 'NO_PROXY') ?? '').split(/[,\s]/).filter(Boolean).map(noProxyEntry),
  };
}

/**
 * The proxy for `target`, or undefined to connect directly: an https:// target goes through
 * HTTPS_PROXY, else HTTP_PROXY; an http:// one through HTTP_PROXY; a host NO_PROXY names (or a
 * subdomain of it; `host:port` for that port only; `*` for all) directly.
 */
export function proxyFor(target: URL, settings: ProxySettings): URL | undefined {
  const proxy =
    target.protocol === 'https:' ? (settings.httpsProxy ?? settings.httpProxy) : settings.httpProxy;
  return proxy === undefined || bypassesProxy(target, settings.noProxy) ? undefined : proxy;
}

function bypassesProxy(target: URL, noProxy: readonly NoProxyEntry[]): boolean {
  // `host` keeps the brackets of an IPv6 address, as NO_PROXY writes it.
  const hostname = target.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number.parseInt(target.port, 10) || DEFAULT_PORTS[target.protocol] || 0;
  return noProxy.some(
    ({ host, port: only }) =>
      (host === '*' && only === 0) ||
      ((only === 0 || only === port) && (hostname === host || hostname.endsWith(`.${host}`))),
  );
}

function noProxyEntry(entry: string): NoProxyEntry {
  const parsed = /^(.+):(\d+)$/.exec(entry);
  return {
    host: (parsed?.[1] ?? entry).replace(/^\*?\./, '').toLowerCase(),
    port: parsed === null ? 0 : Number.parseInt(parsed[2]!, 10),
  };
}

function proxyUrl(env: NodeJS.ProcessEnv, name: 'HTTPS_PROXY' | 'HTTP_PROXY'): URL | undefined {
  const value = setting(env, name);
  if (value === undefined) return undefined;
  try {
    return new URL(value.includes('://') ? value : `http://${value}`);
  } catch (error) {
    // The value is not repeated: a proxy URL may hold a password.
    throw new DrError('PROXY_INVALID', `${name} is not a URL: set it to http://host:port or unset it.`, {
      exitCode: ExitCode.config,
      cause: error,
    });
  }
}

function setting(
  env: NodeJS.ProcessEnv,
  name: 'HTTPS_PROXY' | 'HTTP_PROXY' | 'NO_PROXY',
): string | undefined {
  const value = env[name.toLowerCase()]?.trim() || env[name]?.trim();
  return value === '' ? undefined : value;
}
