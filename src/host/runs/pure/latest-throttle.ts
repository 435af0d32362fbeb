/**
 * Passes on at most one value per interval, always the latest: the first at once, the ones that
 * come faster held and replaced, the last one held sent when its interval is over (or on flush).
 * The host uses it for partial results, which the views only need a few times a second. Pure: no `vscode`.
 */
export interface LatestThrottle<T> {
  /** Offers a value: sent now when the interval since the last send is over, else held (replacing one held before). */
  push(value: T): void;
  /** Sends the held value now, if any. */
  flush(): void;
  /** Drops the held value and stops the timer (the caller sends something newer itself). */
  cancel(): void;
}

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, milliseconds: number): unknown;
  clearTimeout(timer: unknown): void;
}

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, milliseconds) => setTimeout(callback, milliseconds),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

export function latestThrottle<T>(send: (value: T) => void, intervalMilliseconds: number, clock: Clock = realClock): LatestThrottle<T> {
  let lastSent = -Infinity;
  let held: { value: T } | undefined;
  let timer: unknown;
  const sendHeld = () => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    if (!held) return;
    const { value } = held;
    held = undefined;
    lastSent = clock.now();
    send(value);
  };
  return {
    push(value) {
      held = { value };
      const wait = lastSent + intervalMilliseconds - clock.now();
      if (wait <= 0) sendHeld();
      else if (timer === undefined) timer = clock.setTimeout(sendHeld, wait);
    },
    flush: sendHeld,
    cancel() {
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      held = undefined;
    },
  };
}
