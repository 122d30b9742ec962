// What can go wrong talking to DataRobot, each one line that says what to do, with a stable code
// and exit code: 3 credentials (missing, rejected, forbidden), 4 DataRobot or the network to it
// (404, 5xx, timeouts, TLS), 5 local configuration (no URL, an unreadable CA file).
import { DrError, ExitCode } from '@dr/shared';

export class DataRobotError extends DrError {
  /** The HTTP status DataRobot answered, when it answered. */
  readonly status: number | undefined;

  constructor(
    code: string,
    message: string,
    options: { exitCode: number; status?: number; cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'DataRobotError';
    this.status = options.status;
  }
}

export function endpointMissing(): DataRobotError {
  return new DataRobotError(
    'DATAROBOT_ENDPOINT_MISSING',
    'No DataRobot URL is configured: run `dr auth set-url` (or set DATAROBOT_ENDPOINT).',
    { exitCode: ExitCode.config },
  );
}

export function tokenMissing(): DataRobotError {
  return new DataRobotError(
    'DATAROBOT_AUTH_MISSING',
    'Not logged in to DataRobot: run `dr auth login` (or set DATAROBOT_API_TOKEN).',
    { exitCode: ExitCode.auth },
  );
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The error for an HTTP answer that is not a success. `what` names the resource, e.g. 'the templates'. */
export function errorForStatus(status: number, baseUrl: string, what: string): DataRobotError {
  const answered = `${status}${REASONS[status] ? ` ${REASONS[status]}` : ''}`;
  if (status === 401) {
    return new DataRobotError(
      'DATAROBOT_AUTH_REJECTED',
      `DataRobot at ${baseUrl} rejected the API token (${answered}): run \`dr auth login\` to log in again.`,
      { exitCode: ExitCode.auth, status },
    );
  }
  if (status === 403) {
    return new DataRobotError(
      'DATAROBOT_FORBIDDEN',
      `DataRobot at ${baseUrl} refused access to ${what} (${answered}): check that your account may use it, or run \`dr auth login\` with another account.`,
      { exitCode: ExitCode.auth, status },
    );
  }
  if (status === 404) {
    return new DataRobotError(
      'DATAROBOT_NOT_FOUND',
      `DataRobot at ${baseUrl} has no ${what} (${answered}): check the URL with \`dr auth set-url\`.`,
      { exitCode: ExitCode.network, status },
    );
  }
  if (status >= 500) {
    return new DataRobotError(
      'DATAROBOT_SERVER_ERROR',
      `DataRobot at ${baseUrl} failed while answering for ${what} (${answered}): try again later.`,
      { exitCode: ExitCode.network, status },
    );
  }
  return new DataRobotError(
    'DATAROBOT_HTTP_ERROR',
    `DataRobot at ${baseUrl} answered ${answered} for ${what}: try again later, or run with --debug for details.`,
    { exitCode: ExitCode.network, status },
  );
}

export function timedOut(baseUrl: string, timeoutMs: number, cause: unknown): DataRobotError {
  const seconds = Math.round(timeoutMs / 100) / 10;
  return new DataRobotError(
    'DATAROBOT_TIMEOUT',
    `DataRobot at ${baseUrl} did not answer within ${seconds} s: check your network and try again.`,
    { exitCode: ExitCode.network, cause },
  );
}

const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The error for a request that got no HTTP answer: refused, unknown host, reset, TLS. */
export function unreachable(baseUrl: string, cause: unknown, note?: string): DataRobotError {
  const code = systemErrorCode(cause);
  if (code !== undefined && CERTIFICATE_CODES.has(code)) {
    return new DataRobotError(
      'DATAROBOT_TLS_CERTIFICATE',
      `Cannot verify the TLS certificate of ${baseUrl} (${code}): pass --ca-cert <file> to trust your organization's CA, or --skip-certificate-check.`,
      { exitCode: ExitCode.network, cause },
    );
  }
  return new DataRobotError(
    'DATAROBOT_UNREACHABLE',
    `Cannot reach DataRobot at ${baseUrl}${code ? ` (${code})` : ''}: check the URL (\`dr auth set-url\`) and your network${note ? `; ${note}` : ''}.`,
    { exitCode: ExitCode.network, cause },
  );
}

export function badResponse(baseUrl: string, what: string, cause?: unknown): DataRobotError {
  return new DataRobotError(
    'DATAROBOT_BAD_RESPONSE',
    `DataRobot at ${baseUrl} sent an answer for ${what} that dr cannot read: check the URL with \`dr auth set-url\`.`,
    { exitCode: ExitCode.network, cause },
  );
}

/** fetch says "fetch failed" and keeps the system error (ECONNREFUSED, a TLS code) in `cause`. */
function systemErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
    current = current.cause;
  }
  return undefined;
}
