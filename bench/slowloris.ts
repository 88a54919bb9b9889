// Slow clients against the otlp receiver with its default limits (BENCH=slowloris, not in the default set: it takes
// about 35 s): 1,000 HTTP connections sending their headers one byte a second, and 5,000 gRPC calls on 50
// connections (100 each, max_concurrent_streams) that send 10 bytes of a 100-byte message and stop. Figures: when
// the last of each was closed by the hub, how many the limits counted, and the error lines logged.
import { connect as h2connect } from 'node:http2';
import type { ClientHttp2Session } from 'node:http2';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { startReceiver } from '../test/helpers/otlp-receiver-harness.ts';

export interface SlowlorisFigures {
  httpConnections: number;
  httpClosed: number;
  /** Seconds from the first connection to the hub closing the last one. */
  httpLastClosedS: number;
  grpcCalls: number;
  grpcEnded: number;
  grpcLastEndedS: number;
  limitHits: number;
  errorLines: number;
}

const HTTP_CONNECTIONS = 1_000;
const GRPC_CONNECTIONS = 50;
const CALLS_PER_CONNECTION = 100;
const WAIT_S = 40;

function slowHttp(port: number, onClose: () => void): void {
  const s = connect(port, '127.0.0.1');
  const text = `POST /v1/traces HTTP/1.1\r\nHost: x\r\nX-Slow: ${'x'.repeat(200)}`;
  let i = 0;
  const t = setInterval(() => void (s.destroyed || s.write(text[i++ % text.length] ?? 'x')), 1_000);
  s.on('error', () => {});
  s.on('close', () => {
    clearInterval(t);
    onClose();
  });
}

function halfSentCalls(session: ClientHttp2Session, onEnd: () => void): void {
  session.on('error', () => {});
  for (let i = 0; i < CALLS_PER_CONNECTION; i++) {
    const st = session.request({
      ':method': 'POST',
      ':path': '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    st.on('error', () => {});
    st.resume();
    st.write(Buffer.concat([Buffer.from([0, 0, 0, 0, 100]), Buffer.alloc(10)]));
    st.on('close', onEnd);
  }
}

export async function benchSlowloris(): Promise<SlowlorisFigures> {
  const h = await startReceiver({
    protocols: { http: { endpoint: 'localhost:0' }, grpc: { endpoint: 'localhost:0' } },
  });
  const t0 = performance.now();
  const f: SlowlorisFigures = {
    httpConnections: HTTP_CONNECTIONS,
    httpClosed: 0,
    httpLastClosedS: 0,
    grpcCalls: GRPC_CONNECTIONS * CALLS_PER_CONNECTION,
    grpcEnded: 0,
    grpcLastEndedS: 0,
    limitHits: 0,
    errorLines: 0,
  };
  const since = () => (performance.now() - t0) / 1000;
  for (let i = 0; i < HTTP_CONNECTIONS; i++)
    slowHttp(h.receiver.httpPort ?? 0, () => {
      f.httpClosed++;
      f.httpLastClosedS = since();
    });
  const sessions = Array.from({ length: GRPC_CONNECTIONS }, () =>
    h2connect(`http://localhost:${h.receiver.grpcPort ?? 0}`),
  );
  for (const s of sessions)
    halfSentCalls(s, () => {
      f.grpcEnded++;
      f.grpcLastEndedS = since();
    });
  await sleep(WAIT_S * 1_000);
  f.limitHits = await h.settings.telemetry.value('otelhub_receiver_limit_hits_total');
  f.errorLines = h.settings.logger.lines.filter((l) => l.level === 'error').length;
  for (const s of sessions) s.destroy();
  await h.stop();
  return f;
}
