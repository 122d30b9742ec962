// Prompts need a person at a terminal: stdin to read the answer and stderr to show the
// question. With stdin on a pseudo-terminal but stderr redirected (`dr … 2>log`), no command
// asks: each does what it does without a terminal, at once. Nor does any when
// DATAROBOT_CLI_NON_INTERACTIVE says so, on a full terminal.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONSENT_PROMPT_QUESTION, FIRST_RUN_NOTICE_TEXT } from '@dr/shared';
import { DEFAULT_TEMPLATE_FILES, startFakeAmplitude } from '@dr/testkit';
import { describe, expect, it, type TestContext } from 'vitest';
import { makeDrHome } from '../support/run-dr.ts';
import { makeTelemetryHome, runDrOnTerminal } from '../telemetry/support/telemetry-harness.ts';

function home({ onTestFinished }: TestContext) {
  const made = makeDrHome();
  onTestFinished(() => made.cleanup());
  return made;
}

describe.concurrent('prompts with stderr redirected (stdin a terminal)', { timeout: 30_000 }, () => {
  it('dr auth set-url asks nothing and says how to give the URL', async (context) => {
    const { env } = home(context);
    const result = await runDrOnTerminal(['auth', 'set-url'], { env, stdinOnly: true });
    expect(result.code, result.terminal).toBe(2);
    expect(result.terminal).toContain('No terminal to ask on');
    expect(result.terminal).toContain('dr auth set-url <url>');
    expect(result.terminal).not.toContain('Choose your DataRobot environment');
  });

  it('dr dotenv setup asks nothing: template defaults, and the missing keys named', async (context) => {
    const { dir, env } = home(context);
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, '.env.template'), DEFAULT_TEMPLATE_FILES['.env.template']!);
    const result = await runDrOnTerminal(['dotenv', 'setup'], { env, stdinOnly: true });
    expect(result.code, result.terminal).toBe(1);
    expect(result.terminal).not.toContain('Setting up');
    expect(result.terminal).toContain('still needs a value for');
    expect(readFileSync(join(dir, '.env'), 'utf8')).toContain('FRONTEND_PORT=8080\n');
  });

  it('dr templates setup asks nothing and says what to run instead', async (context) => {
    const { env } = home(context);
    const result = await runDrOnTerminal(['templates', 'setup'], { env, stdinOnly: true });
    expect(result.code, result.terminal).toBe(2);
    expect(result.terminal).toContain('No terminal to ask on');
    expect(result.terminal).toContain('dr templates clone <id|name>');
  });
});

describe.concurrent('DATAROBOT_CLI_NON_INTERACTIVE on a terminal (the Go dr variable for automation)', {
  timeout: 30_000,
}, () => {
  it('dr auth set-url asks nothing and says why; dr dotenv setup asks nothing and only warns', async (context) => {
    const { dir, env } = home(context);
    const automated = { ...env, DATAROBOT_CLI_NON_INTERACTIVE: '1' };
    const setUrl = await runDrOnTerminal(['auth', 'set-url'], { env: automated });
    expect(setUrl.code, setUrl.terminal).toBe(2);
    expect(setUrl.terminal).toContain('DATAROBOT_CLI_NON_INTERACTIVE is set');
    expect(setUrl.terminal).not.toContain('Choose your DataRobot environment');
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, '.env.template'), DEFAULT_TEMPLATE_FILES['.env.template']!);
    const setup = await runDrOnTerminal(['dotenv', 'setup'], {
      env: { ...env, DATAROBOT_CLI_NON_INTERACTIVE: 'yes' },
    });
    expect(setup.code, setup.terminal).toBe(0);
    expect(setup.terminal).not.toContain('Setting up');
    expect(setup.terminal).toContain('Warning: ');
    expect(setup.terminal).toContain('still needs a value for');
  });

  it('shows the first-run notice instead of the consent prompt', async (context) => {
    const fake = await startFakeAmplitude();
    const made = makeTelemetryHome(fake);
    context.onTestFinished(async () => {
      made.cleanup();
      await fake.close();
    });
    const env = { ...made.telemetryEnv, DATAROBOT_CLI_NON_INTERACTIVE: 'true' };
    const result = await runDrOnTerminal(['self', 'version'], { env });
    expect(result.code, result.terminal).toBe(0);
    expect(result.terminal).not.toContain(CONSENT_PROMPT_QUESTION);
    expect(result.terminal).toContain(FIRST_RUN_NOTICE_TEXT);
  });

  it('is off when set to a false word: the prompt is asked', async (context) => {
    const { env } = home(context);
    const result = await runDrOnTerminal(['auth', 'set-url'], {
      env: { ...env, DATAROBOT_CLI_NON_INTERACTIVE: 'false' },
      waitFor: 'Choose your DataRobot environment',
      answer: '\u0003',
    });
    expect(result.terminal).toContain('Choose your DataRobot environment');
  });
});
