/**
 * Run-folder storage: a run's results folder written and read back, shared by the extension host
 * and the CLI. results-store.ts saves (into a visible `<target>.partial-<pid>` staging folder,
 * claimed without replacing anything), lists and opens run folders; output-folder.ts decides where
 * a run may go (nothing of the user's is ever deleted or overwritten); run-record.ts is run.json;
 * event-log.ts the run's events.jsonl, appended while it goes (with the running run.json);
 * trajectory-csv.ts a trajectory's CSV; json-file-writer.ts writes results.json piece by piece.
 * The run-folder worker (run-folder-worker.ts, bundled to dist/run-folder-worker.js) does the
 * host's saves and opens off its thread: run-folder-messages.ts is its channel,
 * run-folder-requests.ts what a request does (src/host/runs/run-folder-io.ts is its client).
 */
export { LONG_TRAJECTORY_POINTS, PartialSaveError, listRuns, listRunsAsync, readRunResults, renameRun, resultsJson, runFolderName, writeResults, writeResultsAsync, writeRunFolder, type RunToSave, type WriteOptions } from './results-store';
export { readRunRecord, readRunRecordAsync, type RunRecord } from './run-record';
