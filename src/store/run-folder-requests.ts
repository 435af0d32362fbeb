/**
 * What a run-folder request does (save or open, with results-store.ts): the run-folder worker
 * (run-folder-worker.ts) answers requests with it, and its client (src/host/runs/run-folder-io.ts)
 * calls it in its own thread when the worker cannot run, so a run is saved either way.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PartialSaveError, readRunRecord, readRunResults, writeRunFolder } from './results-store';
import type { OpenedRunFolder, RunFolderReply, RunFolderRequest } from './run-folder-messages';

export async function answerRunFolderRequest(request: RunFolderRequest): Promise<RunFolderReply> {
  try {
    if (request.kind === 'write') return { id: request.id, ok: true, value: writeRunFolder(request.runsDir, request.run) };
    return { id: request.id, ok: true, value: await openRunFolder(request.folder) };
  } catch (error) {
    const partialFolder = error instanceof PartialSaveError ? error.folder : undefined;
    return { id: request.id, ok: false, message: (error as Error).message ?? String(error), partialFolder };
  }
}

/** results.json (long trajectories back from their CSVs), run.json and the saved config's text (when it is there). */
async function openRunFolder(folder: string): Promise<OpenedRunFolder> {
  const results = readRunResults(folder);
  const record = readRunRecord(folder);
  const configText = await readFile(join(folder, 'config.landscape.json'), 'utf8').catch(() => undefined);
  return { results, record, configText };
}
