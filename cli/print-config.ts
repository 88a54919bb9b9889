// `otelhub print-config`: the YAML the hub would run with the same arguments and environment. A config given as text
// (the embedded default, drop-in mode) is printed as it is, comments included, unless --set changes it; config files
// and URIs are printed as the merged document the hub runs: `${env:...}`, `${file:...}` expanded (the files alone cannot show what several merge into) and
// values their component marks sensitive redacted, since the output ends up in terminals, tickets and files. Either
// way --log-level, which the hub applies over service.telemetry.logs.level, is written into the printed level.
import { isScalar, parseDocument } from 'yaml';
import type { LogLevel } from '../core/logger.ts';
import { ConfigError } from '../config/issues.ts';
import type { HubOptions } from './hub.ts';
import { loadHubConfig } from './hub.ts';
import { LEVEL_PATH, mergedText } from './merged-config.ts';

/**
 * `text` with service.telemetry.logs.level set to `level`. Where the level is a block value on its own line (the
 * drop-in config) only that value and its comment change, keeping every other comment and alignment; otherwise it is
 * set through the YAML document, which keeps comments but re-renders the layout.
 */
function withLogLevel(text: string, level: LogLevel): string {
  const doc = parseDocument(text);
  const node = doc.getIn(LEVEL_PATH, true);
  if (isScalar(node) && node.range) {
    const [start, end] = node.range;
    const eol = text.indexOf('\n', end);
    const lineEnd = eol < 0 ? text.length : eol;
    const rest = text.slice(end, lineEnd);
    if (/^\s*(#.*)?$/.test(rest)) {
      const commentAt = rest.indexOf('#') < 0 ? 0 : end - start + rest.indexOf('#');
      return `${text.slice(0, start)}${level.padEnd(Math.max(commentAt, level.length + 2))}# --log-level${text.slice(lineEnd)}`;
    }
  }
  doc.setIn(LEVEL_PATH, level);
  return `# service.telemetry.logs.level: --log-level\n${String(doc)}`;
}

/** The text `otelhub` would run with `opts`; throws ConfigError when it would refuse to. */
export async function printConfig(opts: HubOptions): Promise<string> {
  const r = await loadHubConfig(opts);
  if (!r.config || !r.loaded) throw new ConfigError(r.issues);
  if (opts.configText && (opts.sets ?? []).length === 0) {
    return opts.logLevel ? withLogLevel(opts.configText.text, opts.logLevel) : opts.configText.text;
  }
  return mergedText(r.loaded, r.registry, opts);
}
