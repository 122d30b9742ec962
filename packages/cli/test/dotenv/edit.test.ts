// dotenvEdit in process: the template it reads to count missing keys fails the way the other
// dotenv commands fail (a one-line DrError with a code, before the editor opens), and a folder
// without a template is still fine for edit (no missing_count then).
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { DrError } from '@dr/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandIO } from '../../src/datarobot/command-io.ts';
import { dotenvEdit } from '../../src/dotenv/edit.ts';

let folder: string;
let recorded: { type: string; properties: unknown }[];

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'dotenv-edit-'));
  recorded = [];
  writeFileSync(join(folder, '.env'), 'A=1\n');
});
afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

/** An editor that appends a line to the file it is given: proof it ran. */
function io(): CommandIO {
  const editor = join(folder, 'editor.sh');
  writeFileSync(editor, '#!/bin/sh\necho "EDITED=1" >> "$1"\n');
  chmodSync(editor, 0o755);
  return {
    configFlag: undefined,
    env: { PATH: process.env.PATH, EDITOR: editor },
    stdin: new PassThrough(),
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    telemetry: {
      ids: undefined,
      record: (type, properties) => void recorded.push({ type, properties }),
      stopRecording: () => {},
    },
    telemetryIds: undefined,
    tls: { skipCertificateCheck: false, caCertFile: undefined },
    verbose: false,
    apiConsumerTrace: 'datarobot.cli.dotenv.edit',
  };
}

describe('dotenvEdit and .env.template', () => {
  it('an unreadable template is DOTENV_TEMPLATE_UNREADABLE, one line, before the editor opens', async () => {
    const template = join(folder, '.env.template');
    mkdirSync(template);
    const error = await dotenvEdit(io(), folder).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(DrError);
    expect((error as DrError).code).toBe('DOTENV_TEMPLATE_UNREADABLE');
    expect((error as DrError).message).toBe(
      `Cannot read ${template} (EISDIR): check that it is a file you may read.`,
    );
    expect(readFileSync(join(folder, '.env'), 'utf8')).toBe('A=1\n');
    expect(recorded).toEqual([{ type: 'dotenv_edit', properties: { result: 'failure' } }]);
  });

  it('counts the missing required keys of a readable template', async () => {
    writeFileSync(join(folder, '.env.template'), 'A=\nB=\nC=default\n');
    expect(await dotenvEdit(io(), folder)).toBe(0);
    expect(readFileSync(join(folder, '.env'), 'utf8')).toBe('A=1\nEDITED=1\n');
    expect(recorded).toEqual([
      { type: 'dotenv_edit', properties: { keys_count: 2, missing_count: 1, result: 'success' } },
    ]);
  });

  it('needs no template: without one there is no missing_count', async () => {
    expect(await dotenvEdit(io(), folder)).toBe(0);
    expect(recorded).toEqual([{ type: 'dotenv_edit', properties: { keys_count: 2, result: 'success' } }]);
  });
});
