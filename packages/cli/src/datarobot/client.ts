// The one DataRobot API client of dr, on ky: the endpoint and token it is given, the headers of
// SPEC §4 on every request, a timeout (30 s, as the Go dr), no retries (a command fails fast and
// says why), and every failure turned into a DataRobotError with a one-line message.
import ky, { HTTPError, type KyInstance, TimeoutError } from 'ky';
import type { DataRobotEndpoint } from './endpoint.ts';
import { badResponse, type DataRobotError, errorForStatus, timedOut, unreachable } from './errors.ts';
import {
  apiConsumerTrackingEnabled,
  dataRobotHeaders,
  type TelemetryIds,
  TOKEN_CHECK_TRACE,
} from './request-headers.ts';
import { type TlsOptions, transportFor } from './transport.ts';

export const DEFAULT_TIMEOUT_MS = 30_000;
/** Pages followed at most when listing, so a server that always answers `next` cannot loop us. */
const MAX_PAGES = 1000;

export interface DataRobotClientOptions {
  readonly endpoint: DataRobotEndpoint;
  /** The API token; requests go without Authorization when undefined. */
  readonly token: string | undefined;
  /** Given only when telemetry is on: adds the session and device headers. */
  readonly telemetry?: TelemetryIds | undefined;
  readonly tls?: TlsOptions;
  /** X-DataRobot-Api-Consumer-Trace of the command (apiConsumerTrace); `datarobot.cli` when not given. */
  readonly apiConsumerTrace?: string;
  readonly env: NodeJS.ProcessEnv;
  /** Default: DR_HTTP_TIMEOUT_MS from the environment, else 30 s. */
  readonly timeoutMs?: number;
}

/** `GET /api/v2/version/`. */
export interface DataRobotVersion {
  readonly major?: number;
  readonly minor?: number;
  readonly versionString?: string;
  readonly releasedVersion?: string;
}

/** `GET /api/v2/account/info/`: only what dr uses. `uid` is the user id; the email is never kept. */
export interface AccountInfo {
  readonly uid: string;
  readonly username?: string;
}

interface Page<T> {
  readonly data: readonly T[];
  readonly next?: string | null;
}

export class DataRobotClient {
  private constructor(
    private readonly http: KyInstance,
    readonly endpoint: DataRobotEndpoint,
    private readonly timeoutMs: number,
    /** Whether requests carry the X-DataRobot-Api-Consumer* headers. */
    private readonly consumerTracking: boolean,
  ) {}

  static async create(options: DataRobotClientOptions): Promise<DataRobotClient> {
    const transport = await transportFor(options.tls ?? {}, options.env);
    const timeoutMs = options.timeoutMs ?? timeoutFrom(options.env);
    const tracking = apiConsumerTrackingEnabled(options.env);
    const http = ky.create({
      headers: {
        ...dataRobotHeaders(options.telemetry, {}, { trace: options.apiConsumerTrace, tracking }),
        Accept: 'application/json',
        ...(options.token === undefined ? {} : { Authorization: `Bearer ${options.token}` }),
      },
      timeout: timeoutMs,
      retry: 0,
      // A redirect could carry the token to a host nobody configured.
      redirect: 'manual',
      // ky hands options it does not know (dispatcher) to fetch itself.
      ...(transport.dispatcher === undefined ? {} : { dispatcher: transport.dispatcher as never }),
    });
    return new DataRobotClient(http, options.endpoint, timeoutMs, tracking);
  }

  /** GET a path under the API URL (`version/`) and parse its JSON. `what` names it in errors. */
  async getJson<T>(
    path: string,
    what: string,
    searchParams?: Record<string, string | number>,
    headers?: Record<string, string>,
  ): Promise<T> {
    const url = new URL(`${this.endpoint.apiUrl}/${path.replace(/^\//, '')}`);
    for (const [name, value] of Object.entries(searchParams ?? {})) url.searchParams.set(name, String(value));
    return this.fetchJson<T>(url, what, headers);
  }

  /**
   * Checks the token: resolves when DataRobot accepts it, rejects with DATAROBOT_AUTH_REJECTED when
   * not. Traced as the Go dr traces its token check, whatever the command.
   */
  version(): Promise<DataRobotVersion> {
    const trace = this.consumerTracking ? { 'X-DataRobot-Api-Consumer-Trace': TOKEN_CHECK_TRACE } : undefined;
    return this.getJson<DataRobotVersion>('version/', 'the API version', undefined, trace);
  }

  async accountInfo(): Promise<AccountInfo> {
    const info = await this.getJson<{ uid?: unknown; username?: unknown }>('account/info/', 'the account');
    if (typeof info.uid !== 'string' || info.uid === '')
      throw badResponse(this.endpoint.baseUrl, 'the account');
    return { uid: info.uid, ...(typeof info.username === 'string' ? { username: info.username } : {}) };
  }

  /**
   * Every item of a paginated list, following `next`. Only the path and query of `next` are
   * used, on this client's own base URL: the token never goes to another host, and an
   * installation behind a TLS-terminating proxy that writes `http://` links still works.
   */
  async getAllPages<T>(
    path: string,
    what: string,
    searchParams?: Record<string, string | number>,
  ): Promise<T[]> {
    const items: T[] = [];
    let url: URL | undefined = new URL(`${this.endpoint.apiUrl}/${path.replace(/^\//, '')}`);
    for (const [name, value] of Object.entries(searchParams ?? {})) url.searchParams.set(name, String(value));
    for (let pages = 0; url !== undefined && pages < MAX_PAGES; pages++) {
      const page: Page<T> = await this.fetchJson<Page<T>>(url, what);
      if (!Array.isArray(page.data)) throw badResponse(this.endpoint.baseUrl, what);
      items.push(...page.data);
      url = this.nextPageUrl(page.next, url);
    }
    return items;
  }

  private nextPageUrl(next: string | null | undefined, current: URL): URL | undefined {
    if (typeof next !== 'string' || next === '') return undefined;
    let link: URL;
    try {
      link = new URL(next, current);
    } catch {
      return undefined;
    }
    const url = new URL(`${link.pathname}${link.search}`, this.endpoint.baseUrl);
    return url.href === current.href ? undefined : url;
  }

  private async fetchJson<T>(url: URL, what: string, headers?: Record<string, string>): Promise<T> {
    const { baseUrl } = this.endpoint;
    let response: Response;
    try {
      response = await this.http.get(url, headers === undefined ? undefined : { headers });
    } catch (error) {
      throw this.failure(error, what);
    }
    if (response.status >= 300) throw errorForStatus(response.status, baseUrl, what);
    try {
      return (await response.json()) as T;
    } catch (error) {
      throw error instanceof TimeoutError || (error instanceof Error && error.name === 'TimeoutError')
        ? timedOut(baseUrl, this.timeoutMs, error)
        : badResponse(baseUrl, what, error);
    }
  }

  private failure(error: unknown, what: string): DataRobotError {
    const { baseUrl } = this.endpoint;
    if (error instanceof HTTPError) return errorForStatus(error.response.status, baseUrl, what);
    if (error instanceof TimeoutError || (error instanceof Error && error.name === 'TimeoutError'))
      return timedOut(baseUrl, this.timeoutMs, error);
    return unreachable(baseUrl, error);
  }
}

function timeoutFrom(env: NodeJS.ProcessEnv): number {
  const value = Number(env.DR_HTTP_TIMEOUT_MS);
  return Number.isSafeInteger(value) && value > 0 ? value : DEFAULT_TIMEOUT_MS;
}
