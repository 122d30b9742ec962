// The proxy choice for a telemetry request: undici's EnvHttpProxyAgent rules (which dr followed
// while it sent with fetch), read from the environment the caller passes.
import { describe, expect, it } from 'vitest';
import { proxyFor } from '../../src/transport/proxy-dispatcher.ts';

const proxied = (target: string, env: NodeJS.ProcessEnv) => proxyFor(new URL(target), env)?.href;

describe('proxyFor', () => {
  it('connects directly when no proxy is set, or only blank ones', () => {
    expect(proxied('https://api2.amplitude.com/batch', {})).toBeUndefined();
    expect(proxied('https://api2.amplitude.com/batch', { HTTPS_PROXY: ' ', HTTP_PROXY: '' })).toBeUndefined();
  });

  it('sends https through HTTPS_PROXY, else HTTP_PROXY; http through HTTP_PROXY only', () => {
    const env = { HTTPS_PROXY: 'http://secure:3128', HTTP_PROXY: 'http://plain:3128' };
    expect(proxied('https://api2.amplitude.com/batch', env)).toBe('http://secure:3128/');
    expect(proxied('https://api2.amplitude.com/batch', { HTTP_PROXY: 'http://plain:3128' })).toBe(
      'http://plain:3128/',
    );
    expect(proxied('http://127.0.0.1:8080/batch', env)).toBe('http://plain:3128/');
    expect(proxied('http://127.0.0.1:8080/batch', { HTTPS_PROXY: 'http://secure:3128' })).toBeUndefined();
  });

  it('prefers the lower-case spelling when both are set', () => {
    expect(
      proxied('https://api2.amplitude.com/batch', {
        HTTPS_PROXY: 'http://upper:1',
        https_proxy: 'http://lower:1',
      }),
    ).toBe('http://lower:1/');
  });

  it('reads a proxy without a scheme as http://, and refuses other schemes', () => {
    expect(proxied('https://api2.amplitude.com/batch', { HTTPS_PROXY: 'proxy.corp:3128' })).toBe(
      'http://proxy.corp:3128/',
    );
    expect(() => proxied('https://api2.amplitude.com/batch', { HTTPS_PROXY: 'socks5://proxy:1080' })).toThrow(
      /neither http:\/\/ nor https:\/\//,
    );
  });

  it.each([
    ['api2.amplitude.com', true],
    ['amplitude.com', true],
    ['.amplitude.com', true],
    ['*.amplitude.com', true],
    ['AMPLITUDE.COM', true],
    ['api2.amplitude.com:443', true],
    ['api2.amplitude.com:8443', false],
    ['plitude.com', false],
    ['other.example, amplitude.com', true],
    ['*', true],
    ['', false],
  ])('NO_PROXY=%j bypasses the proxy for api2.amplitude.com: %s', (noProxy, direct) => {
    const env = { HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: noProxy };
    expect(proxied('https://api2.amplitude.com/batch', env) === undefined).toBe(direct);
  });

  it('matches NO_PROXY against an IPv6 host with its brackets, and an explicit port', () => {
    const env = { HTTP_PROXY: 'http://proxy:3128', no_proxy: '[::1]:8080' };
    expect(proxied('http://[::1]:8080/batch', env)).toBeUndefined();
    expect(proxied('http://[::1]:9090/batch', env)).toBe('http://proxy:3128/');
  });
});
