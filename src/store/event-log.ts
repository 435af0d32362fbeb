/**
 * events.jsonl, the append-only log of a run folder (format 2), and run.json while the run goes.
 *
 * A run started by the CLI makes its staging folder (`<out>.partial-<pid>`) before it starts and
 * writes there, as it goes: run.json with `status: "running"`, the writer's `pid` and a
 * `heartbeatAt` refreshed every few seconds; and events.jsonl, one JSON object a line, appended
 * (never rewritten) as results arrive through the runner's onProgress. A crash or a `kill -9`
 * leaves every line written so far; a reader ignores a last line cut short. At the end the save
 * (results-store.ts) adds results.json, the CSVs and the config to the same folder, replaces
 * run.json with the final record and claims the folder as before.
 *
 * Record kinds (every record has `kind` and `time`, an ISO date; DESIGN.md and the README list
 * their fields): start, progress (at most 2 a second), epoch, event, hessian, trajectory (per
 * optimizer, at most one a second unless its status changes), end.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { EpochRecord, ExperimentResults, HessianHistoryEntry, ProgressReport, TrainingEvent } from '../shared/results';
import type { RunRecord } from './run-record';

/** The log's file name in a run folder. */
export const EVENT_LOG = 'events.jsonl';
/** run.json's `format` for folders with an events.jsonl; folders without `format` are format 1. */
export const RUN_FORMAT = 2;
/** How often a running run's run.json gets a new heartbeatAt. */
export const HEARTBEAT_MS = 5_000;
/** Progress records at most this often. */
const PROGRESS_EVERY_MS = 500;
/** A trajectory's record at most this often (unless its status changes). */
const TRAJECTORY_EVERY_MS = 1_000;
/** Bytes read at a time by readEventLog. */
const READ_CHUNK = 1 << 20;

/** One line of events.jsonl. */
export type EventRecord =
  | { kind: 'start'; time: string; name: string; configPath?: string; pid: number }
  | { kind: 'progress'; time: string; fraction: number; message: string }
  | ({ kind: 'epoch'; time: string } & EpochRecord)
  | ({ kind: 'event'; time: string; event: TrainingEvent['kind'] } & Omit<TrainingEvent, 'kind'>)
  | ({ kind: 'hessian'; time: string; critical: HessianHistoryEntry['kind'] } & Omit<HessianHistoryEntry, 'kind'>)
  | { kind: 'trajectory'; time: string; label: string; status: string; step: number; point?: number[]; value?: number | null }
  | { kind: 'end'; time: string; status: string; reason?: string };

/** True while a process with this id exists and is not a zombie (EPERM: it exists, owned by another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
  // A killed process stays in the table as a zombie until its parent reaps it (a shell that
  // started it in the background may never): it runs nothing, so it is gone. Linux says so in
  // /proc/<pid>/stat, whose state letter follows the command name in parentheses.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // no /proc (macOS, Windows): the signal's answer stands
  }
}

/** Writes run.json through a temporary file and a rename, so a reader never sees half of it. */
export function writeRunJson(folder: string, record: RunRecord): void {
  const temporary = join(folder, `.run.json.${process.pid}.tmp`);
  writeFileSync(temporary, JSON.stringify(record, null, 2) + '\n');
  renameSync(temporary, join(folder, 'run.json'));
}

/**
 * The log of a run going in `folder` (its staging folder): writes the running run.json and the
 * start record at once, then records from `observe` (each runner's onProgress), and `end`.
 */
export class RunLog {
  private readonly fd: number;
  private readonly record: RunRecord;
  private readonly heartbeat: NodeJS.Timeout;
  private lastProgress = 0;
  private epochs = 0;
  private events = 0;
  private hessians = 0;
  private readonly trajectories = new Map<string, { time: number; status: string }>();
  private closed = false;

