// How an exporter's attempts have gone lately, for the console (core/inspect.ts): whether its destination takes
// data, since when it fails, how many attempts in a row failed, the last error and when. Updated per attempt with
// a few assignments; read only when the console asks.
import { errorMessage } from '../../core/errors.ts';
import type { QueueView } from './queue-sender.ts';

export class DeliveryState {
  private failingSince: string | undefined;
  private failures = 0;
  private lastError: { message: string; at: string } | undefined;
  private lastSuccess: string | undefined;

  /** Records the outcome of `p` (one attempt) and passes it on unchanged. */
  async track<T>(p: Promise<T>): Promise<T> {
    try {
      const r = await p;
      this.failingSince = undefined;
      this.failures = 0;
      this.lastSuccess = new Date().toISOString();
      return r;
    } catch (err) {
      const at = new Date().toISOString();
      this.failingSince ??= at;
      this.failures++;
      this.lastError = { message: errorMessage(err).slice(0, 500), at };
      throw err;
    }
  }

  view(queues: QueueView[]): Record<string, unknown> {
    const state = this.failures > 0 ? 'failing' : this.lastSuccess !== undefined ? 'ok' : 'idle';
    return {
      queues,
      delivery: {
        state,
        consecutive_failures: this.failures,
        ...(this.failingSince !== undefined && { failing_since: this.failingSince }),
        ...(this.lastSuccess !== undefined && { last_success_at: this.lastSuccess }),
        ...(this.lastError && { last_error: this.lastError.message, last_error_at: this.lastError.at }),
      },
    };
  }
}
