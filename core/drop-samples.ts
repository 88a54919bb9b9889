// The last dropped items per component and reason, for an operator asking "what was dropped, from where, and why".
// Bounded in count (per reason, and in reasons) and in bytes (all samples together): a flood of invalid messages
// replaces old samples instead of growing memory. Payloads are cut to a few hundred bytes after the values of
// configured keys were redacted. Off until configured: a hub without a console keeps nothing.
import { REDACT_LOOKAHEAD, payloadSample } from './drop-payload.ts';

/** Where a dropped item came from: an MQTT topic, or the transport and client address it arrived over. */
export interface DropOrigin {
  topic?: string;
  transport?: string;
  client?: string;
}

/** What a reporter knows of the item it drops, beyond the reason and count. */
export interface DropSampleInput {
  origin?: DropOrigin;
  payload?: Uint8Array | string;
  /** Why, in words (the parser's message, the destination's refusal). */
  detail?: string;
  /** Where in the payload (a JSON pointer for a schema violation). */
  path?: string;
}

export interface DropSample {
  time: string;
  count: number;
  origin: DropOrigin;
  detail?: string;
  path?: string;
  /** The payload's first payload_bytes (UTF-8 text, or base64 for binary), redacted. */
  payload?: string;
  payload_encoding?: 'utf8' | 'base64';
  payload_bytes?: number;
  truncated?: boolean;
}

export interface DropGroup {
  component: string;
  reason: string;
  /** Items dropped for this reason since sampling began (samples are only the last few). */
  total: number;
  last: string;
  samples: DropSample[];
}

export interface DropSampleLimits {
  /** Samples kept per component and reason. */
  per_reason: number;
  /** All samples together, payloads included, in bytes (approximate). */
  max_bytes: number;
  /** Payload bytes kept per sample. */
  payload_bytes: number;
  /** false: origin, time and reason only, never a payload. */
  payloads: boolean;
  /** Keys whose values are replaced by [REDACTED] (case-insensitive), in JSON and key=value text. */
  redact_keys: readonly string[];
}

/** Groups kept at most: reasons are few per component, but a misbehaving plugin could invent many. */
export const MAX_DROP_GROUPS = 256;
const SAMPLE_OVERHEAD_BYTES = 200;
/**
 * A sample as kept: the payload's head is copied when the item is dropped and only decoded, redacted and cut when
 * the sample is first listed, since under a flood most samples are replaced before anyone reads them.
 */
interface Stored extends Omit<DropSample, 'time'> {
  /** Epoch ms; formatted when listed (toISOString per drop costs as much as the rest of recording). */
  at: number;
  raw?: Uint8Array;
  rawLength?: number;
}

interface Group extends Omit<DropGroup, 'samples' | 'last'> {
  samples: Stored[];
  lastAt: number;
  bytes: number[];
  /** Per sample, its place in recording order (times can tie). */
  seqs: number[];
  /** The recording order of the group's last drop. */
  seq: number;
}

const keyOf = (g: Pick<DropGroup, 'component' | 'reason'>): string => `${g.component}\u0000${g.reason}`;

export class DropSamples {
  private limits: DropSampleLimits | undefined;
  private readonly groups = new Map<string, Group>();
  private bytes = 0;
  private seq = 0;
  /** Every sample in recording order (group, seq), for evicting the oldest in O(1); stale entries are skipped. */
  private order: { g: Group; seq: number }[] = [];
  private head = 0;
  private count = 0;

  /** Switches sampling on with `limits` (undefined: off, and what was kept is forgotten). */
  configure(limits: DropSampleLimits | undefined): void {
    this.limits = limits;
    if (!limits) {
      this.groups.clear();
      this.bytes = 0;
      this.order = [];
      this.head = 0;
      this.count = 0;
    }
  }

  get enabled(): boolean {
    return this.limits !== undefined;
  }

  /** Approximate bytes held (what max_bytes bounds). */
  get heldBytes(): number {
    return this.bytes;
  }

