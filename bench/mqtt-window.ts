// Throughput against a broker that honours the receiver's Receive Maximum on every window (Mosquitto 2.0.11 honours
// it only for the first: once PUBACKs flow it sends on, so the Mosquitto bench cannot show what the window costs).
// The broker is the tests' scripted MQTT server, serving a backlog of N messages and never more than Receive Maximum
// unacknowledged; the hub (`mqtt -> schema -> batch -> otlp_http`, batch defaults) drains it to a destination that
// answers every export after a fixed latency. Throughput is bounded by receive_maximum / latency: this shows where
// the bound starts to bite, for the receive_maximum values and latencies asked for.
import type { IConnectPacket } from 'mqtt-packet';
import { startScriptServer } from '../test/helpers/mqtt-script-server.ts';
import type { ScriptConnection } from '../test/helpers/mqtt-script-server.ts';
import { drainWithHub, METRICS_VARIANT, payload } from './mqtt-e2e.ts';
import type { MqttFigures } from './mqtt-e2e.ts';

const TOPIC = 'bench/window/telemetry';

export interface WindowFigures extends MqttFigures {
  receiveMaximum: number | 'default';
  latencyMs: number;
  /** receive_maximum / latency, the bound (Infinity without latency). */
  boundPerSec: number;
}

/** A broker holding `n` messages for whoever subscribes, sent within the client's Receive Maximum. */
async function windowBroker(n: number) {
  let next = 0;
  const windows = new Map<number, number>();
  const pump = (conn: ScriptConnection): void => {
    const max = windows.get(conn.id) ?? 65_535;
    while (!conn.closed && next < n && inflight < max) {
      inflight++;
      const sent = server.publish(conn, { topic: TOPIC, payload: payload(next++), qos: 1 });
      void sent.acked.then(() => {
        inflight--;
        pump(conn);
      });
    }
  };
  let inflight = 0;
  const server = await startScriptServer({
    onConnect: (p: IConnectPacket, conn) => {
      // Nagle's algorithm on the broker's side held each window's PUBLISHes back until the hub's delayed ACK (a window
      // of 100 drained at 2,000 messages/s instead of 8,500): that is a broker setting (Mosquitto's set_tcp_nodelay,
      // off by default), not what this measures.
      conn.socket.setNoDelay(true);
      windows.set(conn.id, p.properties?.receiveMaximum ?? 65_535);
    },
    onSubscribe: (_p, conn) => void setImmediate(() => pump(conn)),
  });
  return server;
}

export async function benchMqttWindow(
  n: number,
  receiveMaximums: (number | 'default')[],
  latencies: number[],
): Promise<WindowFigures[]> {
  const out: WindowFigures[] = [];
  for (const latencyMs of latencies) {
    for (const rm of receiveMaximums) {
      const broker = await windowBroker(n);
      try {
        const f = await drainWithHub(`mqtt://127.0.0.1:${broker.port}`, n, METRICS_VARIANT, {
          clientId: `bench-window-${rm}-${latencyMs}`,
          topic: TOPIC,
          receiveMaximum: rm === 'default' ? undefined : rm,
          latencyMs,
        });
        const window = rm === 'default' ? Number(broker.connections[0]?.connect?.properties?.receiveMaximum) : rm;
        out.push({
          ...f,
          receiveMaximum: rm,
          latencyMs,
          boundPerSec: latencyMs ? (window / latencyMs) * 1000 : Infinity,
        });
      } finally {
        await broker.close();
      }
    }
  }
  return out;
}
