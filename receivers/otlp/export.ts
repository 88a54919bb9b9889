// What the gRPC and HTTP sides share: authenticate, decode, hand to the pipeline and wait until it settles. Each
// step turns its own failures into the answer the OTLP spec asks for (see status.ts).
import type { IncomingHeaders, ServerAuthenticator } from '../../core/auth.ts';
import type { ClientMetadata, Consumer } from '../../core/consumer.ts';
import type { RequestBudget } from './deadline.ts';
import type { Logger } from '../../core/logger.ts';
import type { PipelineType, SignalData } from '../../core/pdata/index.ts';
import { formatHostPort, parseHostPort } from '../../core/net.ts';
import { authFailure, consumeFailure, decodeFailure } from './status.ts';
import type { RequestReports } from './reports.ts';

export interface ExportDeps {
  /** Only signals some pipeline takes; the others are answered UNIMPLEMENTED / 404. */
  readonly consumers: Readonly<Partial<Record<PipelineType, Consumer>>>;
  readonly auth: ServerAuthenticator | undefined;
  readonly logger: Logger;
  /** Where failed requests are counted and logged. */
  readonly reports: RequestReports;
}

/** A bound listener. */
export interface Listening {
  /** `host:port` with the real port. */
  readonly endpoint: string;
  readonly port: number;
  shutdown(): Promise<void>;
}

export async function authenticate(deps: ExportDeps, headers: IncomingHeaders): Promise<void> {
  if (!deps.auth) return;
  try {
    await deps.auth.authenticate(headers);
  } catch (err) {
    throw authFailure(err);
  }
}

export function decode<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw decodeFailure(err);
  }
}

export async function consume(
  consumer: Consumer,
  data: SignalData,
  transport: 'grpc' | 'http',
  budget: RequestBudget,
  metadata?: ClientMetadata,
): Promise<void> {
  try {
    await budget.consume(consumer, data, metadata ? { transport, metadata } : { transport });
  } catch (err) {
    throw consumeFailure(err);
  }
}

/** `host:port` for logs and clients: the configured host (IPv6 in brackets) with the bound port. */
export function endpointOf(configured: string, port: number): string {
  return formatHostPort(parseHostPort(configured).host, port);
}
