// The QoS 1 messages the broker has sent and not yet had acknowledged, by packet ID, and when their PUBACK may go.
//
// A PUBACK is sent once the message settled, on the connection it belongs to. A connection can drop in between:
// with the session resumed, the broker resends every unacknowledged PUBLISH with its original packet ID
// (MQTT 5 section 4.4), so a redelivery of a message still being processed joins the entry (processed once) and
// one already settled is acknowledged at once. Without a session (clean start, expired), packet IDs start over:
// old entries are orphaned, finish their processing, and are never acknowledged (nobody is waiting for them).
// A PUBACK is never queued while offline, as MQTT.js would do: on the next connection it could acknowledge a
// different message that happens to reuse the ID.

export interface Entry {
  readonly id: number;
  /** The connection whose broker is waiting for this PUBACK. */
  connection: number;
  settled: boolean;
  orphaned: boolean;
}

export type Admission = { kind: 'new'; entry: Entry } | { kind: 'redelivery'; entry: Entry };

export class Inflight {
  private readonly byId = new Map<number, Entry>();
  private connection = 0;
  private online = false;

  constructor(private readonly sendPuback: (id: number) => void) {}

  /** Unacknowledged QoS 1 messages the broker counts against receive_maximum. */
  get size(): number {
    return this.byId.size;
  }

  /** A CONNACK accepted the connection: PUBACKs go to this connection from now on. */
  connected(sessionPresent: boolean): void {
    this.connection++;
    this.online = true;
    if (sessionPresent) return;
    for (const e of this.byId.values()) e.orphaned = true;
    this.byId.clear();
  }

  disconnected(): void {
    this.online = false;
  }

  /** A QoS 1 PUBLISH arrived. */
  admit(id: number): Admission {
    const known = this.byId.get(id);
    if (known) {
      known.connection = this.connection;
      if (known.settled) this.ack(known);
      return { kind: 'redelivery', entry: known };
    }
    const entry: Entry = { id, connection: this.connection, settled: false, orphaned: false };
    this.byId.set(id, entry);
    return { kind: 'new', entry };
  }

  /** The pipelines settled the message: acknowledge it now if its connection is still up. */
  settle(entry: Entry): void {
    entry.settled = true;
    if (entry.orphaned) return;
    if (this.online && entry.connection === this.connection) this.ack(entry);
  }

  /** Processing stopped without settling (shutdown): leave it unacknowledged, for the broker to redeliver. */
  abandon(entry: Entry): void {
    if (this.byId.get(entry.id) === entry) this.byId.delete(entry.id);
  }

  private ack(entry: Entry): void {
    this.byId.delete(entry.id);
    this.sendPuback(entry.id);
  }
}
