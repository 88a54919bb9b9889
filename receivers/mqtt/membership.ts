// Members of one shared group, so that none strands data in its broker session (an MQTT 5 broker such as
// Mosquitto keeps queueing a member's share into its session while it is away, and may hold what was in flight).
//
// Leaving (shutdown): a member ends its session only while another member is up, whose session keeps the shared
// subscription alive: a group with no session left makes the broker drop what is published to it. So it announces
// `leaving`, waits until the broker has echoed that back (on a single broker, anything another member announced
// before is then known here too: of two members stopping together exactly one sees the other still up), and leaves
// if another member is up; otherwise it keeps its session (the last member, or replicas: 1, restarting or scaled to
// zero resumes it later). Leaving = unsubscribe, drain what the session still holds, DISCONNECT with Session Expiry
// Interval 0 (mqtt-receiver.ts).
//
// Adopting: a member marked gone (its will fired: SIGKILL, node loss) that has not come back after `adopt_after` is
// adopted by the up member with the lowest client ID, if its subscriptions are ours: that member connects with the
// vanished member's client ID, unsubscribes, drains the session through its own pipelines and ends it. Should two
// adopt at once, or the member come back, the later connection takes the session over (MQTT's rule for a repeated
// client ID); the one taken over stops without reconnecting, and what it had not acknowledged is delivered again
// to the new owner (at least once).
import { errorMessage } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { ResolvedConfig } from './config.ts';
import type { MemberRecord, Presence } from './presence.ts';

/** How long to wait for the broker to echo our own record back before deciding without it. */
const ECHO_TIMEOUT_MS = 5_000;

export type AdoptionEnd = 'drained' | 'taken_over' | 'stopped';

/** A session being drained on behalf of a member that vanished. */
export interface Adopter {
  readonly done: Promise<AdoptionEnd>;
  stop(): Promise<void>;
}

export class Membership {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly adopters = new Map<string, Adopter>();
  private stopped = false;
  /** Set once we announced leaving: the members up when the broker echoed that back (see shouldLeave). */
  private leaving: { othersUp?: string[] } | undefined;

  constructor(
    private readonly cfg: ResolvedConfig,
    private readonly presence: Presence,
    private readonly logger: Logger,
    private readonly adopt: (clientId: string) => Adopter,
    private readonly adopted: (outcome: AdoptionEnd) => void = () => undefined,
  ) {}

  /** Members whose record says up, this one included. */
  get membersUp(): number {
    let n = 0;
    for (const r of this.presence.members.values()) if (r.state === 'up') n++;
    return n;
  }

  get self(): string {
    return this.cfg.client_id;
  }

  /** Called by the presence connection for every record it sees. */
  changed(id: string, record: MemberRecord | undefined): void {
    if (id === this.self) {
      // What was known when our own announcement came back: later records (another member's leaving, processed by
      // the broker after ours) must not count, or two members stopping together would both stay.
      if (record?.state === 'leaving' && this.leaving && !this.leaving.othersUp)
        this.leaving.othersUp = this.othersUp();
      return;
    }
    if (this.stopped) return;
    if (record?.state !== 'gone') return this.cancel(id);
    // An adopter that vanished mid-way leaves the session it was draining to the others, too.
    for (const [m, r] of this.presence.members) if (r.state === 'adopting' && r.by === id) this.watch(m);
    this.watch(id);
  }

  private watch(id: string): void {
    if (this.cfg.membership.adopt_after === 0 || this.timers.has(id) || this.adopters.has(id)) return;
    this.logger.info('a member of the shared group is gone; adopting its session unless it returns', {
      member: id,
      adopt_after_ms: this.cfg.membership.adopt_after,
    });
    this.arm(id);
  }

  /** Gone, or being adopted by a member that is no longer up. */
  private adoptable(record: MemberRecord | undefined): record is MemberRecord {
    if (record?.state === 'gone') return true;
    return record?.state === 'adopting' && this.presence.members.get(record.by ?? '')?.state !== 'up';
  }

