/**
 * A worker thread that saves and opens run folders, so the extension host's thread never
 * serializes a whole run to JSON, parses results.json or writes the CSVs itself. It does what the
 * CLI does synchronously (src/results-store.ts), one request at a time; src/host/run-folder-io.ts
 * is its client.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { PartialSaveError, readRunRecord, readRunResults, writeRunFolder } from './results-store';
import type { RunFolderReply, RunFolderRequest, OpenedRunFolder } from './run-folder-messages';

async function answer(request: RunFolderRequest): Promise<RunFolderReply> {
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

const port = parentPort;
if (!port) throw new Error('run-folder-worker runs as a worker thread');
let queue: Promise<void> = Promise.resolve();
port.on('message', (request: RunFolderRequest) => {
  queue = queue.then(async () => port.postMessage(await answer(request)));
});
