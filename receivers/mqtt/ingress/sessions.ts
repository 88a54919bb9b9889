// The live side of device sessions: who holds each client ID, and the QoS 1 packet IDs the server has not
// acknowledged yet. Existence of persistent sessions is written to the SessionStore before the CONNACK that relies
// on it; the unacknowledged IDs are kept in memory only, since after a crash nothing is in the pipelines any more and
// the device resends them all.
import type { Logger } from '../../../core/logger.ts';
import type { SessionStore } from './session-store.ts';

/** What a session needs from the connection that holds it. */
export interface Holder {
  readonly open: boolean;
  /** Another connection took the session over (MQTT 5: DISCONNECT 0x8E). */
  takenOver(): void;
}

/** A QoS 1 message received and not yet acknowledged. */
export interface Unacked {
  readonly id: number;
  /** The connection the device expects the PUBACK on. */
  holder: Holder;
  settled: boolean;
}

export class Session {
  readonly unacked = new Map<number, Unacked>();
  holder: Holder | undefined;

  constructor(
    readonly clientId: string,
    /** Seconds after disconnect; null: never; 0: ends with the connection. */
    public expiry: number | null,
  ) {}

  get persistent(): boolean {
    return this.expiry !== 0;
  }
}

export interface OpenRequest {
  clientId: string;
  /** Clean Start (v5) / Clean Session (3.1.1): discard what exists. */
  clean: boolean;
  expiry: number | null;
}

export class Sessions {
  private readonly live = new Map<string, Session>();

  constructor(
    private readonly store: SessionStore,
    private readonly logger: Logger,
  ) {}

  /**
   * Takes `clientId` for `holder`, resuming or replacing its session. Rejects when the session file cannot be
   * written: the device must then not be told its session is kept.
   */
  async open(req: OpenRequest, holder: Holder): Promise<{ session: Session; present: boolean }> {
    this.expire();
    const current = this.live.get(req.clientId);
    if (current?.holder?.open && current.holder !== holder) current.holder.takenOver();
    const known = current !== undefined || this.store.get(req.clientId) !== undefined;
    const present = !req.clean && known;
    let session = present ? current : undefined;
    session ??= new Session(req.clientId, req.expiry);
    session.expiry = req.expiry;
    session.holder = holder;
    this.live.set(req.clientId, session);
    if (session.persistent) await this.store.set(req.clientId, { expiry: req.expiry, disconnectedAt: null });
    else if (known) await this.store.delete(req.clientId);
    return { session, present };
  }

  /** The holder's connection ended: a session with expiry 0 ends with it, others are kept (and their expiry starts). */
  closed(session: Session, holder: Holder): void {
    if (session.holder !== holder) return; // taken over: the new holder owns it now
    session.holder = undefined;
    const write = session.persistent
      ? this.store.set(session.clientId, { expiry: session.expiry, disconnectedAt: Date.now() })
      : this.store.delete(session.clientId);
    if (!session.persistent) this.live.delete(session.clientId);
    write.catch((err: unknown) =>
      this.logger.error('cannot write the embedded broker session file', { error: (err as Error).message }),
    );
  }

  /** Resolves once the session file holds every change so far: shutdown waits for it, or a last write is lost. */
  settled(): Promise<void> {
    return this.store.settled();
  }

  /** Forgets in-memory sessions whose expiry passed (their file entries go with the next write). */
  private expire(now = Date.now()): void {
    for (const [id, s] of this.live) if (!s.holder && this.store.get(id, now) === undefined) this.live.delete(id);
  }
}
