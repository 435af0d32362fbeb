/**
 * run.json of a run folder: how the run ended and where its config came from. It tells an earlier
 * run from other files in messages and in the run list; it grants nothing (no folder is replaced
 * because it has one).
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunStatus } from '../shared/results';
import { processAlive } from './event-log';

/**
 * What run.json holds: how the run ended (or `running` while it goes) and where its config came
 * from. Format 2 (`format: 2`) folders also have events.jsonl; a folder without `format` is format 1.
 */
export interface RunRecord {
  name: string;
  status: RunStatus | 'running';
  reason?: string;
  startedAt: string;
  /** Missing while the run goes. */
  finishedAt?: string;
  /** The config file the run came from, when there was one. */
  configPath?: string;
  /** 2 for folders with an events.jsonl (event-log.ts); missing in format 1. */
  format?: number;
  /** The writing process, while `running`. */
  pid?: number;
  /** When the writer last refreshed run.json, while `running` (every few seconds). */
  heartbeatAt?: string;
}

/** run.json of a run folder, or undefined when it is missing or not a run record. */
export function readRunRecord(folder: string): RunRecord | undefined {
  const read = readRunRecordChecked(folder);
  return 'record' in read ? read.record : undefined;
}

/** readRunRecord without blocking: for the extension host's thread. */
export async function readRunRecordAsync(folder: string): Promise<RunRecord | undefined> {
  const read = await readRunRecordCheckedAsync(folder);
  return 'record' in read ? read.record : undefined;
}

/**
 * run.json as read: its record; `missing` when the folder has none (not a run folder); or
 * `problem`, why a run.json that is there cannot be used (the run list shows such a folder as
 * unreadable rather than leaving it out).
 */
export type RunRecordRead = { record: RunRecord } | { missing: true } | { problem: string };

/** run.json of `folder`, with why it cannot be used when it is there but unreadable. */
export function readRunRecordChecked(folder: string): RunRecordRead {
  let text: string;
  try {
    text = readFileSync(join(folder, 'run.json'), 'utf8');
  } catch (error) {
    return unreadFile(error);
  }
  return checkRunRecord(text);
}

/** readRunRecordChecked without blocking: for the extension host's thread. */
export async function readRunRecordCheckedAsync(folder: string): Promise<RunRecordRead> {
  let text: string;
  try {
    text = await readFile(join(folder, 'run.json'), 'utf8');
  } catch (error) {
    return unreadFile(error);
  }
  return checkRunRecord(text);
}

function unreadFile(error: unknown): RunRecordRead {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { missing: true };
  return { problem: code === 'EISDIR' ? 'it is a folder, not a file' : `it cannot be read (${(error as Error).message})` };
}

/** run.json's text as a record, or the problem with it: not JSON, or no name, status or start time. */
function checkRunRecord(text: string): RunRecordRead {
  let record: Partial<RunRecord> | null;
  try {
    record = JSON.parse(text) as Partial<RunRecord> | null;
  } catch (error) {
    return { problem: text.trim() === '' ? 'it is empty' : `it is not JSON (${(error as Error).message})` };
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return { problem: 'it is not a JSON object' };
  const lacking = (['name', 'status', 'startedAt'] as const).filter((field) => typeof record[field] !== 'string');
  if (lacking.length > 0) return { problem: `its ${lacking.map((field) => `"${field}"`).join(', ')} ${lacking.length === 1 ? 'is' : 'are'} missing or not text` };
  // A run whose writer is gone (killed before it could say how it ended) is stopped.
  if (record.status === 'running' && typeof record.pid === 'number' && !processAlive(record.pid)) return { record: { ...(record as RunRecord), status: 'stopped', reason: record.reason ?? 'the writing process is gone' } };
  return { record: record as RunRecord };
}
