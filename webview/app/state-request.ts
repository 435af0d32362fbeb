/**
 * The page's side of the state protocol: ask the host for the whole state (with an id) when the
 * page loads or becomes visible, and ask again, backing off, until an answer with that id (or a
 * later one) arrives. Whatever the host posted before the page listened no longer matters.
 */

/** First retry after this long; each next one waits twice as long, up to MAX_RETRY_MS. */
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 4000;

export interface StateRequester {
  /** Sends a new request (superseding an unanswered one) and keeps repeating it until answered. */
  request(): void;
  /** Notes an answer; true when it answers the latest request (retries stop). */
  answered(requestId: number): boolean;
}

/** The timer functions the requester uses (the page's own, or a test clock). */
export interface Timers {
  setTimeout(handler: () => void, milliseconds: number): unknown;
  clearTimeout(id: unknown): void;
}

const pageTimers: Timers = {
  setTimeout: (handler, milliseconds) => globalThis.setTimeout(handler, milliseconds),
  clearTimeout: (id) => globalThis.clearTimeout(id as number),
};

export function createStateRequester(send: (requestId: number) => void, timers: Timers = pageTimers): StateRequester {
  let latest = 0;
  let waiting = false;
  let timer: unknown;
  const schedule = (delay: number): void => {
    timer = timers.setTimeout(() => {
      if (!waiting) return;
      send(latest);
      schedule(Math.min(delay * 2, MAX_RETRY_MS));
    }, delay);
  };
  return {
    request() {
      if (timer !== undefined) timers.clearTimeout(timer);
      latest += 1;
      waiting = true;
      send(latest);
      schedule(FIRST_RETRY_MS);
    },
    answered(requestId) {
      if (requestId < latest) return false;
      waiting = false;
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = undefined;
      return true;
    },
  };
}
