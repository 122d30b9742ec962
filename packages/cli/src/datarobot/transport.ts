// How requests to DataRobot leave the machine: directly with fetch, through the proxy @dr/shared's
// proxyFor picks (the rule the drainer follows too), and with the TLS options --ca-cert and
// --skip-certificate-check, through an undici dispatcher imported only when one of them is set.
import { readFileSync } from 'node:fs';
import { DrError, ExitCode, proxyFor, proxySettings } from '@dr/shared';

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

export async function transportFor(tls: TlsOptions, env: NodeJS.ProcessEnv): Promise<Transport> {
  const ca = tls.caCertFile === undefined ? undefined : readCaFile(tls.caCertFile);
  const skip = tls.skipCertificateCheck === true;
  const proxy = proxySettings(env);
  const proxied = proxy.httpsProxy !== undefined || proxy.httpProxy !== undefined;
  if (!proxied && ca === undefined && !skip) return {};

  const connect = { ...(ca === undefined ? {} : { ca }), ...(skip ? { rejectUnauthorized: false } : {}) };
  // undici is CommonJS: its exports object is the default export both under Node and in the
  // bundle (where esbuild gives a split-off CommonJS chunk no named exports).
  const { Agent, Pool, ProxyAgent } = (await import('undici')).default;
  // One pool per origin, as undici's Agent keeps; an origin the rule proxies gets a ProxyAgent.
  const dispatcher = new Agent({
    connect,
    factory: (origin, options) => {
      const via = proxyFor(new URL(origin), proxy);
      return via === undefined
        ? new Pool(origin, options)
        : new ProxyAgent({ uri: via.href, connect, requestTls: connect });
    },
  });
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
