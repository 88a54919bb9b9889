import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusBoard } from '../../core/status.ts';
import { testSettings } from '../../test/helpers/settings.ts';
import { HealthCheck } from './health-check.ts';

describe('health_check', () => {
  it('answers 200 while every component is ok and 503 otherwise', async () => {
    const status = new StatusBoard();
    status.set('receiver:a', 'ok');
    const hc = new HealthCheck(testSettings('health_check', 'extension'), { endpoint: 'localhost:0', path: '/health' });
    await hc.start({ getExtension: () => undefined, status });
    try {
      const url = `http://localhost:${hc.port}/health`;
      assert.equal((await fetch(url)).status, 200);
      status.set('receiver:a', 'recoverable_error', new Error('broker unreachable'));
      const r = await fetch(`${url}?verbose`);
      assert.equal(r.status, 503);
      const body = (await r.json()) as { status: string; components: Record<string, { error: string }> };
      assert.equal(body.status, 'Server not available');
      assert.equal(body.components['receiver:a']?.error, 'broker unreachable');
      assert.equal((await fetch(`http://localhost:${hc.port}/other`)).status, 404);
    } finally {
      await hc.shutdown();
      await hc.shutdown();
    }
  });
});
