// otelhub's own version, from package.json. The sources sit one folder below it and the compiled files in dist/
// two, so look in both places rather than assume one layout.
import { readFileSync } from 'node:fs';

let version: string | undefined;

export function otelhubVersion(): string {
  version ??= read();
  return version;
}

function read(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'otelhub' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // Not this level: try the next.
    }
  }
  throw new Error('otelhub: cannot find its package.json');
}

/**
 * The User-Agent otelhub's exporters send, in the form the Collector's otlp_grpc and otlp_http exporters use
 * (`<description>/<version> (<GOOS>/<GOARCH>)`, e.g. `OpenTelemetry Collector Contrib/0.147.0 (linux/amd64)`):
 * `otelhub/0.1.0 (linux/x64)`, Node's names for the platform and architecture.
 */
export function otelhubUserAgent(): string {
  return `otelhub/${otelhubVersion()} (${process.platform}/${process.arch})`;
}
