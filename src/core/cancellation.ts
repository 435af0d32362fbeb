/**
 * Anything with an `aborted` flag: an AbortSignal, or a worker's view of a SharedArrayBuffer
 * flag that the host sets, so long synchronous loops can stop without yielding.
 */
export interface Cancellation {
  readonly aborted: boolean;
}

/** The message of a run that was cancelled; what finished before is kept. */
export const CANCELLED = 'cancelled';
