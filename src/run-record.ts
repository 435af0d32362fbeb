/** run.json of a run folder: how the run ended and where its config came from. Its presence marks a folder the tool wrote. */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary } from './results';

export type RunStatus = Exclude<RunSummary['status'], 'running'>;

/** What run.json holds: how the run ended and where its config came from. */
export interface RunRecord {
  name: string;
  status: RunStatus;
  reason?: string;
  startedAt: string;
  finishedAt: string;
  /** The config file the run came from, when there was one. */
  configPath?: string;
}

/** run.json of a run folder, or undefined when it is missing or not a run record. */
export function readRunRecord(folder: string): RunRecord | undefined {
  try {
    return parseRunRecord(readFileSync(join(folder, 'run.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** readRunRecord without blocking: for the extension host's thread. */
export async function readRunRecordAsync(folder: string): Promise<RunRecord | undefined> {
  try {
    return parseRunRecord(await readFile(join(folder, 'run.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** run.json's text as a record, or undefined when it lacks a name, status or start time (throws when it is not JSON). */
function parseRunRecord(text: string): RunRecord | undefined {
  const record = JSON.parse(text) as Partial<RunRecord>;
  if (typeof record.name !== 'string' || typeof record.status !== 'string' || typeof record.startedAt !== 'string') return undefined;
  return record as RunRecord;
}
