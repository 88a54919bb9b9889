// The QoS 1 messages the broker has sent and not yet had acknowledged, by packet ID, and when their PUBACK may go.
//
// A packet ID names a message only until its PUBACK, and only on its session: a broker reuses IDs (they wrap at
// 65,535, and MQTT 5 section 4.8.2 lets a shared subscription re-dispatch a message to another member under an ID
// it already used). So a PUBLISH whose ID matches an entry is a new message, processed on its own, unless it is a
// redelivery in the sense of MQTT 5 section 4.4: DUP 1, on a resumed session (CONNACK with session present), while
// the broker is still resending what it sent before (section 4.6 has it resend those first, in order). The first
// PUBLISH with DUP 0 ends that phase: entries of earlier connections not resent by then will not come, and are
// orphaned (still processed, never acknowledged) or, when already settled, forgotten. Taking a reused ID for a
// redelivery would acknowledge a message nobody processed: silent loss. Taking a redelivery for a new message only
// processes it twice, which at-least-once allows.
//
// A PUBACK is sent once the message settled, on the connection it belongs to; one that settled while offline waits
// for its redelivery and is acknowledged then. A PUBACK is never queued while offline, as MQTT.js would do: on the
// next connection it could acknowledge a different message that reuses the ID.

export interface Entry {
  readonly id: number;
  /** The connection whose broker is waiting for this PUBACK. */
  connection: number;
  settled: boolean;
  /** Never to be acknowledged: its ID now names another message, or its session is gone. */
  orphaned: boolean;
}

export type Admission =
  /** `repeated`: the broker reused the ID of a message still unacknowledged on this connection (a broker fault). */
  { kind: 'new'; entry: Entry; repeated: boolean } | { kind: 'redelivery'; entry: Entry };

export class Inflight {
  private readonly byId = new Map<number, Entry>();
  private connection = 0;
  private online = false;
  /** A resumed session whose broker may still be resending messages of earlier connections. */
  private resuming = false;
  private unsettled = 0;

  constructor(private readonly sendPuback: (id: number) => void) {}

  /**
   * Messages received and not settled yet (orphans excluded): what the hub holds against receive_maximum. Entries
   * that settled while offline are not counted: nothing of theirs is held any more.
   */
  get size(): number {
    return this.unsettled;
  }

  /** A CONNACK accepted the connection: PUBACKs go to this connection from now on. */
  connected(sessionPresent: boolean): void {
    this.connection++;
    this.online = true;
    this.resuming = sessionPresent && this.byId.size > 0;
    // No session: the broker forgot every packet ID, and what it sends now is new.
    if (!sessionPresent) this.orphanEarlier();
  }

  disconnected(): void {
    this.online = false;
  }

  /** A QoS 1 PUBLISH arrived. */
  admit(id: number, dup: boolean): Admission {
    if (this.resuming && dup) {
      const known = this.byId.get(id);
      if (known && known.connection < this.connection) {
        known.connection = this.connection;
        if (known.settled) this.ack(known);
        return { kind: 'redelivery', entry: known };
      }
    } else if (this.resuming) {
      // A new message: the broker is done resending, and what it did not resend will not come.
      this.resuming = false;
      this.orphanEarlier();
    }
    const known = this.byId.get(id);
    const repeated = known !== undefined && known.connection === this.connection;
    if (known) this.orphan(known);
    const entry: Entry = { id, connection: this.connection, settled: false, orphaned: false };
    this.byId.set(id, entry);
    this.unsettled++;
    return { kind: 'new', entry, repeated };
  }

  /** The pipelines settled the message: acknowledge it now if its connection is still up. */
  settle(entry: Entry): void {
    if (entry.settled) return;
    entry.settled = true;
    if (entry.orphaned) return;
    this.unsettled--;
    if (this.online && entry.connection === this.connection) this.ack(entry);
  }

  /** Processing stopped without settling (shutdown): leave it unacknowledged, for the broker to redeliver. */
  abandon(entry: Entry): void {
    if (!entry.orphaned) this.orphan(entry);
  }

  private orphanEarlier(): void {
    for (const e of [...this.byId.values()]) if (e.connection < this.connection) this.orphan(e);
  }

  private orphan(entry: Entry): void {
    entry.orphaned = true;
    if (!entry.settled) this.unsettled--;
    if (this.byId.get(entry.id) === entry) this.byId.delete(entry.id);
  }

  private ack(entry: Entry): void {
    this.byId.delete(entry.id);
    this.sendPuback(entry.id);
  }
}
