// Blob names as the Collector's exporter makes them: the signal's format read as a Go time layout (all of it, or
// only time_parser_ranges), the compression's extension appended, then `_<serial>` with a random serial number in
// [0, serial_num_range), after the whole name or before its extension.
import { extname } from 'node:path/posix';
import type { PipelineType } from '../../core/pdata/index.ts';
import type { AzureBlobConfig } from './config.ts';
import { formatGoTime, wallClock } from './go-time.ts';
import type { WallClock } from './go-time.ts';

const COMPRESSION_EXT: Record<AzureBlobConfig['compression'], string> = { none: '', '': '', gzip: '.gz', zstd: '.zst' };

export class BlobNamer {
  private readonly formats: Record<PipelineType, string>;

  constructor(
    private readonly cfg: AzureBlobConfig['blob_name_format'],
    compression: AzureBlobConfig['compression'],
    private readonly random: () => number = Math.random,
  ) {
    const ext = COMPRESSION_EXT[compression];
    this.formats = {
      logs: cfg.logs_format + ext,
      metrics: cfg.metrics_format + ext,
      traces: cfg.traces_format + ext,
    };
  }

  name(signal: PipelineType, nowMs: number = Date.now()): string {
    const format = this.formats[signal];
    const t = wallClock(nowMs, this.cfg.timezone);
    if (!this.cfg.serial_num_enabled) return this.time(t, format);
    const serial = Math.floor(this.random() * this.cfg.serial_num_range);
    if (!this.cfg.serial_num_before_extension) return `${this.time(t, format)}_${serial}`;
    const ext = extname(format);
    return `${this.time(t, format.slice(0, format.length - ext.length))}_${serial}${ext}`;
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