  private arm(id: string): void {
    const t = setTimeout(() => {
      this.timers.delete(id);
      this.tryAdopt(id).catch((err: unknown) => {
        // The presence connection is down (the claim could not be published): look again after another period.
        this.logger.warn('cannot adopt the session of a member that is gone; trying again later', {
          member: id,
          error: errorMessage(err),
        });
        if (!this.stopped) this.arm(id);
      });
    }, this.cfg.membership.adopt_after);
    t.unref();
    this.timers.set(id, t);
  }

  private cancel(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }

  /** The up member with the lowest client ID adopts; the others look again after another grace period. */
  private async tryAdopt(id: string): Promise<void> {
    const record = this.presence.members.get(id);
    if (this.stopped || !this.adoptable(record)) return;
    const up = [...this.presence.members].filter(([, r]) => r.state === 'up').map(([m]) => m);
    if (!up.includes(this.self) || up.sort()[0] !== this.self) return this.arm(id);
    const ours = JSON.stringify(this.cfg.subscriptions);
    if (JSON.stringify(record.subscriptions ?? []) !== ours) {
      this.logger.warn('not adopting the session of a member with other subscriptions', {
        member: id,
        subscriptions: record.subscriptions,
      });
      return;
    }
    await this.presence.publish(id, { state: 'adopting', by: this.self, subscriptions: record.subscriptions });
    this.logger.info('adopting the session of a member that is gone', { member: id });
    const adopter = this.adopt(id);
    this.adopters.set(id, adopter);
    const end = await adopter.done;
    this.adopters.delete(id);
    this.logger.info('adoption ended', { member: id, outcome: end });
    this.adopted(end);
    // Drained: the session is gone, and so is the record. Taken over: the member came back and announced itself.
    // Stopped (we shut down): stop() marks it gone again, for another member.
    if (end === 'drained' && !this.stopped) await this.presence.publish(id, undefined).catch(() => undefined);
  }

  /**
   * Whether this member should end its session on shutdown: `leave_on_shutdown` always / never, or auto: only
   * when another member is up (see the top of this file). Announces `leaving` when it decides to leave.
   */
  async shouldLeave(): Promise<boolean> {
    const mode = this.cfg.membership.leave_on_shutdown;
    if (mode === 'never' || !this.presence.connected) return mode === 'always';
    const announced: { othersUp?: string[] } = {};
    this.leaving = announced;
    try {
      await this.presence.publish(this.self, { state: 'leaving', subscriptions: this.cfg.subscriptions });
    } catch {
      return mode === 'always';
    }
    const echoed = await this.presence.waitFor(() => announced.othersUp !== undefined, ECHO_TIMEOUT_MS);
    if (mode === 'always') return true;
    // Without the echo nothing is known for sure: keep the session (adopted later if we do not come back).
    const others = echoed ? (announced.othersUp ?? []) : [];
    this.logger.info(
      others.length > 0
        ? 'leaving the shared group: other members remain'
        : 'keeping the session: no other member of the shared group is up',
      { members_up: others },
    );
    return others.length > 0;
  }

  private othersUp(): string[] {
    return [...this.presence.members].filter(([m, r]) => m !== this.self && r.state === 'up').map(([m]) => m);
  }

  /** Ends membership: our record removed when we left, else marked gone (for adoption should we not return). */
  async stop(left: boolean): Promise<void> {
    this.stopped = true;
    for (const id of [...this.timers.keys()]) this.cancel(id);
    const adopted = [...this.adopters.keys()];
    await Promise.all([...this.adopters.values()].map((a) => a.stop()));
    const gone: MemberRecord = { state: 'gone', subscriptions: this.cfg.subscriptions };
    await Promise.all(adopted.map((id) => this.presence.publish(id, gone).catch(() => undefined)));
    await this.presence.publish(this.self, left ? undefined : gone).catch(() => undefined);
    await this.presence.stop();
  }
}
