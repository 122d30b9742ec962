// A local fake of the npm registry's read API, enough for `dr self update` and for npm or pnpm to
// install what it serves: a package's document, its latest version, tarballs. Every request path
// is recorded; a tarball is served with its sha512 integrity, so npm verifies it.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PackageManifest {
  readonly name: string;
  readonly version: string;
  readonly [field: string]: unknown;
}

export interface FakeNpmRegistry {
  /** Base URL, e.g. `http://127.0.0.1:43121`. */
  readonly url: string;
  /** The path of every request, in order. */
  readonly requests: readonly string[];
  /** Publishes a version (with the tarball npm pack made of it, if it is to be installed); it becomes latest. */
  publish(manifest: PackageManifest, tarball?: Buffer): void;
  /** Answers every request with this status and JSON body instead (undefined: back to normal). */
  answerAll(answer: { readonly status: number; readonly body: unknown } | undefined): void;
  close(): Promise<void>;
}

interface Published {
  latest: string;
  readonly versions: Map<string, { manifest: PackageManifest; tarball: Buffer | undefined }>;
}

export async function startFakeNpmRegistry(): Promise<FakeNpmRegistry> {
  const packages = new Map<string, Published>();
  const requests: string[] = [];
  let override: { readonly status: number; readonly body: unknown } | undefined;
  let url = '';

  const tarballPath = (name: string, version: string) =>
    `/-/tarballs/${encodeURIComponent(name)}/${version}.tgz`;
  const versionDocument = (manifest: PackageManifest, tarball: Buffer | undefined) => ({
    ...manifest,
    dist:
      tarball === undefined
        ? {}
        : {
            tarball: `${url}${tarballPath(manifest.name, manifest.version)}`,
            integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
            shasum: createHash('sha1').update(tarball).digest('hex'),
          },
  });

  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    requests.push(path);
    const send = (status: number, body: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (override !== undefined) return send(override.status, override.body);
    const tarball = /^\/-\/tarballs\/([^/]+)\/(.+)\.tgz$/.exec(path);
    if (tarball) {
      const bytes = packages.get(decodeURIComponent(tarball[1]!))?.versions.get(tarball[2]!)?.tarball;
      if (bytes === undefined) return send(404, { error: 'Not found' });
      return response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes);
    }
    const words = decodeURIComponent(path).slice(1).split('/');
    const scoped = words[0]?.startsWith('@') === true;
    const name = scoped ? words.slice(0, 2).join('/') : words[0]!;
    const rest = words.slice(scoped ? 2 : 1);
    const published = packages.get(name);
    if (published === undefined || rest.length > 1) return send(404, { error: 'Not found' });
    if (rest.length === 1) {
      const version = rest[0] === 'latest' ? published.latest : rest[0]!;
      const found = published.versions.get(version);
      return found === undefined
        ? send(404, { error: 'Not found' })
        : send(200, versionDocument(found.manifest, found.tarball));
    }
    return send(200, {
      name,
      'dist-tags': { latest: published.latest },
      versions: Object.fromEntries(
        [...published.versions].map(([version, { manifest, tarball: bytes }]) => [
          version,
          versionDocument(manifest, bytes),
        ]),
      ),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    publish(manifest, tarball) {
      const published = packages.get(manifest.name) ?? { latest: manifest.version, versions: new Map() };
      published.versions.set(manifest.version, { manifest, tarball });
      published.latest = manifest.version;
      packages.set(manifest.name, published);
    },
    answerAll(answer) {
      override = answer;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
