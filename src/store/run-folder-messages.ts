/** What the extension host and its run-folder worker (run-folder-worker.ts) say to each other. */
import type { ExperimentResults } from '../shared/results';
import type { RunRecord, RunToSave } from './results-store';

export type RunFolderRequest =
  | { id: number; kind: 'write'; runsDir: string; run: RunToSave }
  | { id: number; kind: 'open'; folder: string };

/** A run folder as opened: its results, its run.json and the config it saved. */
export interface OpenedRunFolder {
  results: ExperimentResults;
  record?: RunRecord;
  configText?: string;
}

/** `value` is the new folder for a write, an OpenedRunFolder for an open; a failed write that saved part names `partialFolder`. */
export type RunFolderReply =
  | { id: number; ok: true; value: string | OpenedRunFolder }
  | { id: number; ok: false; message: string; partialFolder?: string };
