/**
 * A worker thread that saves and opens run folders, so the extension host's thread never
 * serializes a whole run to JSON, parses results.json or writes the CSVs itself. It does what the
 * CLI does synchronously (results-store.ts), one request at a time; src/host/runs/run-folder-io.ts
 * is its client.
 */
import { parentPort } from 'node:worker_threads';
import type { RunFolderRequest } from './run-folder-messages';
import { answerRunFolderRequest } from './run-folder-requests';

const port = parentPort;
if (!port) throw new Error('run-folder-worker runs as a worker thread');
let queue: Promise<void> = Promise.resolve();
port.on('message', (request: RunFolderRequest) => {
  queue = queue.then(async () => port.postMessage(await answerRunFolderRequest(request)));
});
