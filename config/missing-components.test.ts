import assert from 'node:assert/strict';
import { it } from 'node:test';
import { missingComponent } from './missing-components.ts';

it("gives the advice under contrib's lower_snake_case names too (file_log, load_balancing, span_metrics)", () => {
  for (const [kind, now, before] of [
    ['receiver', 'file_log', 'filelog'],
    ['exporter', 'load_balancing', 'loadbalancing'],
    ['connector', 'span_metrics', 'spanmetrics'],
  ] as const) {
    const advice = missingComponent(kind, before);
    assert.ok(advice, before);
    assert.deepEqual(missingComponent(kind, now), advice, now);
  }
  assert.equal(missingComponent('receiver', 'load_balancing'), undefined, 'only under its own kind');
});
