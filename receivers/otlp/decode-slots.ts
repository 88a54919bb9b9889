// A cap on HTTP requests whose bodies are read and decoded at once. Each may hold max_request_body_size in memory,
// then its text and the decoded data besides: twenty bombs at once must not mean twenty times that. Requests past the
// cap wait in arrival order with their bodies unread (TCP holds the client back), until a slot frees, the client
// goes away, or the wait passes the receiver's response_timeout: then 503 with Retry-After, which OTLP clients retry.
import { GrpcStatus, RequestFailure, UNAVAILABLE_TEXT, abortedFailure } from './status.ts';

/** What a client refused for lack of a slot is told to wait before sending again. */
export const DECODE_SLOT_RETRY_AFTER_MS = 1_000;

interface Waiter {
  grant(): void;
}

export class DecodeSlots {
  private used = 0;
  private readonly waiting: Waiter[] = [];

  constructor(readonly max: number) {}

  /**
   * Resolves with the release function once a slot is this request's; rejects with a 503 after `waitMs` (0: no
   * limit) or when `gone` aborts. Release exactly once (later calls do nothing): the slot goes to the next waiter.
   */
  acquire(waitMs: number, gone: AbortSignal): Promise<() => void> {
    if (gone.aborted) return Promise.reject(abortedFailure('closed while waiting for a decode slot'));
    if (this.used < this.max) {
      this.used++;
      return Promise.resolve(this.releaser());
    }
    return new Promise<() => void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const leave = (err: unknown): void => {
        clearTimeout(timer);
        gone.removeEventListener('abort', onGone);
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(err);
      };
      const onGone = (): void => leave(abortedFailure('closed while waiting for a decode slot'));
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(timer);
          gone.removeEventListener('abort', onGone);
          resolve(this.releaser());
        },
      };
      this.waiting.push(waiter);
      gone.addEventListener('abort', onGone, { once: true });
      if (waitMs > 0)
        timer = setTimeout(
          () =>
            leave(
              new RequestFailure(503, GrpcStatus.UNAVAILABLE, UNAVAILABLE_TEXT, DECODE_SLOT_RETRY_AFTER_MS, undefined, {
                kind: 'unavailable',
                detail: `waited response_timeout for one of max_concurrent_decodes (${this.max}) slots`,
              }),
            ),
          waitMs,
        );
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next.grant();
      else this.used--;
    };
  }
}
