/**
 * The host's side of the run-folder worker (src/store/run-folder-worker.ts): saves and opens run folders
 * on that thread, so the host's event loop never waits for JSON.stringify of a whole run, for
 * JSON.parse of results.json or for the file writes. The worker starts on the first request and
 * is replaced when it dies. When the worker cannot run (its bundle missing, a crash), the request
 * is done on this thread instead, after a log line: slower for the host, but the run is saved.
 */
import { Worker } from 'node:worker_threads';
import { PartialSaveError, type RunToSave } from '../../store/results-store';
import type { OpenedRunFolder, RunFolderReply, RunFolderRequest } from '../../store/run-folder-messages';
import { answerRunFolderRequest } from '../../store/run-folder-requests';

type Pending = { resolve: (value: RunFolderReply) => void; reject: (error: Error) => void };
type RequestBody = RunFolderRequest extends infer R ? (R extends RunFolderRequest ? Omit<R, 'id'> : never) : never;

export class RunFolderIo {
  private worker?: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(
    private readonly workerPath: string,
    private readonly onFallback: (reason: string) => void = () => undefined,
  ) {}

  /** Writes the run into a new folder under `runsDir`; resolves with its path. Rejects with a PartialSaveError when only part was saved. */
  async writeRunFolder(runsDir: string, run: RunToSave): Promise<string> {
    return (await this.request({ kind: 'write', runsDir, run })) as string;
  }

  /** Reads a run folder: results (throws a clear error when results.json is missing or not results), run.json and the config text. */
  async openRunFolder(folder: string): Promise<OpenedRunFolder> {
    return (await this.request({ kind: 'open', folder })) as OpenedRunFolder;
  }

  private async request(body: RequestBody): Promise<string | OpenedRunFolder> {
    const id = this.nextId++;
    const request = { ...body, id } as RunFolderRequest;
    let reply: RunFolderReply;
    try {
      reply = await new Promise<RunFolderReply>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        this.started().postMessage(request);
      });
    } catch (error) {
      this.onFallback(`${(error as Error).message}; ${request.kind === 'write' ? 'saving' : 'opening'} the run folder on the extension host's thread instead`);
      reply = await answerRunFolderRequest(request);
    }
    if (reply.ok) return reply.value;
    throw reply.partialFolder ? new PartialSaveError(reply.message, reply.partialFolder) : new Error(reply.message);
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerPath);
    worker.unref(); // never keeps the host process alive on its own
    worker.on('message', (reply: RunFolderReply) => {
      const pending = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      pending?.resolve(reply);
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
    };
    worker.on('error', (error) => fail(new Error(`the run-folder worker failed: ${error.message}`)));
    worker.on('exit', (code) => fail(new Error(`the run-folder worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  /** Stops the worker; requests still waiting fail. */
  dispose(): void {
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
  }
}
