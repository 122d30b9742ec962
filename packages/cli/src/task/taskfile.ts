// Where an application's tasks are defined: the Taskfile in its folder, under any of the names
// go-task looks for. The folder is `--dir`, else the application folder (the git repository
// root, or the current folder).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DrError } from '@dr/shared';
import { applicationFolder } from '../dotenv/app-folder.ts';

const TASKFILE_NAMES = [
  'Taskfile.yml',
  'taskfile.yml',
  'Taskfile.yaml',
  'taskfile.yaml',
  'Taskfile.dist.yml',
  'taskfile.dist.yml',
  'Taskfile.dist.yaml',
  'taskfile.dist.yaml',
];

export interface TaskfileLocation {
  readonly folder: string;
  readonly taskfile: string;
}

export function locateTaskfile(dir: string | undefined): TaskfileLocation {
  const folder = dir === undefined ? applicationFolder() : resolve(dir);
  const name = TASKFILE_NAMES.find((candidate) => existsSync(join(folder, candidate)));
  if (name === undefined) {
    throw new DrError(
      'TASKFILE_MISSING',
      `No Taskfile in ${folder}: run this in an application template's folder, or name it with --dir.`,
    );
  }
  return { folder, taskfile: join(folder, name) };
}
