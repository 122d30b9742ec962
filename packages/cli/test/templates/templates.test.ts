// dr templates list, clone and setup, as bin/dr against the fake DataRobot, cloning a local
// bare repository offline. The setup picker runs on a pseudo-terminal, as a person meets it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createTemplateRepository,
  type FakeDataRobot,
  fakeTemplate,
  startFakeDataRobot,
  type TemplateRepository,
} from '@dr/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectDataRobotHeaders, runDrOnTerminal, writeDrConfig } from '../datarobot/fixtures.ts';
import { type DrHome, makeDrHome, runDr } from '../support/run-dr.ts';

let repository: TemplateRepository;
let home: DrHome;
let fake: FakeDataRobot;

beforeAll(() => {
  repository = createTemplateRepository({ name: 'talk-to-my-data' });
});
afterAll(() => repository.cleanup());

beforeEach(async () => {
  home = makeDrHome();
  fake = await startFakeDataRobot({
    maxPageSize: 2,
    templates: [
      fakeTemplate(repository, {
        id: '65f0000000000000000000a1',
        name: 'Talk to My Data',
        description: 'Chat with data',
      }),
      fakeTemplate(repository, {
        id: '65f0000000000000000000a2',
        name: 'Agentic Starter',
        description: 'Agents',
      }),
      fakeTemplate(repository, {
        id: '65f0000000000000000000a3',
        name: 'Forecast App',
        description: 'Forecasts',
      }),
    ],
  });
  writeDrConfig(home, { endpoint: fake.endpoint, token: 'test-token' });
});
afterEach(async () => {
  await fake.close();
  home.cleanup();
});

describe('dr templates list', () => {
  it('lists every page as a table, with the DataRobot headers on each request', async () => {
    const result = await runDr(['templates', 'list'], { env: home.env });
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+DESCRIPTION$/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^65f0000000000000000000a1 {2}Talk to My Data {2}Chat with data$/),
      expect.stringMatching(/Agentic Starter/),
      expect.stringMatching(/Forecast App/),
    ]);
    expect(fake.requests.map((request) => request.path)).toEqual([
      '/api/v2/applicationTemplates/?limit=100',
      '/api/v2/applicationTemplates/?limit=100&offset=2',
    ]);
    for (const request of fake.requests) expectDataRobotHeaders(request);
  });

  it('prints JSON with --output-format json', async () => {
    const result = await runDr(['templates', 'list', '--output-format', 'json'], { env: home.env });
    expect(result.code).toBe(0);
    const { templates } = JSON.parse(result.stdout);
    expect(templates).toHaveLength(3);
    expect(templates[0]).toEqual({
      id: '65f0000000000000000000a1',
      name: 'Talk to My Data',
      description: 'Chat with data',
      repository: { url: repository.url, tag: repository.tag },
      tags: ['agent'],
    });
  });

  it('exits 3 on 401, 4 when a later page fails, and 4 when DataRobot cannot be reached', async () => {
    writeDrConfig(home, { endpoint: fake.endpoint, token: 'bad' });
    expect((await runDr(['templates', 'list'], { env: home.env })).code).toBe(3);
    writeDrConfig(home, { endpoint: fake.endpoint, token: 'test-token' });
    fake.enqueueAnswers(null, 500);
    const pageFailed = await runDr(['templates', 'list'], { env: home.env });
    expect(pageFailed.code).toBe(4);
    expect(pageFailed.stderr).toContain('500 Internal Server Error');
    expect(pageFailed.stdout).toBe('');
    await fake.setFault('refuse');
    expect((await runDr(['templates', 'list'], { env: home.env })).code).toBe(4);
  });
});

describe('dr templates clone', () => {
  it('clones the template named at its tag into a folder named after the repository', async () => {
    const result = await runDr(['templates', 'clone', 'talk to my data'], { env: home.env });
    expect(result.code).toBe(0);
    const target = join(home.dir, 'talk-to-my-data');
    expect(readFileSync(join(target, '.env.template'), 'utf8')).toContain('OPENAI_API_KEY=');
    expect(existsSync(join(target, repository.untaggedFile))).toBe(false);
    expect(result.stderr).toContain(`Cloned "Talk to My Data" into ${target}`);
  });

  it('clones by id into the folder given', async () => {
    const result = await runDr(['templates', 'clone', '65f0000000000000000000a2', 'my-app'], {
      env: home.env,
    });
    expect(result.code).toBe(0);
    expect(existsSync(join(home.dir, 'my-app', 'Taskfile.yml'))).toBe(true);
  });

  it('refuses an unknown template and a folder that is not empty', async () => {
    const unknown = await runDr(['templates', 'clone', 'nope'], { env: home.env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('dr templates list');
    mkdirSync(join(home.dir, 'taken'));
    writeFileSync(join(home.dir, 'taken', 'x'), '');
    const taken = await runDr(['templates', 'clone', 'Forecast App', 'taken'], { env: home.env });
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('already exists and is not empty');
  });

  it('says git is missing', async () => {
    const empty = join(home.dir, 'no-bin');
    mkdirSync(empty);
    const result = await runDr(['templates', 'clone', 'Forecast App'], { env: { ...home.env, PATH: empty } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('git is not installed');
  });
});

describe('dr templates setup', () => {
  it('needs a terminal and says what to run instead', async () => {
    const result = await runDr(['templates', 'setup'], { env: home.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('dr templates clone <id|name>');
  });

  it('picks, clones and fills .env on a terminal, masking secrets', async () => {
    const result = await runDrOnTerminal(['templates', 'setup'], {
      env: home.env,
      answers: [
        { when: /Pick a template \(1-3\): /, type: '1' },
        { when: /Folder to clone into \[talk-to-my-data\]: /, type: 'picked' },
        { when: /APP_NAME \(optional\) \[talk-to-my-data\]: /, type: '' },
        { when: /OPENAI_API_KEY: /, type: 'sk-very-secret' },
        { when: /FRONTEND_PORT \(optional\) \[8080\]: /, type: '' },
      ],
    });
    expect(result.code, result.output).toBe(0);
    expect(result.output).not.toContain('sk-very-secret');
    const dotenv = readFileSync(join(home.dir, 'picked', '.env'), 'utf8');
    expect(dotenv).toContain('OPENAI_API_KEY=sk-very-secret\n');
    expect(dotenv).toContain('DATAROBOT_API_TOKEN=test-token\n');
    expect(dotenv).toContain('FRONTEND_PORT=8080\n');
  });

  it('names the required keys left empty in a warning, and still succeeds', async () => {
    const result = await runDrOnTerminal(['templates', 'setup'], {
      env: home.env,
      answers: [
        { when: /Pick a template \(1-3\): /, type: '1' },
        { when: /Folder to clone into \[talk-to-my-data\]: /, type: 'later' },
        { when: /APP_NAME \(optional\) \[talk-to-my-data\]: /, type: '' },
        { when: /OPENAI_API_KEY: /, type: '' },
        { when: /FRONTEND_PORT \(optional\) \[8080\]: /, type: '' },
      ],
    });
    expect(result.code, result.output).toBe(0);
    expect(result.output.replace(/\r?\n/g, '')).toContain(
      `Warning: ${join(home.dir, 'later', '.env')} still needs a value for OPENAI_API_KEY: set it with \`dr dotenv edit\`.`,
    );
  });
});
