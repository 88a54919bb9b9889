// The receiver's own metrics, next to the otelcol_receiver_accepted/refused_messages_total the hub counts for it.
import type { Counter, Gauge } from 'prom-client';
import type { Telemetry } from '../../core/telemetry.ts';

export interface ReceiverMetrics {
  /** Labels receiver, reason (expired, permanent, qos0_refused, qos0_overload). */
  dropped: Counter;
  /** Set for this receiver only. */
  inflight: { set(n: number): void };
}

export function receiverMetrics(telemetry: Telemetry, receiverId: string): ReceiverMetrics {
  const dropped = telemetry.counter({
    name: 'otelhub_receiver_mqtt_dropped_messages_total',
    help: 'MQTT messages acknowledged without being delivered, by reason.',
    labelNames: ['receiver', 'reason'],
  });
  const gauge: Gauge = telemetry.gauge({
    name: 'otelhub_receiver_mqtt_inflight_messages',
    help: 'QoS 1 messages received and not yet acknowledged (at most receive_maximum).',
    labelNames: ['receiver'],
  });
  return { dropped, inflight: { set: (n) => gauge.set({ receiver: receiverId }, n) } };
}
