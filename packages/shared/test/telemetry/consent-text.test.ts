import { describe, expect, it } from 'vitest';
import {
  CONSENT_PROMPT_QUESTION,
  CONSENT_PROMPT_TEXT,
  CONSENT_PROMPT_VERSION,
  FIRST_RUN_NOTICE_TEXT,
  TELEMETRY_INFO_TEXT,
} from '../../src/telemetry/consent-text.ts';

const OPT_OUTS = ['dr self telemetry disable', 'DO_NOT_TRACK=1', '--disable-telemetry'];

describe('consent text', () => {
  it('is at prompt version 1', () => {
    expect(CONSENT_PROMPT_VERSION).toBe(1);
  });

  it.each([
    ['the prompt', CONSENT_PROMPT_TEXT],
    ['the notice', FIRST_RUN_NOTICE_TEXT],
    ['the info text', TELEMETRY_INFO_TEXT],
  ])('%s says how to opt out every way', (_name, text) => {
    for (const optOut of OPT_OUTS) expect(text).toContain(optOut);
  });

  it('says what is collected and what never is', () => {
    for (const text of [CONSENT_PROMPT_TEXT, TELEMETRY_INFO_TEXT]) {
      expect(text).toMatch(/collects:|is collected:/);
      expect(text).toMatch(/never collects:|is never collected:/);
      for (const never of ['tokens', 'paths', 'email']) expect(text).toContain(never);
    }
  });

  it('tells the non-interactive user that this run recorded nothing', () => {
    expect(FIRST_RUN_NOTICE_TEXT).toContain('Nothing was recorded in this run');
    expect(FIRST_RUN_NOTICE_TEXT).not.toContain('\n');
  });

  it('asks a yes/no question and leaves drawing to the CLI', () => {
    expect(CONSENT_PROMPT_QUESTION).toMatch(/\?$/);
    for (const text of [CONSENT_PROMPT_TEXT, FIRST_RUN_NOTICE_TEXT, TELEMETRY_INFO_TEXT]) {
      expect(text).not.toMatch(/\u001b\[/);
      expect(text).not.toMatch(/[┌┐└┘│─]/);
    }
  });
});
