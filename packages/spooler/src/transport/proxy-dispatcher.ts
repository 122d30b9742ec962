// The agent a telemetry request goes out on: straight to its host, or through the proxy that
// @dr/shared's proxyFor picks from the caller's environment (the rule the DataRobot client follows
// too). One keep-alive agent per route lives as long as the process; the agents load on first use.
import type { Agent } from 'node:http';
import { proxyFor, proxySettings } from '@dr/shared';

const agents = new Map<string, Promise<Agent>>();

/** The agent to send a request to `target` with, under the proxy settings of `env`. */
export function agentFor(target: URL, env: NodeJS.ProcessEnv): Promise<Agent> {
  let proxy: URL | undefined;
  try {
    proxy = proxyFor(target, proxySettings(env));
  } catch (error) {
    return Promise.reject(error);
  }
  if (proxy !== undefined && proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
    return Promise.reject(
      new TypeError(`The proxy ${proxy.protocol}//${proxy.host} is neither http:// nor https://.`),
    );
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

/** Closes every agent made so far, and their idle connections (tests, and a clean exit). */
export async function closeProxyDispatchers(): Promise<void> {
  const made = [...agents.values()];
  agents.clear();
  for (const agent of await Promise.allSettled(made)) {
    if (agent.status === 'fulfilled') agent.value.destroy();
  }
}
