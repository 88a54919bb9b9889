// PUBACKs written together. Settlements come in bursts (an exported batch settles hundreds of messages in one turn of
// the event loop), and one socket write per PUBACK was the receiver's largest single cost: 20% of the hub's CPU while
// draining a backlog, in the kernel's write path. The PUBACKs of one turn go out in one write, on the connection they
// were meant for; if that connection is gone by then they are not sent at all (its broker redelivers), never on the
// next one, where the same packet ID may name another message.
import type { Writable } from 'node:stream';

/** A PUBACK with reason Success and no properties: the same 4 bytes in MQTT 3.1.1 and 5 (MQTT 5 section 3.4.2.1). */
const PUBACK_BYTES = 4;

export interface PubackTarget {
  readonly stream: Writable;
  readonly connected: boolean;
  /** Tells the watchers of the connection's packets (the flow gate, tests) that this PUBACK went out. */
  sent(id: number): void;
}

export class PubackWriter {
  private ids: number[] = [];
  private stream: Writable | undefined;
  private scheduled = false;

  constructor(private readonly target: () => PubackTarget | undefined) {}

  /** Queues a PUBACK for the current connection; nothing when there is none. */
  send(id: number): void {
    const target = this.target();
    if (!target?.connected) return;
    if (this.stream !== target.stream) {
      this.flush();
      this.stream = target.stream;
    }
    this.ids.push(id);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Writes what is queued now (before a DISCONNECT, say). */
  flush(): void {
    const ids = this.ids;
    if (ids.length === 0) return;
    this.ids = [];
    const target = this.target();
    if (!target?.connected || target.stream !== this.stream || target.stream.destroyed) return;
    const buf = Buffer.allocUnsafe(ids.length * PUBACK_BYTES);
    let at = 0;
    for (const id of ids) {
      buf[at] = 0x40;
      buf[at + 1] = 0x02;
      buf.writeUInt16BE(id, at + 2);
      at += PUBACK_BYTES;
    }
    target.stream.write(buf);
    for (const id of ids) target.sent(id);
  }
}
