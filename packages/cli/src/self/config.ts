// What `dr self config` prints: the settings dr uses and where each comes from, secrets
// redacted. Loaded only when that command runs (it needs the YAML parser).

import { loadUserConfig, redactSecret, resolveDataRobotSettings } from '../config/settings.ts';
import type { CommandIO } from '../datarobot/command-io.ts';

export function showConfig(io: CommandIO, outputFormat: 'text' | 'json'): number {
  const { env, stdout } = io;
  const { paths, config } = loadUserConfig(io.configFlag, env);
  const settings = resolveDataRobotSettings(config, env);
  const telemetryEnabled = config.telemetry?.enabled;
  const report = {
    config_file: paths.configFile,
    endpoint: { value: settings.endpoint.value ?? null, source: settings.endpoint.source },
    token: { value: redactSecret(settings.token.value) ?? null, source: settings.token.source },
    telemetry_enabled: {
      value: typeof telemetryEnabled === 'boolean' ? telemetryEnabled : null,
      source: typeof telemetryEnabled === 'boolean' ? 'config' : 'unset',
    },
  };
  if (outputFormat === 'json') {
    stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  const row = (name: string, value: unknown, source: string) =>
    `${name.padEnd(18)}${value === null ? '(not set)' : String(value)}${source === 'unset' ? '' : `  [${source}]`}\n`;
  stdout.write(
    row('config file', report.config_file, 'unset') +
      row('endpoint', report.endpoint.value, report.endpoint.source) +
      row('token', report.token.value, report.token.source) +
      row('telemetry enabled', report.telemetry_enabled.value, report.telemetry_enabled.source),
  );
  return 0;
}
