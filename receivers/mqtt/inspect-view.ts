// What the console shows of an MQTT receiver (core/inspect.ts): its broker connection (window use, reconnects, the
// last error), or with the embedded broker the devices connected to it. Read on demand, never on the message path.
import type { IngressServer } from './ingress/server.ts';

/** Devices listed at most per receiver: the count says how many more there are. */
export const MAX_DEVICES_SHOWN = 200;

/** The connection's history that the receiver keeps for the view; updated on connection events only. */
export class ConnectionLog {
  connectedSince: string | undefined;
  losses = 0;
  lastError: { message: string; at: string } | undefined;

  subscribed(): void {
    this.connectedSince ??= new Date().toISOString();
  }

  lost(err: Error, counted: boolean): void {
    if (counted) this.losses++;
    this.connectedSince = undefined;
    this.lastError = { message: err.message, at: new Date().toISOString() };
  }
}

export interface ConnectionFigures {
  broker: string;
  clientId: string;
  connected: boolean;
  subscriptions: readonly string[];
  inflight: number;
  receiveMaximum: number;
  inflightBytes?: number | undefined;
  maxInflightBytes: number;
}

export function connectionView(f: ConnectionFigures, log: ConnectionLog): Record<string, unknown> {
  return {
    broker: f.broker,
    client_id: f.clientId,
    connected: f.connected,
    ...(f.connected && log.connectedSince !== undefined && { connected_since: log.connectedSince }),
    subscriptions: f.subscriptions,
    inflight: f.inflight,
    receive_maximum: f.receiveMaximum,
    ...(f.inflightBytes !== undefined && { inflight_bytes: f.inflightBytes }),
    ...(f.maxInflightBytes > 0 && { max_inflight_bytes: f.maxInflightBytes }),
    reconnects: log.losses,
    ...(log.lastError && { last_error: log.lastError.message, last_error_at: log.lastError.at }),
  };
}

export function devicesView(endpoint: string, server: IngressServer): Record<string, unknown> {
  const devices = server.deviceList(MAX_DEVICES_SHOWN);
  return {
    endpoint,
    count: server.deviceCount,
    inflight: server.inflight,
    receive_maximum: server.receiveMaximum,
    devices,
  };
}