  record(component: string, reason: string, count: number, input: DropSampleInput = {}): void {
    const limits = this.limits;
    if (!limits) return;
    const key = keyOf({ component, reason });
    let g = this.groups.get(key);
    const at = Date.now();
    if (!g) {
      if (this.groups.size >= MAX_DROP_GROUPS) this.evictGroup();
      g = { component, reason, total: 0, lastAt: at, samples: [], bytes: [], seqs: [], seq: 0 };
      this.groups.set(key, g);
    }
    const seq = ++this.seq;
    g.total += count;
    g.lastAt = at;
    g.seq = seq;
    const sample: Stored = { at, count, origin: { ...input.origin } };
    if (input.detail !== undefined) sample.detail = input.detail.slice(0, 500);
    if (input.path !== undefined) sample.path = input.path.slice(0, 200);
    if (limits.payloads && input.payload !== undefined) {
      const p = typeof input.payload === 'string' ? Buffer.from(input.payload) : input.payload;
      // A copy: the payload's buffer belongs to its sender.
      sample.raw = Buffer.from(p.subarray(0, limits.payload_bytes + REDACT_LOOKAHEAD));
      sample.rawLength = p.length;
    }
    const o = sample.origin;
    const size =
      SAMPLE_OVERHEAD_BYTES +
      (sample.raw?.length ?? 0) +
      (sample.detail?.length ?? 0) +
      (o.topic?.length ?? 0) +
      (o.client?.length ?? 0);
    g.samples.push(sample);
    g.bytes.push(size);
    g.seqs.push(seq);
    this.bytes += size;
    this.count++;
    this.order.push({ g, seq });
    while (g.samples.length > limits.per_reason) this.shift(g);
    while (this.bytes > limits.max_bytes && this.shiftOldest()) {
      // Oldest samples go first, whichever group they are in.
    }
    this.compact();
  }

  /** Drops the entries of `order` that no longer name a sample, once they outnumber the samples. */
  private compact(): void {
    const entries = this.order.length - this.head;
    if (entries <= 2 * this.count + 1024) return;
    this.order = this.order
      .slice(this.head)
      .filter((e) => this.groups.get(keyOf(e.g)) === e.g && e.g.seqs.includes(e.seq));
    this.head = 0;
  }

  private shift(g: Group): void {
    g.samples.shift();
    g.seqs.shift();
    this.bytes -= g.bytes.shift() ?? 0;
    this.count--;
  }

  /** Removes the oldest sample of all groups; false when none is left. */
  private shiftOldest(): boolean {
    while (this.head < this.order.length) {
      const e = this.order[this.head++];
      // Live when it is still its group's oldest sample (and the group still kept); else already gone.
      if (e && e.g.seqs[0] === e.seq && this.groups.get(keyOf(e.g)) === e.g) {
        this.shift(e.g);
        return true;
      }
    }
    return false;
  }

  private evictGroup(): void {
    let key: string | undefined;
    let last = Infinity;
    for (const [k, g] of this.groups) if (g.seq < last) [key, last] = [k, g.seq];
    if (key === undefined) return;
    const g = this.groups.get(key);
    for (const b of g?.bytes ?? []) this.bytes -= b;
    this.count -= g?.samples.length ?? 0;
    this.groups.delete(key);
  }

  /** Every group, most recent drop first, each with its samples newest first (copies). */
  list(): DropGroup[] {
    if (!this.limits) return [];
    return [...this.groups.values()]
      .sort((a, b) => b.seq - a.seq)
      .map((g) => ({
        component: g.component,
        reason: g.reason,
        total: g.total,
        last: new Date(g.lastAt).toISOString(),
        samples: g.samples.map((x) => this.shown(x)).reverse(),
      }));
  }

  /** The sample as listed: its payload decoded, redacted and cut on first listing (kept so, the raw bytes let go). */
  private shown(x: Stored): DropSample {
    const limits = this.limits;
    if (x.raw !== undefined && limits) Object.assign(x, payloadSample(x.raw, x.rawLength ?? x.raw.length, limits));
    delete x.raw;
    delete x.rawLength;
    const { at, ...rest } = x;
    return { time: new Date(at).toISOString(), ...rest };
  }
}
