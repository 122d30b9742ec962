// What this build of dr is. The bundler (packages/cli/build.mjs) replaces __DR_BUILD__ with
// the real values; running from source (tests) falls back to a dev marker.
declare const __DR_BUILD__: BuildInfo | undefined;

export interface BuildInfo {
  readonly version: string;
  readonly commit: string;
  readonly buildDate: string;
  /** The Amplitude API key compiled in from DR_AMPLITUDE_API_KEY at build time ('' if none). */
  readonly amplitudeApiKey: string;
}

export const buildInfo: BuildInfo =
  typeof __DR_BUILD__ === 'undefined'
    ? { version: '0.0.0-dev', commit: 'unknown', buildDate: 'unknown', amplitudeApiKey: '' }
    : __DR_BUILD__;
