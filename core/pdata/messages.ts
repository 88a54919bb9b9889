// The `messages` stream: raw broker messages on their way to a converter (schema, correlation, ...).
// Settlement is the consume promise: see core/consumer.ts.

/** MQTT v5 PUBLISH properties that travel with a message. All are optional on the wire. */
export interface MessageProperties {
  /** In order, keys may repeat (MQTT allows it). */
  userProperties: [string, string][];
  contentType?: string;
  correlationData?: Uint8Array;
  /** Seconds the message may live, counted from when the broker sent it. */
  messageExpiryInterval?: number;
  /** true when the publisher declared the payload UTF-8 text. */
  payloadFormatIndicator?: boolean;
  responseTopic?: string;
  subscriptionIdentifiers?: number[];
}

export interface Message {
  topic: string;
  payload: Uint8Array;
  qos: 0 | 1 | 2;
  retain: boolean;
  dup: boolean;
  properties: MessageProperties;
  /** When the receiver took the message, nanoseconds since the Unix epoch. */
  receivedUnixNano: bigint;
}

export interface Messages {
  messages: Message[];
}

export function message(
  fields: Omit<Partial<Message>, 'payload'> & { topic: string; payload: Uint8Array | string },
): Message {
  const { payload, ...rest } = fields;
  return {
    qos: 0,
    retain: false,
    dup: false,
    properties: { userProperties: [] },
    receivedUnixNano: 0n,
    ...rest,
    payload: typeof payload === 'string' ? new TextEncoder().encode(payload) : payload,
  };
}

/** The first value of user property `key`, or undefined. */
export function userProperty(m: Message, key: string): string | undefined {
  for (const [k, v] of m.properties.userProperties) if (k === key) return v;
  return undefined;
}

/** true when the message's expiry interval has passed at `nowUnixNano`. */
export function isExpired(m: Message, nowUnixNano: bigint): boolean {
  const exp = m.properties.messageExpiryInterval;
  if (exp === undefined) return false;
  return nowUnixNano - m.receivedUnixNano > BigInt(exp) * 1_000_000_000n;
}
