// What the filter and transform processors do with a statement or condition that fails on an item, by the group's
// error_mode: propagate fails the batch (permanently: the same data would fail again), ignore counts and logs it
// (rate-limited) and goes on, silent only counts it. Counted in otelhub_processor_<type>_errors_total.
import type { ProcessorCreateSettings } from '../../core/component.ts';
import { DropReporter } from '../../core/drop-reporter.ts';
import { permanentError } from '../../core/errors.ts';
import type { ErrorMode } from './ottl-config.ts';

export interface OttlErrors {
  /** Handles one failure of `text` (the statement or condition) under `mode`; throws for propagate. */
  failed(mode: ErrorMode, text: string, err: unknown): void;
  close(): void;
}

export function ottlErrors(
  settings: ProcessorCreateSettings,
  type: 'filter' | 'transform',
  what: 'statement' | 'condition',
  outcome: string,
): OttlErrors {
  const counter = settings.telemetry.bindCounter(
    settings.telemetry.counter({
      name: `otelhub_processor_${type}_errors_total`,
      help: `OTTL ${what}s of the ${type} processor that failed on an item (error_mode ignore and silent; propagate fails the batch).`,
      labelNames: ['processor', 'pipeline'],
    }),
    { processor: settings.id, pipeline: settings.pipelineId },
  );
  const log = new DropReporter(settings.logger, { message: `${type} ${what} failed; ${outcome}` });
  return {
    failed(mode, text, err) {
      const message = err instanceof Error ? err.message : String(err);
      if (mode === 'propagate') throw permanentError(`${type} ${what} "${text}" failed: ${message}`, err);
      counter.inc(1);
      if (mode === 'ignore') log.drop(`${what}_error`, 1, { [what]: text, error: message });
    },
    close: () => log.close(),
  };
}
