// The last dropped items per component and reason, for an operator asking "what was dropped, from where, and why".
// Bounded in count (per reason, and in reasons) and in bytes (all samples together): a flood of invalid messages
// replaces old samples instead of growing memory. Payloads are cut to a few hundred bytes after the values of
// configured keys were redacted. Off until configured: a hub without a console keeps nothing.

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
export const REDACTED = '[REDACTED]';

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Redacts the values of `keys` in JSON text (also cut or invalid JSON) and in key=value text. */
export function redactText(text: string, keys: readonly string[]): string {
  if (keys.length === 0) return text;
  const names = keys.map(escapeRe).join('|');
  // "key": "value" (the value may be cut off at the end), "key": 123, key=value.
  const json = new RegExp(`("(?:${names})"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*(?:"|$)|[^,}\\]\\s]+)`, 'gi');
  const pairs = new RegExp(`(\\b(?:${names})\\s*=\\s*)([^\\s&;,]+)`, 'gi');
  return text.replace(json, `$1"${REDACTED}"`).replace(pairs, `$1${REDACTED}`);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The payload as kept: text redacted then cut, or the first bytes in base64 when it is not UTF-8. */
function payloadSample(
  payload: Uint8Array | string,
  limits: DropSampleLimits,
): Pick<DropSample, 'payload' | 'payload_encoding' | 'payload_bytes' | 'truncated'> {
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
  // Redaction reads a little past the cut, so a key just before it still has its value hidden.
  const head = bytes.subarray(0, limits.payload_bytes + 1024);
  let text: string | undefined;
  try {
    text = utf8.decode(head, { stream: head.length < bytes.length });
  } catch {
    text = undefined;
  }
  const truncated = bytes.length > limits.payload_bytes;
  if (text === undefined) {
    const b64 = Buffer.from(bytes.subarray(0, limits.payload_bytes)).toString('base64');
    return { payload: b64, payload_encoding: 'base64', payload_bytes: bytes.length, truncated };
  }
  const redacted = redactText(text, limits.redact_keys);
  const cut = Buffer.from(redacted)
    .subarray(0, limits.payload_bytes)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return {
    payload: cut,
    payload_encoding: 'utf8',
    payload_bytes: bytes.length,
    truncated: truncated || cut.length < redacted.length,
  };
}

interface Group extends DropGroup {
  bytes: number[];
  /** Per sample, its place in recording order (times can tie). */
  seqs: number[];
  /** The recording order of the group's last drop. */
  seq: number;
}

export class DropSamples {
  private limits: DropSampleLimits | undefined;
  private readonly groups = new Map<string, Group>();
  private bytes = 0;
  private seq = 0;

  /** Switches sampling on with `limits` (undefined: off, and what was kept is forgotten). */
  configure(limits: DropSampleLimits | undefined): void {
    this.limits = limits;
    if (!limits) {
      this.groups.clear();
      this.bytes = 0;
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
    const key = `${component}\u0000${reason}`;
    let g = this.groups.get(key);
    const time = new Date().toISOString();
    if (!g) {
      if (this.groups.size >= MAX_DROP_GROUPS) this.evictGroup();
      g = { component, reason, total: 0, last: time, samples: [], bytes: [], seqs: [], seq: 0 };
      this.groups.set(key, g);
    }
    const seq = ++this.seq;
    g.total += count;
    g.last = time;
    g.seq = seq;
    const sample: DropSample = { time, count, origin: { ...input.origin } };
    if (input.detail !== undefined) sample.detail = input.detail.slice(0, 500);
    if (input.path !== undefined) sample.path = input.path.slice(0, 200);
    if (limits.payloads && input.payload !== undefined) Object.assign(sample, payloadSample(input.payload, limits));
    const size =
      SAMPLE_OVERHEAD_BYTES +
      (sample.payload?.length ?? 0) +
      (sample.detail?.length ?? 0) +
      JSON.stringify(sample.origin).length;
    g.samples.push(sample);
    g.bytes.push(size);
    g.seqs.push(seq);
    this.bytes += size;
    while (g.samples.length > limits.per_reason) this.shift(g);
    while (this.bytes > limits.max_bytes && this.shiftOldest()) {
      // Oldest samples go first, whichever group they are in.
    }
  }

  private shift(g: Group): void {
    g.samples.shift();
    g.seqs.shift();
    this.bytes -= g.bytes.shift() ?? 0;
  }

  /** Removes the oldest sample of all groups; false when none is left. */
  private shiftOldest(): boolean {
    let oldest: Group | undefined;
    for (const g of this.groups.values()) {
      const s = g.seqs[0];
      if (s !== undefined && (oldest === undefined || s < (oldest.seqs[0] ?? Infinity))) oldest = g;
    }
    if (!oldest) return false;
    this.shift(oldest);
    return true;
  }

  private evictGroup(): void {
    let key: string | undefined;
    let last = Infinity;
    for (const [k, g] of this.groups) if (g.seq < last) [key, last] = [k, g.seq];
    if (key === undefined) return;
    for (const b of this.groups.get(key)?.bytes ?? []) this.bytes -= b;
    this.groups.delete(key);
  }

  /** Every group, most recent drop first, each with its samples newest first (copies). */
  list(): DropGroup[] {
    return [...this.groups.values()]
      .sort((a, b) => b.seq - a.seq)
      .map((g) => ({
        component: g.component,
        reason: g.reason,
        total: g.total,
        last: g.last,
        samples: [...g.samples].reverse(),
      }));
  }
}