  constructor(readonly folder: string, start: { name: string; startedAt: string; configPath?: string }) {
    this.record = { name: start.name, status: 'running', startedAt: start.startedAt, configPath: start.configPath, format: RUN_FORMAT, pid: process.pid, heartbeatAt: new Date().toISOString() };
    writeRunJson(folder, this.record);
    this.fd = openSync(join(folder, EVENT_LOG), 'a');
    this.append({ kind: 'start', time: start.startedAt, name: start.name, configPath: start.configPath, pid: process.pid });
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Records what is new in `results` since the last call, and the progress (throttled). */
  observe(report: ProgressReport, results: ExperimentResults): void {
    if (this.closed) return;
    const now = Date.now();
    const time = new Date(now).toISOString();
    const lines: EventRecord[] = [];
    if (now - this.lastProgress >= PROGRESS_EVERY_MS || report.fraction >= 1) {
      this.lastProgress = now;
      lines.push({ kind: 'progress', time, fraction: report.fraction, message: report.message });
    }
    const history = results.training?.history ?? [];
    for (; this.epochs < history.length; this.epochs++) lines.push({ kind: 'epoch', time, ...history[this.epochs] });
    const events = results.training?.events ?? [];
    for (; this.events < events.length; this.events++) {
      const { kind, ...rest } = events[this.events];
      lines.push({ kind: 'event', time, event: kind, ...rest });
    }
    const hessians = results.hessian?.history ?? [];
    for (; this.hessians < hessians.length; this.hessians++) {
      const { kind, ...rest } = hessians[this.hessians];
      lines.push({ kind: 'hessian', time, critical: kind, ...rest });
    }
    for (const trajectory of results.trajectories ?? []) {
      const seen = this.trajectories.get(trajectory.label);
      const status = String(trajectory.status);
      // A finished trajectory's point does not move; a growing one is recorded at most once a second.
      if (seen && seen.status === status && (status !== 'running' || now - seen.time < TRAJECTORY_EVERY_MS)) continue;
      this.trajectories.set(trajectory.label, { time: now, status });
      const last = trajectory.points.length - 1;
      lines.push({ kind: 'trajectory', time, label: trajectory.label, status, step: trajectory.steps ?? Math.max(0, last), point: trajectory.points[last], value: trajectory.values?.[last] });
    }
    this.append(...lines);
  }

  /** The end record; stops the heartbeat. The final run.json is the save's. */
  end(status: string, reason?: string): void {
    if (this.closed) return;
    this.append({ kind: 'end', time: new Date().toISOString(), status, ...(reason ? { reason } : {}) });
    this.close();
  }

  /** Stops the heartbeat and closes the log (the folder is left as it is). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    closeSync(this.fd);
  }

  private beat(): void {
    try {
      writeRunJson(this.folder, { ...this.record, heartbeatAt: new Date().toISOString() });
    } catch {
      // The folder went (moved or removed by the user): the log's lines say what happened.
    }
  }

  /** Appends whole lines in one write: a kill between writes leaves whole lines only. */
  private append(...records: EventRecord[]): void {
    if (records.length === 0) return;
    writeSync(this.fd, records.map((record) => JSON.stringify(record) + '\n').join(''));
  }
}

/** readEventLog's answer: the whole records from the offset, and where the next read starts (after the last whole line). */
export interface EventLogRead {
  records: EventRecord[];
  nextOffset: number;
}

/**
 * The records of events.jsonl at `path` from byte `fromOffset` (0: the start): every whole line
 * (ending in a newline) that is a JSON object; a last line without its newline (being written, or
 * cut short by a crash) is left for the next read. Reads only from the offset on.
 */
export function readEventLog(path: string, fromOffset = 0): EventLogRead {
  const fd = openSync(path, 'r');
  try {
    return readEventLogFd(fd, fromOffset);
  } finally {
    closeSync(fd);
  }
}

/** readEventLog on an open file (a follower keeps it open, so a rename of the folder does not lose it). */
export function readEventLogFd(fd: number, fromOffset = 0): EventLogRead {
  const size = fstatSync(fd).size;
  const records: EventRecord[] = [];
  let offset = fromOffset;
  let pending: Buffer = Buffer.alloc(0);
  let position = fromOffset;
  while (position < size) {
    const chunk = Buffer.alloc(Math.min(READ_CHUNK, size - position));
    const read = readSync(fd, chunk, 0, chunk.length, position);
    if (read === 0) break;
    position += read;
    pending = pending.length ? Buffer.concat([pending, chunk.subarray(0, read)]) : chunk.subarray(0, read);
    let start = 0;
    for (let newline = pending.indexOf(10, start); newline !== -1; newline = pending.indexOf(10, start)) {
      const record = parseLine(pending.toString('utf8', start, newline));
      if (record) records.push(record);
      offset += newline + 1 - start;
      start = newline + 1;
    }
    pending = pending.subarray(start);
  }
  return { records, nextOffset: offset };
}

function parseLine(line: string): EventRecord | undefined {
  try {
    const record = JSON.parse(line) as unknown;
    return record !== null && typeof record === 'object' && typeof (record as { kind?: unknown }).kind === 'string' ? (record as EventRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** What a log holds, for `show`: counts by kind, the last epoch, events, analyses, each trajectory's last record, the end. */
export interface EventLogSummary {
  counts: Record<string, number>;
  lastEpoch?: EventRecord & { kind: 'epoch' };
  lastProgress?: EventRecord & { kind: 'progress' };
  events: (EventRecord & { kind: 'event' })[];
  hessians: (EventRecord & { kind: 'hessian' })[];
  trajectories: (EventRecord & { kind: 'trajectory' })[];
  end?: EventRecord & { kind: 'end' };
}

/** Summarizes records as they are read (keeps counts and the last of each series, not every record). */
export function summarizeEventLog(records: Iterable<EventRecord>, into: EventLogSummary = { counts: {}, events: [], hessians: [], trajectories: [] }): EventLogSummary {
  const trajectories = new Map(into.trajectories.map((record) => [record.label, record]));
  for (const record of records) {
    into.counts[record.kind] = (into.counts[record.kind] ?? 0) + 1;
    if (record.kind === 'epoch') into.lastEpoch = record;
    else if (record.kind === 'progress') into.lastProgress = record;
    else if (record.kind === 'event') into.events.push(record);
    else if (record.kind === 'hessian') into.hessians.push(record);
    else if (record.kind === 'trajectory') trajectories.set(record.label, record);
    else if (record.kind === 'end') into.end = record;
  }
  into.trajectories = [...trajectories.values()];
  return into;
}
