// Structured logs: one JSON object a line (or a readable line with `encoding: console`), on stderr by default.
import { redactUrlCredentials } from './redact-url.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
  enabled(level: LogLevel): boolean;
}

export interface LogSink {
  write(line: string): unknown;
}

export interface LoggerOptions {
  level?: LogLevel;
  encoding?: 'json' | 'console';
  sink?: LogSink;
  /**
   * Applied to every string of every line, after URL passwords are redacted: the hub passes one that shows the
   * values of the config's environment variables as their `${env:NAME}` references.
   */
  scrub?: (text: string) => string;
}

type Replacer = (this: Record<string, unknown>, key: string, v: unknown) => unknown;

/** A field holding milliseconds: `retry_in_ms`, `interval_ms`, `elapsedMs`. */
const MILLISECONDS = /(?:_ms|Ms)$/;

// Milliseconds are logged whole: a jittered backoff read `5037.591074630706`, precision nobody can use.
// `this[key]` is the value before toJSON ran (a Buffer's toJSON would otherwise turn it into a list of numbers).
// Every string is cleaned: an error quoting a URL with a password, or an environment value, must not be logged.
function replacerWith(clean: (text: string) => string): Replacer {
  return function replacer(this: Record<string, unknown>, key: string, v: unknown): unknown {
    if (typeof v === 'number' && MILLISECONDS.test(key)) return Math.round(v);
    const raw = this[key];
    if (typeof v === 'string') return clean(v);
    if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('hex');
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Error) return { message: clean(v.message), name: v.name };
    return v;
  };
}

interface Output {
  level: LogLevel;
  encoding: 'json' | 'console';
  sink: LogSink;
  clean: (text: string) => string;
  replacer: Replacer;
}

class StructuredLogger implements Logger {
  constructor(
    private readonly opts: Output,
    private readonly fields: LogFields,
  ) {}

  enabled(level: LogLevel): boolean {
    return RANK[level] >= RANK[this.opts.level];
  }

  private log(level: LogLevel, msg: string, fields?: LogFields): void {
    if (!this.enabled(level)) return;
    const ts = new Date().toISOString();
    const all = { ...this.fields, ...fields };
    if (this.opts.encoding === 'json') {
      // Fields never override the line's own ts, level and msg.
      const line: LogFields = { ts, level, msg };
      Object.assign(line, all, { ts, level, msg });
      this.opts.sink.write(JSON.stringify(line, this.opts.replacer) + '\n');
    } else {
      const extra = Object.keys(all).length ? ' ' + JSON.stringify(all, this.opts.replacer) : '';
      this.opts.sink.write(`${ts}\t${level}\t${this.opts.clean(msg)}${extra}\n`);
    }
  }

  debug(msg: string, fields?: LogFields): void {
    this.log('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.log('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.log('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.log('error', msg, fields);
  }
  child(fields: LogFields): Logger {
    return new StructuredLogger(this.opts, { ...this.fields, ...fields });
  }
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const scrub = opts.scrub;
  const clean = scrub ? (text: string) => scrub(redactUrlCredentials(text)) : redactUrlCredentials;
  return new StructuredLogger(
    {
      level: opts.level ?? 'info',
      encoding: opts.encoding ?? 'json',
      sink: opts.sink ?? process.stderr,
      clean,
      replacer: replacerWith(clean),
    },
    {},
  );
}

/** A logger that keeps its lines in memory, for tests. */
export function memoryLogger(level: LogLevel = 'debug'): Logger & { lines: LogFields[] } {
  const lines: LogFields[] = [];
  const logger = createLogger({ level, sink: { write: (l: string) => lines.push(JSON.parse(l) as LogFields) } });
  return Object.assign(logger, { lines });
}

/** A logger that writes nothing. */
export const nopLogger: Logger = createLogger({ level: 'error', sink: { write: () => true } });
