// Where events go: the Amplitude base URL for a region, or DR_TELEMETRY_ENDPOINT. An accepted base
// is `https://` (`http://` on a loopback host only), with no credentials, query, fragment or
// trailing slash, so the API path is appended as is.
import { DrError, ExitCode } from '@dr/shared';

export type AmplitudeRegion = 'us' | 'eu';
export type AmplitudeApi = 'httpapi' | 'batch';

export const AMPLITUDE_BASES: Readonly<Record<AmplitudeRegion, string>> = {
  us: 'https://api2.amplitude.com',
  eu: 'https://api.eu.amplitude.com',
};

/** DR_TELEMETRY_ENDPOINT holds a value dr will not send events to. */
export class TelemetryEndpointError extends DrError {
  constructor(message: string) {
    super('TELEMETRY_ENDPOINT_INVALID', message, { exitCode: ExitCode.config });
    this.name = 'TelemetryEndpointError';
  }
}

/**
 * The base URL to send to: `value` (DR_TELEMETRY_ENDPOINT) when set and non-empty, else the
 * region's Amplitude base. Throws TelemetryEndpointError for anything but https, or http on a
 * loopback host (127.0.0.0/8, localhost, [::1]).
 */
export function resolveEndpoint(value: string | undefined, region: AmplitudeRegion = 'us'): string {
  const trimmed = value?.trim();
  if (trimmed === undefined || trimmed === '') return AMPLITUDE_BASES[region];
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw invalid('is not a URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw invalid('must start with https:// (http:// is allowed only for 127.0.0.1, localhost or [::1])');
  }
  if (url.username !== '' || url.password !== '') throw invalid('must not contain a user name or password');
  if (url.search !== '' || url.hash !== '') throw invalid('must not contain a query or a fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** The full URL of one Amplitude ingestion API under a base returned by resolveEndpoint. */
export function apiUrl(base: string, api: AmplitudeApi): string {
  return api === 'httpapi' ? `${base}/2/httpapi` : `${base}/batch`;
}

/** True for the hosts of this machine only; the WHATWG URL parser has already canonicalised IPv4. */
export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

function invalid(why: string): TelemetryEndpointError {
  return new TelemetryEndpointError(
    `DR_TELEMETRY_ENDPOINT ${why}; fix or unset it to send telemetry to Amplitude.`,
  );
}
