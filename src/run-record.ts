/** run.json of a run folder: how the run ended and where its config came from. Its presence marks a folder the tool wrote. */
import { readFileSync } from 'node:fs';
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
    const record = JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8')) as Partial<RunRecord>;
    if (typeof record.name !== 'string' || typeof record.status !== 'string' || typeof record.startedAt !== 'string') return undefined;
    return record as RunRecord;
  } catch {
    return undefined;
  }
}
