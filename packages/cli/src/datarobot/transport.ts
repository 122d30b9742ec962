// How requests to DataRobot leave the machine: directly with fetch, through the proxy the
// environment names (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, either case), and with the TLS options
// --ca-cert (trust this CA too) and --skip-certificate-check. Both go through an undici
// dispatcher; undici is imported only when a proxy or a TLS option is set, so a plain run
// never pays for loading it.
import { readFileSync } from 'node:fs';
import { DrError, ExitCode } from '@dr/shared';

export interface TlsOptions {
  /** --skip-certificate-check: accept any certificate (insecure; for test installations). */
  readonly skipCertificateCheck?: boolean;
  /** --ca-cert: a PEM file of CA certificates to trust besides the system ones. */
  readonly caCertFile?: string | undefined;
}

export interface Transport {
  /** An undici dispatcher to hand to fetch; none means fetch's default. */
  readonly dispatcher?: object;
}

const PROXY_NAMES = ['HTTPS_PROXY', 'HTTP_PROXY'] as const;

/** The proxy settings of `env`; curl's rule: the lower-case spelling wins when both are set. */
export function proxySettings(env: NodeJS.ProcessEnv) {
  const pick = (name: string) => nonEmpty(env[name.toLowerCase()]) ?? nonEmpty(env[name]);
  const [httpsProxy, httpProxy] = PROXY_NAMES.map(pick);
  return { httpsProxy, httpProxy, noProxy: pick('NO_PROXY') };
}

export async function transportFor(tls: TlsOptions, env: NodeJS.ProcessEnv): Promise<Transport> {
  const ca = tls.caCertFile === undefined ? undefined : readCaFile(tls.caCertFile);
  const skip = tls.skipCertificateCheck === true;
  const proxy = proxySettings(env);
  const proxied = proxy.httpsProxy !== undefined || proxy.httpProxy !== undefined;
  if (!proxied && ca === undefined && !skip) return {};

  const connect = { ...(ca === undefined ? {} : { ca }), ...(skip ? { rejectUnauthorized: false } : {}) };
  // undici is CommonJS: its exports object is the default export both under Node and in the
  // bundle (where esbuild gives a split-off CommonJS chunk no named exports). undici's typing of
  // that default leaves EnvHttpProxyAgent out, hence the cast to the module's full type.
  const undici = (await import('undici')).default as unknown as typeof import('undici');
  const { Agent, EnvHttpProxyAgent } = undici;
  const dispatcher = proxied
    ? new EnvHttpProxyAgent({
        httpProxy: proxy.httpProxy ?? '',
        httpsProxy: proxy.httpsProxy ?? '',
        noProxy: proxy.noProxy ?? '',
        connect,
        requestTls: connect,
      })
    : new Agent({ connect });
  return { dispatcher };
}

function readCaFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new DrError(
      'CA_CERT_UNREADABLE',
      `Cannot read the CA certificate file ${file} (${code}): check --ca-cert.`,
      {
        exitCode: ExitCode.config,
        cause: error,
      },
    );
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
