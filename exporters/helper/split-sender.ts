// Splits a request the destination refused for a reason splitting may get around (see Refusal in core/errors.ts),
// between the queue and the retry sender: too large, and the halves are sent again; refused because of something
// in it (HTTP 400, 500, gRPC INVALID_ARGUMENT, INTERNAL, UNKNOWN), and the halves are sent again until the items the
// destination refuses on their own are found. Only those are dropped, counted by reason and logged rate-limited;
// everything sent alongside them is delivered and the request resolves, so a poisoned item never blocks the head of
// a queue. When every item was refused the request fails permanently, as one refused request did before.
// Halves go one after the other, in order, each through the retry sender; a retryable failure of any of them fails
// the request retryably (the halves already delivered are sent again with it: at least once, as everywhere).
// A destination that refuses every item (broken, or refusing the format) would cost 2n-1 requests per request of n
// items, 16,383 for 8192 spans (27 s, bench BENCH=refusals): once MAX_REFUSED_ALONE items of a request were refused
// on their own, the parts of it refused after that are dropped whole instead of being split further.
import type { Counter } from 'prom-client';
import type { ConsumeContext } from '../../core/consumer.ts';
import { DropReporter } from '../../core/drop-reporter.ts';
import type { ConsumerError, Refusal } from '../../core/errors.ts';
import { errorMessage, permanentError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { PipelineType } from '../../core/pdata/index.ts';
import { itemCount } from '../../core/pdata/index.ts';
import { halve } from '../../core/pdata/halve.ts';
import type { Telemetry } from '../../core/telemetry.ts';
import type { PartialSuccess } from '../../otlp/index.ts';
import { asConsumerError } from './retry-sender.ts';
import type { ExportData, Send, SendResult } from './send.ts';

const MAX_MESSAGE = 512;
/** Items of one request found refused on their own before the rest of what is refused is dropped without splitting. */
export const MAX_REFUSED_ALONE = 16;

interface Outcome {
  delivered: number;
  dropped: number;
  /** The destination's partial successes, summed. */
  partial?: PartialSuccess;
  /** The last refusal, when anything was dropped. */
  refusal?: ConsumerError;
}

function addPartial(a: PartialSuccess | undefined, b: PartialSuccess | undefined): PartialSuccess | undefined {
  if (!a || !b) return a ?? b;
  return { rejected: a.rejected + b.rejected, errorMessage: a.errorMessage || b.errorMessage };
}

export class SplitSender {
  private readonly counter: Counter;
  private readonly log: DropReporter;

  constructor(
    telemetry: Telemetry,
    private readonly exporter: string,
    logger: Logger,
    private readonly next: Send,
    intervalMs?: number,
  ) {
    this.counter = telemetry.counter({
      name: 'otelhub_exporter_dropped_items_total',
      help: 'Items dropped because the destination refused them on their own (reason too_large or refused); the rest of their requests was delivered.',
      labelNames: ['exporter', 'data_type', 'reason'],
    });
    this.log = new DropReporter(logger, {
      message: 'destination refused items on their own; dropped them',
      intervalMs,
      samples: { to: telemetry.inspector.drops, component: `exporter:${exporter}` },
    });
  }

  readonly send: Send = async (data: ExportData, signal: PipelineType, ctx?: ConsumeContext): Promise<SendResult> => {
    const out = await this.deliver(data, signal, itemCount(signal, data), { refusedAlone: 0 }, ctx);
    if (out.refusal && out.delivered === 0) {
      // Nothing got through: the request fails as a whole, with the destination's reason.
      const r = out.refusal;
      throw out.dropped > 1 ? permanentError(`all ${out.dropped} items refused: ${r.message}`, r) : r;
    }
    return out.partial ? { partialSuccess: out.partial } : {};
  };

  close(): void {
    this.log.close();
  }

  private async deliver(
    data: ExportData,
    signal: PipelineType,
    n: number,
    budget: { refusedAlone: number },
    ctx: ConsumeContext | undefined,
  ): Promise<Outcome> {
    let err: ConsumerError;
    try {
      const r = await this.next(data, signal, ctx);
      return { delivered: n, dropped: 0, partial: r.partialSuccess };
    } catch (e) {
      err = asConsumerError(e);
    }
    if (err.retryable || !err.refusal) throw err;
    let halves: [ExportData, ExportData] | undefined;
    try {
      halves = budget.refusedAlone < MAX_REFUSED_ALONE ? halve(signal, data, n) : undefined;
    } catch (e) {
      // A bug in splitting must not turn into an unexpected error: the request fails as the destination said.
      throw permanentError(`${err.message} (and it could not be split: ${errorMessage(e)})`, err);
    }
    if (!halves) {
      if (n === 1) budget.refusedAlone++;
      this.drop(signal, n, err.refusal, err);
      return { delivered: 0, dropped: n, refusal: err };
    }
    const [a, b] = halves;
    const first = await this.deliver(a, signal, itemCount(signal, a), budget, ctx);
    const second = await this.deliver(b, signal, itemCount(signal, b), budget, ctx);
    return {
      delivered: first.delivered + second.delivered,
      dropped: first.dropped + second.dropped,
      partial: addPartial(first.partial, second.partial),
      refusal: second.refusal ?? first.refusal,
    };
  }

  private drop(signal: PipelineType, n: number, reason: Refusal, err: ConsumerError): void {
    this.counter.inc({ exporter: this.exporter, data_type: signal, reason }, n);
    this.log.drop(`${signal}: ${reason}`, n, { data_type: signal, error: err.message.slice(0, MAX_MESSAGE) });
  }
}
