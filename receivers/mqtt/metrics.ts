// The receiver's own metrics, next to the otelcol_receiver_accepted/refused_messages_total the hub counts for it.
// The in-flight gauge is read when scraped: nothing is set per message.
import type { Counter } from 'prom-client';
import type { Telemetry } from '../../core/telemetry.ts';

export interface ReceiverMetrics {
  /** Labels receiver, reason (expired, permanent, qos0_refused, qos0_overload). */
  dropped: Counter;
  /** Labels receiver, reason (repeated_packet_id): what the broker did against the protocol. */
  faults: Counter;
}

/**
 * `inflight` reads the receiver's in-flight count and `connected` whether it can take messages (1: subscribed to its
 * broker, or its embedded broker listening; 0: connecting or reconnecting), when the gauges are read.
 */
export function receiverMetrics(
  telemetry: Telemetry,
  receiverId: string,
  inflight: () => number,
  connected: () => number,
): ReceiverMetrics {
  const dropped = telemetry.counter({
    name: 'otelhub_receiver_mqtt_dropped_messages_total',
    help: 'MQTT messages acknowledged without being delivered, by reason.',
    labelNames: ['receiver', 'reason'],
  });
  const faults = telemetry.counter({
    name: 'otelhub_receiver_mqtt_broker_faults_total',
    help: 'PUBLISH packets the broker sent against the MQTT protocol (each still processed), by reason.',
    labelNames: ['receiver', 'reason'],
  });
  const gauge = telemetry.gauge({
    name: 'otelhub_receiver_mqtt_inflight_messages',
    help: 'QoS 1 messages received and not yet settled by the pipelines (at most receive_maximum).',
    labelNames: ['receiver'],
  });
  telemetry.bindGauge(gauge, { receiver: receiverId }, inflight);
  const up = telemetry.gauge({
    name: 'otelhub_receiver_mqtt_connected',
    help: '1 while the receiver is subscribed to its broker (or its embedded broker listens), 0 while it (re)connects.',
    labelNames: ['receiver'],
  });
  telemetry.bindGauge(up, { receiver: receiverId }, connected);
  return { dropped, faults };
}

/** With `membership`: the members seen up (this one included) and how adoptions ended. */
export function membershipMetrics(telemetry: Telemetry, receiverId: string, membersUp: () => number): Counter {
  const up = telemetry.gauge({
    name: 'otelhub_receiver_mqtt_group_members_up',
    help: 'Members of the shared group whose presence record says up, this one included. Read when scraped.',
    labelNames: ['receiver'],
  });
  telemetry.bindGauge(up, { receiver: receiverId }, membersUp);
  return telemetry.counter({
    name: 'otelhub_receiver_mqtt_adoptions_total',
    help: 'Sessions of vanished members this one adopted, by outcome (drained, taken_over, stopped).',
    labelNames: ['receiver', 'outcome'],
  });
}
