// Paths by the contract: XDG locations, the Go dr's config path, and the overrides.
import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_FILE, resolvePaths } from '../../src/paths/paths.ts';

const home = { HOME: homedir() };

describe('resolvePaths', () => {
  it('uses the XDG defaults under the home folder', () => {
    const paths = resolvePaths({ env: home });
    expect(paths.configFile).toBe(`${homedir()}/.config/datarobot/drconfig.yaml`);
    expect(paths.spoolDir).toBe(`${homedir()}/.local/share/datarobot/telemetry`);
    expect(paths.spoolFile).toBe(`${homedir()}/.local/share/datarobot/telemetry/spool.db`);
    expect(paths.policyFile).toBe(DEFAULT_POLICY_FILE);
  });

  it('follows XDG_CONFIG_HOME and XDG_DATA_HOME', () => {
    const paths = resolvePaths({ env: { ...home, XDG_CONFIG_HOME: '/cfg', XDG_DATA_HOME: '/data' } });
    expect(paths.configFile).toBe('/cfg/datarobot/drconfig.yaml');
    expect(paths.spoolDir).toBe('/data/datarobot/telemetry');
  });

  it('lets --config beat DATAROBOT_CLI_CONFIG, and the spool and policy be moved', () => {
    const env = {
      ...home,
      DATAROBOT_CLI_CONFIG: '/env.yaml',
      DR_TELEMETRY_SPOOL_DIR: '/spool',
      DR_TELEMETRY_POLICY_FILE: '/policy.yaml',
    };
    expect(resolvePaths({ env }).configFile).toBe('/env.yaml');
    expect(resolvePaths({ env, configFlag: '/flag.yaml' }).configFile).toBe('/flag.yaml');
    expect(resolvePaths({ env }).spoolFile).toBe('/spool/spool.db');
    expect(resolvePaths({ env }).policyFile).toBe('/policy.yaml');
  });

  it('writes nothing to process.env for an env that agrees with it on what env-paths reads', () => {
    const copy = { ...process.env, DATAROBOT_CLI_DEBUG: 'true' };
    const expected = resolvePaths({ env: process.env });
    const original = process.env;
    const writes: string[] = [];
    const record = (key: string | symbol) => {
      writes.push(String(key));
      return true;
    };
    process.env = new Proxy(original, {
      set: (_, key) => record(key),
      deleteProperty: (_, key) => record(key),
    });
    try {
      expect(resolvePaths({ env: copy })).toEqual(expected);
    } finally {
      process.env = original;
    }
    expect(writes).toEqual([]);
  });

  it('leaves process.env as it was', () => {
    const before = { ...process.env };
    resolvePaths({ env: { XDG_CONFIG_HOME: '/x', XDG_DATA_HOME: '/y' } });
    expect(process.env).toEqual(before);
  });
});
