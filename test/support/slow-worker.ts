/**
 * The engine's worker (src/backends/engine/worker.ts) made slow for tests of scheduling and cancellation: before
 * the real worker evaluates a grid segment, this one busy-waits SLOW_WORKER_MS_PER_POINT
 * milliseconds per point (2 by default), checking the plane's cancel flag between points as the
 * real evaluation does. Bundle it with esbuild as the pool's workerPath.
 */
import { parentPort } from 'node:worker_threads';

const millisecondsPerPoint = Number(process.env.SLOW_WORKER_MS_PER_POINT ?? 2);
const flags = new Map<number, Int32Array>();

parentPort?.on('message', (message: { type: string; planeId?: number; cancelFlag?: SharedArrayBuffer; segment?: { columns: number[] } }) => {
  if (message.type === 'plane-setup' && message.cancelFlag) flags.set(message.planeId!, new Int32Array(message.cancelFlag));
  if (message.type !== 'plane-segment') return;
  const flag = flags.get(message.planeId!);
  for (let point = 0; point < message.segment!.columns.length; point++) {
    if (flag && Atomics.load(flag, 0) !== 0) return;
    const until = performance.now() + millisecondsPerPoint;
    while (performance.now() < until) {
      // spin: a costly evaluation
    }
  }
});

// Registered after the listener above, so each segment waits first and is then evaluated for real.
void import('../../src/backends/engine/worker');
