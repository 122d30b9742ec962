// drconfig.yaml: reads, comment-preserving atomic rewrites, locked concurrent writers, modes.
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readConfig, updateConfig } from '../../src/config/config-file.ts';
import { ConfigError } from '../../src/errors/dr-error.ts';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dr-config-'));
  file = join(dir, 'datarobot', 'drconfig.yaml');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('readConfig', () => {
  it('reads a missing file as empty, without creating it', () => {
    expect(readConfig(file)).toEqual({});
    expect(existsSync(file)).toBe(false);
  });

  it('reads an empty file as empty', async () => {
    await updateConfig(file, []);
    writeFileSync(file, '');
    expect(readConfig(file)).toEqual({});
  });

  it('names the file and line of invalid YAML', async () => {
    await updateConfig(file, []);
    writeFileSync(file, 'endpoint: https://app.datarobot.com/api/v2\ntoken: [unclosed\n');
    expect(() => readConfig(file)).toThrowError(ConfigError);
    expect(() => readConfig(file)).toThrowError(
      new RegExp(`^Config file ${file}:\\d+ is not valid YAML: .+`),
    );
  });

  it('refuses a document that is not a mapping', async () => {
    await updateConfig(file, []);
    writeFileSync(file, '- a\n- b\n');
    expect(() => readConfig(file)).toThrowError(/must be a YAML mapping/);
  });
});

describe('updateConfig', () => {
  it('creates the file 0600 in a folder 0700', async () => {
    await updateConfig(file, [{ path: ['telemetry', 'enabled'], value: true }]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'datarobot')).mode & 0o777).toBe(0o700);
    expect(readConfig(file)).toEqual({ telemetry: { enabled: true } });
    await updateConfig(file, [{ path: ['missing', 'key'], value: undefined }]);
    expect(readConfig(file)).toEqual({ telemetry: { enabled: true } });
  });

  it('keeps comments and unknown keys, and deletes keys set to undefined', async () => {
    await updateConfig(file, []);
    writeFileSync(
      file,
      '# my DataRobot settings\nendpoint: https://app.datarobot.com/api/v2 # US cloud\ntoken: secret\ncustom_key: kept\n',
    );
    await updateConfig(file, [
      { path: ['token'], value: undefined },
      { path: ['telemetry', 'enabled'], value: false },
    ]);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# my DataRobot settings');
    expect(text).toContain('# US cloud');
    expect(readConfig(file)).toEqual({
      endpoint: 'https://app.datarobot.com/api/v2',
      custom_key: 'kept',
      telemetry: { enabled: false },
    });
  });

  it('replaces a plain value standing where a setting goes, and deletes under it quietly', async () => {
    await updateConfig(file, []);
    writeFileSync(file, 'telemetry: false\n');
    await updateConfig(file, [{ path: ['telemetry', 'disabled_reason'], value: undefined }]);
    expect(readConfig(file)).toEqual({ telemetry: false });
    await updateConfig(file, [{ path: ['telemetry', 'enabled'], value: true }]);
    expect(readConfig(file)).toEqual({ telemetry: { enabled: true } });
    await updateConfig(file, [{ path: ['missing', 'key'], value: undefined }]);
    expect(readConfig(file)).toEqual({ telemetry: { enabled: true } });
  });

  it('leaves no temp file or lock behind', async () => {
    await updateConfig(file, [{ path: ['a'], value: 1 }]);
    expect(readdirSync(join(dir, 'datarobot'))).toEqual(['drconfig.yaml']);
  });

  it('refuses to rewrite a file it cannot parse, and leaves it as it was', async () => {
    await updateConfig(file, []);
    writeFileSync(file, 'a: [\n');
    await expect(updateConfig(file, [{ path: ['b'], value: 1 }])).rejects.toThrowError(ConfigError);
    expect(readFileSync(file, 'utf8')).toBe('a: [\n');
  });

  it('keeps every change of concurrent writers in one process', async () => {
    await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        updateConfig(file, [{ path: ['keys', `k${index}`], value: index }]),
      ),
    );
    const keys = readConfig(file).keys as Record<string, number>;
    expect(Object.keys(keys).sort()).toEqual(Array.from({ length: 12 }, (_, index) => `k${index}`).sort());
  });

  it('keeps every change of concurrent writer processes', async () => {
    const script = join(dir, 'writer.mjs');
    await build({
      stdin: {
        contents: `import { updateConfig } from ${JSON.stringify(join(import.meta.dirname, '../../src/config/config-file.ts'))};
          const [file, name] = process.argv.slice(2);
          for (let i = 0; i < 5; i++) await updateConfig(file, [{ path: ['keys', name + '_' + i], value: i }]);`,
        resolveDir: import.meta.dirname,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      banner: {
        js: "import { createRequire as __testCreateRequire } from 'node:module'; const require = __testCreateRequire(import.meta.url);",
      },
      outfile: script,
      logLevel: 'silent',
    });
    const run = promisify(execFile);
    await Promise.all(['p1', 'p2', 'p3', 'p4'].map((name) => run(process.execPath, [script, file, name])));
    const keys = Object.keys(readConfig(file).keys as Record<string, number>);
    expect(keys).toHaveLength(20);
  });

  describe('with something other than a lock folder at drconfig.yaml.lock', () => {
    const lock = () => `${file}.lock`;

    it.each([
      ['a dangling symbolic link', 'a symbolic link', () => symlinkSync(join(dir, 'nowhere'), lock())],
      ['a symbolic link to a folder', 'a symbolic link', () => symlinkSync(dir, lock())],
      ['a file', 'a file', () => writeFileSync(lock(), '')],
    ])('fails at once, naming the lock and saying to remove it (%s)', async (_name, kind, plant) => {
      await updateConfig(file, [{ path: ['a'], value: 1 }]);
      plant();
      const started = performance.now();
      const error = await updateConfig(file, [{ path: ['b'], value: 2 }]).catch((caught: unknown) => caught);
      expect(performance.now() - started).toBeLessThan(500);
      expect(error).toBeInstanceOf(ConfigError);
      expect(error).toMatchObject({
        code: 'CONFIG_LOCK_UNUSABLE',
        exitCode: 5,
        message: `Cannot change config file ${file}: its lock ${lock()} is ${kind}, not a lock dr made. Remove it and try again.`,
      });
      expect(readConfig(file)).toEqual({ a: 1 });
      // Once it is removed, the change goes through.
      rmSync(lock());
      await updateConfig(file, [{ path: ['b'], value: 2 }]);
      expect(readConfig(file)).toEqual({ a: 1, b: 2 });
    });

    it('still waits for a lock folder another dr holds, and writes once it is released', async () => {
      await updateConfig(file, [{ path: ['a'], value: 1 }]);
      mkdirSync(lock());
      setTimeout(() => rmdirSync(lock()), 300);
      const started = performance.now();
      await updateConfig(file, [{ path: ['b'], value: 2 }]);
      expect(performance.now() - started).toBeGreaterThanOrEqual(250);
      expect(readConfig(file)).toEqual({ a: 1, b: 2 });
    });
  });
});
