import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statusWithRetryInfo } from '../../test/helpers/otlp-grpc-exporter-server.ts';
import { grpcFailure, retryDelayOf } from './status.ts';

function withDetails(bytes: Uint8Array): Metadata {
  const m = new Metadata();
  m.set('grpc-status-details-bin', Buffer.from(bytes));
  return m;
}

describe('gRPC status mapping', () => {
  it('retries the codes the OTLP spec lists and refused credentials; splits or bisects on refusals', () => {
    const retryable = ['CANCELLED', 'DEADLINE_EXCEEDED', 'ABORTED', 'OUT_OF_RANGE', 'UNAVAILABLE', 'DATA_LOSS'];
    const auth = ['UNAUTHENTICATED', 'PERMISSION_DENIED'];
    const refusal: Record<string, string> = {
      RESOURCE_EXHAUSTED: 'too_large',
      INVALID_ARGUMENT: 'refused',
      INTERNAL: 'refused',
      UNKNOWN: 'refused',
    };
    for (const [name, code] of Object.entries(GrpcStatus).filter(([, v]) => typeof v === 'number') as [
      string,
      GrpcStatus,
    ][]) {
      if (code === GrpcStatus.OK) continue;
      const err = grpcFailure('x:1', { code, details: 'd' });
      assert.equal(err.retryable, retryable.includes(name) || auth.includes(name), name);
      assert.equal(err.auth, auth.includes(name), name);
      assert.equal(err.refusal, refusal[name], name);
      assert.equal(err.throttled, false, name);
    }
  });

  it('reads RetryInfo: RESOURCE_EXHAUSTED becomes retryable throttling with the delay', () => {
    const err = grpcFailure('x:1', {
      code: GrpcStatus.RESOURCE_EXHAUSTED,
      metadata: withDetails(statusWithRetryInfo(8, 1500)),
    });
    assert.deepEqual([err.retryable, err.throttled, err.retryAfterMs], [true, true, 1500]);
    const noDelay = grpcFailure('x:1', {
      code: GrpcStatus.RESOURCE_EXHAUSTED,
      metadata: withDetails(statusWithRetryInfo(8)),
    });
    assert.deepEqual([noDelay.retryable, noDelay.retryAfterMs], [true, undefined]);
    const unavailable = grpcFailure('x:1', {
      code: GrpcStatus.UNAVAILABLE,
      metadata: withDetails(statusWithRetryInfo(14, 61_000)),
    });
    assert.equal(unavailable.retryAfterMs, 61_000);
  });

  it('ignores status details it cannot read', () => {
    assert.equal(retryDelayOf(withDetails(new Uint8Array([0xff, 0xff, 0xff]))), undefined);
    assert.equal(retryDelayOf(undefined), undefined);
    const unread = grpcFailure('x:1', {
      code: GrpcStatus.RESOURCE_EXHAUSTED,
      metadata: withDetails(new Uint8Array([1])),
    });
    assert.deepEqual([unread.retryable, unread.refusal], [false, 'too_large']);
  });
});
