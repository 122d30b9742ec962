// The one proxy rule of dr, case by case: which proxy a request to a URL takes under an
// environment. Both the DataRobot client (undici) and the drainer (node:http) route by it.
import { describe, expect, it } from 'vitest';
import { DrError, proxyFor, proxySettings } from '../../src/index.ts';

const route = (target: string, env: NodeJS.ProcessEnv) => proxyFor(new URL(target), proxySettings(env))?.href;

const AMPLITUDE = 'https://api2.amplitude.com/batch';
const PROXY = 'http://proxy:3128/';

describe('proxyFor', () => {
  it.each<[string, string, NodeJS.ProcessEnv, string | undefined]>([
    ['no proxy set', AMPLITUDE, {}, undefined],
    ['blank proxies', AMPLITUDE, { HTTPS_PROXY: ' ', HTTP_PROXY: '' }, undefined],
    [
      'https through HTTPS_PROXY',
      AMPLITUDE,
      { HTTPS_PROXY: 'http://s:1', HTTP_PROXY: 'http://p:1' },
      'http://s:1/',
    ],
    [
      'https through HTTP_PROXY when HTTPS_PROXY is unset',
      AMPLITUDE,
      { HTTP_PROXY: 'http://p:1' },
      'http://p:1/',
    ],
    [
      'http through HTTP_PROXY',
      'http://h/',
      { HTTPS_PROXY: 'http://s:1', HTTP_PROXY: 'http://p:1' },
      'http://p:1/',
    ],
    ['http never through HTTPS_PROXY', 'http://h/', { HTTPS_PROXY: 'http://s:1' }, undefined],
    [
      'lower case wins',
      AMPLITUDE,
      { HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:1' },
      'http://lower:1/',
    ],
    [
      'blank lower case falls back',
      AMPLITUDE,
      { https_proxy: ' ', HTTPS_PROXY: 'http://upper:1' },
      'http://upper:1/',
    ],
    ['no scheme means http://', AMPLITUDE, { HTTPS_PROXY: 'proxy.corp:3128' }, 'http://proxy.corp:3128/'],
    ['an https:// proxy', AMPLITUDE, { HTTPS_PROXY: 'https://proxy.corp' }, 'https://proxy.corp/'],
    ['another scheme is returned as given', AMPLITUDE, { HTTPS_PROXY: 'socks5://s:1080' }, 'socks5://s:1080'],
    [
      'NO_PROXY lower case wins',
      AMPLITUDE,
      { HTTPS_PROXY: PROXY, NO_PROXY: 'x.example', no_proxy: 'amplitude.com' },
      undefined,
    ],
  ])('%s', (_, target, env, expected) => {
    expect(route(target, env)).toBe(expected);
  });

  it.each<[string, boolean]>([
    ['api2.amplitude.com', true],
    ['amplitude.com', true],
    ['.amplitude.com', true],
    ['*.amplitude.com', true],
    ['AMPLITUDE.COM', true],
    ['api2.amplitude.com:443', true],
    ['api2.amplitude.com:8443', false],
    ['plitude.com', false],
    ['api2.amplitude.com.evil', false],
    ['other.example, amplitude.com', true],
    ['other.example amplitude.com', true],
    ['*', true],
    [' * ', true],
    ['other.example,*', true],
    ['*:443', false],
    ['52.0.0.0/8', false],
    ['', false],
  ])('NO_PROXY=%j: direct to api2.amplitude.com is %s', (noProxy, direct) => {
    expect(route(AMPLITUDE, { HTTPS_PROXY: PROXY, NO_PROXY: noProxy }) === undefined).toBe(direct);
  });

  it.each<[string, string, boolean]>([
    ['[::1]:8080', 'http://[::1]:8080/', true],
    ['[::1]:8080', 'http://[::1]:9090/', false],
    ['[::1]', 'http://[::1]:9090/', true],
    ['localhost:80', 'http://localhost/', true],
    ['127.0.0.1', 'http://127.0.0.1:8080/', true],
  ])('NO_PROXY=%j: direct to %s is %s', (noProxy, target, direct) => {
    expect(route(target, { HTTP_PROXY: PROXY, no_proxy: noProxy }) === undefined).toBe(direct);
  });

  it('refuses a proxy that is not a URL, in one line that does not repeat it', () => {
    const read = () => proxySettings({ HTTPS_PROXY: 'http://us:pa ss@[bad' });
    expect(read).toThrow(DrError);
    expect(read).toThrow('HTTPS_PROXY is not a URL: set it to http://host:port or unset it.');
  });
});
