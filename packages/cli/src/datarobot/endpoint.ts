// DataRobot URLs as the Go dr reads and stores them: the installation is its scheme and host
// (`https://app.datarobot.com`), the API lives under `/api/v2`, and drconfig.yaml and
// DATAROBOT_ENDPOINT hold the API URL. The shortcuts 1, 2 and 3 name the US, EU and JP clouds.
import { DrError, ExitCode } from '@dr/shared';

export interface DataRobotEndpoint {
  /** Scheme, host and port, no trailing slash: `https://app.datarobot.com`. */
  readonly baseUrl: string;
  /** `${baseUrl}/api/v2`: what is stored as `endpoint`. */
  readonly apiUrl: string;
}

export const API_PATH = '/api/v2';

export const CLOUD_URLS = {
  '1': 'https://app.datarobot.com',
  '2': 'https://app.eu.datarobot.com',
  '3': 'https://app.jp.datarobot.com',
} as const;

/** The endpoint of a URL, or undefined if it is not an http(s) URL with a host. Any path is dropped. */
export function parseEndpoint(text: string): DataRobotEndpoint | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || /\s/.test(trimmed)) return undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.hostname === '' || url.username !== '' || url.password !== '') return undefined;
  const baseUrl = url.origin;
  return { baseUrl, apiUrl: `${baseUrl}${API_PATH}` };
}

/** The endpoint of a configured value (drconfig.yaml or DATAROBOT_ENDPOINT); a bad value is a config error. */
export function endpointFromSetting(value: string, origin: string): DataRobotEndpoint {
  const endpoint = parseEndpoint(value);
  if (endpoint === undefined) {
    throw new DrError(
      'DATAROBOT_ENDPOINT_INVALID',
      `The DataRobot URL in ${origin} is not an http(s) URL: fix it with \`dr auth set-url\`.`,
      { exitCode: ExitCode.config },
    );
  }
  return endpoint;
}

/** What a person typed for `dr auth set-url` or `dr auth login`: 1, 2, 3 or a URL. */
export function endpointFromUserInput(text: string): DataRobotEndpoint {
  const trimmed = text.trim();
  const shortcut = Object.hasOwn(CLOUD_URLS, trimmed)
    ? CLOUD_URLS[trimmed as keyof typeof CLOUD_URLS]
    : undefined;
  const endpoint = parseEndpoint(shortcut ?? trimmed);
  if (endpoint === undefined) {
    throw new DrError(
      'INVALID_URL',
      'Invalid DataRobot URL: give 1 (US cloud), 2 (EU cloud), 3 (Japan cloud) or the http(s) URL of your installation, e.g. https://datarobot.example.com.',
      { exitCode: ExitCode.usage },
    );
  }
  return endpoint;
}
