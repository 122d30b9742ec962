// One fake Amplitude and one home with telemetry enabled and pointed at it, for a whole test file:
// started before its tests, and torn down after them (drainers of the home killed, files removed).
import { type FakeAmplitude, startFakeAmplitude } from '@dr/testkit';
import { afterAll, beforeAll } from 'vitest';
import {
  CONFIG_ENABLED,
  makeTelemetryHome,
  type TelemetryHome,
} from '../../telemetry/support/telemetry-harness.ts';

export interface EnabledHome {
  readonly fake: FakeAmplitude;
  readonly home: TelemetryHome;
}

/** Registers the file's beforeAll and afterAll; read `fake` and `home` inside tests only. */
export function useEnabledHome(): EnabledHome {
  let fake: FakeAmplitude | undefined;
  let home: TelemetryHome | undefined;
  beforeAll(async () => {
    fake = await startFakeAmplitude();
    home = makeTelemetryHome(fake);
    home.writeConfig(CONFIG_ENABLED);
  });
  afterAll(async () => {
    home?.cleanup();
    await fake?.close();
  });
  return {
    get fake() {
      if (fake === undefined) throw new Error('The fake Amplitude starts in beforeAll.');
      return fake;
    },
    get home() {
      if (home === undefined) throw new Error('The home is made in beforeAll.');
      return home;
    },
  };
}
