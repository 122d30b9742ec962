// An application template's git repository, made locally so `dr templates clone` is tested offline:
// a bare repository with one commit and a tag on it, then later commits, so a clone that ignores
// the tag is caught. Needs the `git` binary; uses no global or system git config.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FakeTemplate } from './fake-datarobot.ts';

export interface TemplateRepositoryOptions {
  /** The repository's name; the bare folder is `<name>.git`. Default 'talk-to-my-data'. */
  readonly name?: string;
  /** Files of the tagged commit, by path relative to the repository root. */
  readonly files?: Readonly<Record<string, string>>;
  /** Paths among `files` committed as executables (a template's quickstart script). */
  readonly executables?: readonly string[];
  /** Default 'v1.0.0'. */
  readonly tag?: string;
  /** The folder to create it in; default a new temp folder (removed by `cleanup`). */
  readonly parentDir?: string;
}

export interface TemplateRepository {
  /** The bare repository's path, usable as a git URL. */
  readonly url: string;
  readonly tag: string;
  readonly name: string;
  /** A file that exists only in the commit after the tag. */
  readonly untaggedFile: string;
  cleanup(): void;
}

export const DEFAULT_TEMPLATE_FILES: Readonly<Record<string, string>> = {
  'README.md': '# Talk to my data\n\nAn application template.\n',
  '.env.template': [
    '# The DataRobot endpoint and API token (filled by `dr dotenv setup`).',
    'DATAROBOT_ENDPOINT=',
    'DATAROBOT_API_TOKEN=',
    '',
    '# Name of the application, as shown in DataRobot.',
    'APP_NAME=talk-to-my-data',
    '# Key of the LLM provider.',
    'OPENAI_API_KEY=',
    '# Where the frontend listens.',
    'FRONTEND_PORT=8080',
    '',
  ].join('\n'),
  'Taskfile.yml': "version: '3'\ntasks:\n  dev:\n    desc: Start the app\n    cmds:\n      - echo dev\n",
};

const GIT_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Template Author',
  GIT_AUTHOR_EMAIL: 'author@example.com',
  GIT_COMMITTER_NAME: 'Template Author',
  GIT_COMMITTER_EMAIL: 'author@example.com',
  GIT_TERMINAL_PROMPT: '0',
};

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'init.defaultBranch=main', ...args], { cwd, env: GIT_ENV, stdio: 'pipe' });
}

export function createTemplateRepository(options: TemplateRepositoryOptions = {}): TemplateRepository {
  const name = options.name ?? 'talk-to-my-data';
  const tag = options.tag ?? 'v1.0.0';
  const ownsParent = options.parentDir === undefined;
  const parentDir = options.parentDir ?? mkdtempSync(join(tmpdir(), 'dr-template-repo-'));
  const bare = join(parentDir, `${name}.git`);
  const work = join(parentDir, `${name}-work`);
  mkdirSync(bare, { recursive: true });
  mkdirSync(work, { recursive: true });
  git(bare, 'init', '--bare', '--quiet');
  git(work, 'init', '--quiet');
  for (const [path, content] of Object.entries(options.files ?? DEFAULT_TEMPLATE_FILES)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), content, { mode: options.executables?.includes(path) ? 0o755 : 0o644 });
  }
  git(work, 'add', '--all');
  git(work, 'commit', '--quiet', '-m', 'Template');
  git(work, 'tag', tag);
  const untaggedFile = 'AFTER_TAG.md';
  writeFileSync(join(work, untaggedFile), 'Work after the release tag.\n');
  git(work, 'add', '--all');
  git(work, 'commit', '--quiet', '-m', 'Work after the tag');
  git(work, 'push', '--quiet', '--tags', bare, 'main');
  rmSync(work, { recursive: true, force: true });
  return {
    url: bare,
    tag,
    name,
    untaggedFile,
    cleanup: () => rmSync(ownsParent ? parentDir : bare, { recursive: true, force: true }),
  };
}

/** A template as the fake lists it, pointing at `repository`. */
export function fakeTemplate(
  repository: Pick<TemplateRepository, 'url' | 'tag'>,
  fields: Partial<FakeTemplate> & { readonly id: string; readonly name: string },
): FakeTemplate {
  return {
    description: `${fields.name}: an application template.`,
    tags: ['agent'],
    isGlobal: true,
    isPremium: false,
    readme: '',
    mediaUrl: null,
    ...fields,
    repository: { url: repository.url, tag: repository.tag, isPublic: true },
  };
}
