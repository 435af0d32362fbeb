/**
 * `landscape-lens tail`: follows a run's events.jsonl (store/event-log.ts) from its last offset,
 * printing each record as a line, until an `end` record or until the writing process is gone
 * without one. The file is kept open, so the save renaming the staging folder onto its target at
 * the end does not lose it; a file watcher wakes the reader where there is one, and a 250 ms poll
 * covers file systems where there is not. Nothing in the folder is written.
 */
import { closeSync, openSync, type FSWatcher, type watch as fsWatch } from 'node:fs';
import { formatValue } from './summary';
import { processAlive, readEventLogFd, type EventRecord } from '../store/event-log';
import type { RunRecord } from '../store/run-record';

/** How often the log is read when no watcher event comes. */
export const POLL_MS = 250;

/** A record as one line of text: "epoch 3: loss 0.1234, accuracy 95.1%", "[ 42%] message"… */
export function describeRecord(record: EventRecord): string {
  switch (record.kind) {
    case 'start':
      return `started ${record.name} (process ${record.pid})${record.configPath ? ` from ${record.configPath}` : ''}`;
    case 'progress':
      return `[${(100 * record.fraction).toFixed(0).padStart(3)}%] ${record.message}`;
    case 'epoch': {
      const accuracy = typeof record.trainAccuracy === 'number' ? `, accuracy ${(100 * record.trainAccuracy).toFixed(1)}%` : '';
      const test = typeof record.testLoss === 'number' ? `, test loss ${formatValue(record.testLoss)}` : '';
      return `epoch ${record.epoch}: loss ${formatValue(record.loss)}${test}${accuracy}${record.saddle ? ' (saddle)' : ''}`;
    }
    case 'event':
      return `epoch ${record.epoch}: ${record.event}: ${record.message}`;
    case 'hessian':
      return `Hessian at epoch ${record.epoch} (${record.reason}): λmin ${formatValue(record.lambdaMin)}, λmax ${formatValue(record.lambdaMax)}, ${record.negativeCount} negative: ${record.critical}`;
    case 'trajectory':
      return `trajectory ${record.label}: ${record.status} after ${record.step} steps${record.point ? ` at (${record.point.map((value) => formatValue(value, 4)).join(', ')})` : ''}, value ${formatValue(record.value)}`;
    case 'end':
      return `${record.status}${record.reason ? `: ${record.reason}` : ''}`;
    default:
      return JSON.stringify(record);
  }
}

export interface TailOptions {
  print: (line: string) => void;
  /** fs.watch, or undefined to poll only. */
  watch?: typeof fsWatch;
  /** Whether the writer still runs (default: its pid answers a signal 0). */
  alive?: (pid: number) => boolean;
}

/**
 * Prints the log at `path` from its start and as it grows. Resolves 0 when an `end` record says
 * completed, 1 when it says failed or cancelled, or when the writer (`record.pid`) is gone with no
 * `end` ("stopped: the writing process is gone"); Ctrl+C resolves 130.
 */
export function tailLog(path: string, record: RunRecord, options: TailOptions): Promise<number> {
  const alive = options.alive ?? processAlive;
  const fd = openSync(path, 'r');
  let offset = 0;
  let watcher: FSWatcher | undefined;
  return new Promise<number>((resolve) => {
    const poll: { timer?: NodeJS.Timeout } = {};
    const finish = (code: number) => {
      clearInterval(poll.timer);
      watcher?.close();
      process.off('SIGINT', onSignal);
      closeSync(fd);
      resolve(code);
    };
    const onSignal = () => finish(130);
    /** Prints what is new; true once the run's end is known (and finished with). */
    const read = (): boolean => {
      const { records, nextOffset } = readEventLogFd(fd, offset);
      offset = nextOffset;
      for (const line of records) {
        options.print(describeRecord(line));
        if (line.kind === 'end') {
          finish(line.status === 'completed' ? 0 : 1);
          return true;
        }
      }
      return false;
    };
    const tick = () => {
      if (read()) return;
      // Gone without an end: read once more (its last lines may have landed since), then say so.
      if (record.pid !== undefined && !alive(record.pid) && !read()) {
        options.print('stopped: the writing process is gone');
        finish(1);
      }
    };
    process.on('SIGINT', onSignal);
    if (read()) return;
    if (record.status !== 'running' && record.status !== 'stopped' && record.pid === undefined) {
      // A finished run's log without an end record (cut short while saving): nothing more will come.
      options.print(`${record.status}: the log has no end record`);
      finish(record.status === 'completed' ? 0 : 1);
      return;
    }
    try {
      watcher = options.watch?.(path, () => tick());
      watcher?.on('error', () => watcher?.close());
    } catch {
      // No watcher here (some network and virtual file systems): the poll reads it.
    }
    poll.timer = setInterval(tick, POLL_MS);
  });
}
