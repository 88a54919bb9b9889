import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryLogger } from '../../core/logger.ts';
import { Telemetry } from '../../core/telemetry.ts';
import { sampleMetrics } from '../../test/helpers/sample-data.ts';
import { PartialSuccessReporter } from './partial-success.ts';

describe('PartialSuccessReporter', () => {
  it('counts rejected items per exporter and signal, and logs rate-limited', async () => {
    const t = new Telemetry();
    const logger = memoryLogger();
    const r = new PartialSuccessReporter(t, 'otlphttp/x', logger);
    const send = r.wrap(async () => ({ partialSuccess: { rejected: 3, errorMessage: 'points too old' } }));
    for (let i = 0; i < 5; i++)
      assert.deepEqual(await send(sampleMetrics(), 'metrics'), {
        partialSuccess: { rejected: 3, errorMessage: 'points too old' },
      });
    assert.equal(
      await t.value('otelhub_exporter_partial_success_rejected_total', {
        exporter: 'otlphttp/x',
        data_type: 'metrics',
      }),
      15,
    );
    assert.equal(logger.lines.length, 1, 'one line, the rest summed');
    assert.equal(logger.lines[0]?.error_message, 'points too old');
    r.close();
    assert.equal(logger.lines.length, 2);
    assert.equal(logger.lines[1]?.count, 12);
  });

  it('ignores a success without anything rejected', async () => {
    const t = new Telemetry();
    const logger = memoryLogger();
    const r = new PartialSuccessReporter(t, 'otlp', logger);
    r.record('logs', {});
    r.record('logs', { partialSuccess: { rejected: 0, errorMessage: '' } });
    assert.equal(await t.value('otelhub_exporter_partial_success_rejected_total'), 0);
    assert.equal(logger.lines.length, 0);
    r.close();
  });

  it('logs a warning without rejected items', () => {
    const logger = memoryLogger();
    const r = new PartialSuccessReporter(new Telemetry(), 'otlp', logger);
    r.record('logs', { partialSuccess: { rejected: 0, errorMessage: 'deprecated field' } });
    assert.equal(logger.lines[0]?.error_message, 'deprecated field');
    r.close();
  });
});
