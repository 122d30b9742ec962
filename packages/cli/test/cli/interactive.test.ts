// Prompts need a person at a terminal: stdin to read the answer and stderr to show the
// question. With stdin on a pseudo-terminal but stderr redirected (`dr … 2>log`), no command
// asks: each does what it does without a terminal, at once.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TEMPLATE_FILES } from '@dr/testkit';
import { describe, expect, it, type TestContext } from 'vitest';
import { makeDrHome } from '../support/run-dr.ts';
import { runDrOnTerminal } from '../telemetry/support/telemetry-harness.ts';

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
