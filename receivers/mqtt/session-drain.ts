// When a session that receives no new messages (its shared subscriptions removed) has given up all it held: the
// broker sends what it queued for the session, and nothing says when that is over, so "drained" is a quiet period
// with nothing in flight. A message that failed in the pipelines stays unacknowledged and is only sent again on a
// new connection, so the session is then not drained, and must not be ended.

/** What the drain watches: read every poll. */
export interface DrainState {
  /** Milliseconds since the last message arrived. */
  idleFor(): number;
  /** Messages still in the pipelines or waiting for their PUBACK. */
  busy(): boolean;
  /** Messages given up on so far (a count, compared with its value when the drain began). */
  abandoned(): number;
  /** The receiver is shutting down: stop waiting. */
  cancelled(): boolean;
}

const POLL_MS = 100;

/** true once quiet for `idleMs` with nothing in flight; false when a message was abandoned or `until` came first. */
export async function waitDrained(state: DrainState, idleMs: number, until: number): Promise<boolean> {
  const abandonedBefore = state.abandoned();
  for (;;) {
    if (state.abandoned() !== abandonedBefore || state.cancelled()) return false;
    if (state.idleFor() >= idleMs && !state.busy()) return true;
    if (Date.now() + POLL_MS >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
