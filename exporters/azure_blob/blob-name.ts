// Blob names as the Collector's exporter makes them: the signal's format, its template actions run on the request's
// data when template_enabled (blob-template.ts), read as a Go time layout (all of it, or
// only time_parser_ranges), the compression's extension appended, then `_<serial>` with a random serial number in
// [0, serial_num_range), after the whole name or before its extension.
import { extname } from 'node:path/posix';
import type { Logger } from '../../core/logger.ts';
import type { PipelineType, SignalDataMap } from '../../core/pdata/index.ts';
import type { TemplatePart } from './blob-template.ts';
import { parseTemplate, renderTemplate } from './blob-template.ts';
import type { AzureBlobConfig } from './config.ts';
import { formatGoTime, wallClock } from './go-time.ts';
import type { WallClock } from './go-time.ts';

const COMPRESSION_EXT: Record<AzureBlobConfig['compression'], string> = { none: '', '': '', gzip: '.gz', zstd: '.zst' };

export class BlobNamer {
  private readonly formats: Record<PipelineType, string>;
  private readonly templates: Partial<Record<PipelineType, TemplatePart[]>> = {};
  private warned = false;

  constructor(
    private readonly cfg: AzureBlobConfig['blob_name_format'],
    compression: AzureBlobConfig['compression'],
    private readonly logger?: Logger,
    private readonly random: () => number = Math.random,
  ) {
    const ext = COMPRESSION_EXT[compression];
    this.formats = {
      logs: cfg.logs_format + ext,
      metrics: cfg.metrics_format + ext,
      traces: cfg.traces_format + ext,
    };
    // validate parsed them already: a failure here is a programming error.
    if (cfg.template_enabled)
      for (const signal of ['logs', 'metrics', 'traces'] as const)
        this.templates[signal] = parseTemplate(this.formats[signal]);
  }

  name(signal: PipelineType, nowMs: number = Date.now(), data?: SignalDataMap[PipelineType]): string {
    const format = this.render(signal, data);
    const t = wallClock(nowMs, this.cfg.timezone);
    if (!this.cfg.serial_num_enabled) return this.time(t, format);
    const serial = Math.floor(this.random() * this.cfg.serial_num_range);
    if (!this.cfg.serial_num_before_extension) return `${this.time(t, format)}_${serial}`;
    const ext = extname(format);
    return `${this.time(t, format.slice(0, format.length - ext.length))}_${serial}${ext}`;
  }

  /** The format with its template run; as in the Collector, a failing template leaves the format as configured. */
  private render(signal: PipelineType, data: SignalDataMap[PipelineType] | undefined): string {
    const parts = this.templates[signal];
    if (!parts || !data) return this.formats[signal];
    try {
      return renderTemplate(parts, data);
    } catch (err) {
      const msg = 'blob name template failed, using the format as it is';
      const fields = { signal, error: err instanceof Error ? err.message : String(err) };
      // Once at warn: the same data shape fails every request.
      if (this.warned) this.logger?.debug(msg, fields);
      else this.logger?.warn(msg, fields);
      this.warned = true;
      return this.formats[signal];
    }
  }

  /** The time layout applied to the whole format, or only to the configured character ranges of it. */
  private time(t: WallClock, format: string): string {
    if (!this.cfg.time_parser_enabled) return format;
    const ranges = this.cfg.time_parser_ranges ?? [];
    if (ranges.length === 0) return formatGoTime(t, format);
    // As the Collector: each range indexes the text as the previous ranges left it.
    let out = format;
    for (const r of ranges) {
      const [start = 0, endRaw = 0] = r.split('-').map(Number);
      if (start >= format.length) continue;
      const end = Math.min(endRaw, format.length);
      out = out.slice(0, start) + formatGoTime(t, format.slice(start, end)) + out.slice(end);
    }
    return out;
  }
}
