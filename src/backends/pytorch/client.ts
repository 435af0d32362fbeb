/**
 * The PyTorch backend as a child process and a JSON-RPC connection over its stdio
 * (vscode-jsonrpc, the Language Server Protocol's framing). Started as `<python> -u -m
 * landscape_lens` with the extension's python/ folder on PYTHONPATH and the config's folder as
 * working directory. stderr is free text, forwarded line by line. A request settles with its
 * answer, or rejects with BackendExited when the process ends first, or with TransportError when
 * the channel breaks (a frame over the size limit, unreadable JSON, a bad array file, a stream
 * closed while the process lives): the backend is then ended, since nothing it says can be trusted
 * to arrive. Large arrays come as files in a temporary folder this side creates and removes
 * (channel.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { CancellationTokenSource, createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { ArrayFolder, FrameLimit, TransportError } from './channel';
import type { ProgressParams } from './protocol';

/** The backend process ended (crashed, was killed or exited) before answering. */
export class BackendExited extends Error {
  /** The last line the process wrote to stderr, if any. */
  readonly lastLine?: string;

  constructor(readonly code: number | null, readonly signal: NodeJS.Signals | null, stderrTail: string[]) {
    super(`the PyTorch backend ${signal ? `was killed (${signal})` : `exited with code ${code}`}`);
    this.name = 'BackendExited';
    this.lastLine = stderrTail.filter((line) => line.trim()).at(-1)?.trim();
  }
}

export interface BackendProcessOptions {
  /** The interpreter. */
  python: string;
  /** The folder holding the landscape_lens package (prepended to PYTHONPATH). */
  packageDir: string;
  /** Working directory: the config's folder. */
  cwd: string;
  onProgress?: (params: ProgressParams) => void;
  onStderr?: (line: string) => void;
}

/** Lines of stderr kept for the message of a crash. */
const STDERR_TAIL = 20;
/** After the backend's output closes, how long its exit may take to be seen before the close counts as a broken channel. */
const EXIT_AFTER_CLOSE_MS = 1000;

export class BackendProcess {
  private readonly child: ChildProcess;
  private readonly connection: MessageConnection;
  private readonly stderrTail: string[] = [];
  private readonly arrays: ArrayFolder;
  /** Settles when the process has ended, with how. */
  readonly exited: Promise<BackendExited>;
  private hasExited = false;
  /** Settles when the channel broke (never after a shutdown this side asked for). */
  private readonly broken: Promise<TransportError>;
  private breakWith!: (error: TransportError) => void;
  private brokenError?: TransportError;
  private closing = false;

  constructor(options: BackendProcessOptions) {
    const pythonPath = [options.packageDir, process.env.PYTHONPATH].filter(Boolean).join(delimiter);
    this.arrays = new ArrayFolder(mkdtempSync(join(tmpdir(), 'landscape-lens-arrays-')));
    this.child = spawn(options.python, ['-u', '-m', 'landscape_lens'], {
      cwd: options.cwd,
      env: { ...process.env, PYTHONPATH: pythonPath, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8', LANDSCAPE_LENS_ARRAY_DIR: this.arrays.path },
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.broken = new Promise((resolve) => (this.breakWith = resolve));
    this.exited = new Promise((resolve) => {
      const end = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.hasExited) return;
        this.hasExited = true;
        this.removeArrays();
        resolve(new BackendExited(code, signal, this.stderrTail));
      };
      this.child.once('exit', end);
      this.child.once('error', (error) => {
        this.stderrTail.push(`could not start ${options.python}: ${error.message}`);
        end(null, null);
      });
    });
    createInterface({ input: this.child.stderr! }).on('line', (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > STDERR_TAIL) this.stderrTail.shift();
      options.onStderr?.(line);
    });
    const frames = this.child.stdout!.pipe(new FrameLimit());
    this.connection = createMessageConnection(new StreamMessageReader(frames), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification('progress', (params: ProgressParams) => {
      let resolved: ProgressParams;
      try {
        resolved = this.resolveArrays(params);
      } catch {
        return;
      }
      options.onProgress?.(resolved);
    });
    // A write after the process ended (a closed pipe) surfaces through `exited`, not as an uncaught error.
    this.child.stdin!.on('error', () => undefined);
    // A message that cannot be read (too large, not JSON) would leave its request unanswered forever: fail instead.
    this.connection.onError(([error]) => this.fail(error));
    this.connection.onClose(() => {
      // The process ending closes its output too: that is reported by `exited`, with how it ended.
      const grace = setTimeout(() => this.fail(new TransportError('the PyTorch backend closed its output while still running')), EXIT_AFTER_CLOSE_MS);
      void this.exited.then(() => clearTimeout(grace));
    });
    this.connection.listen();
  }

  get running(): boolean {
    return !this.hasExited;
  }

  /** The folder of the backend's array files (removed when the process ends). */
  get arrayFolder(): string {
    return this.arrays.path;
  }

  /** Sends a request; cancelling `token` sends $/cancelRequest. Rejects with BackendExited if the process ends first, TransportError if the channel breaks, or the backend's ResponseError. */
  request<R>(method: string, params: unknown, token?: CancellationTokenSource): Promise<R> {
    if (this.brokenError) return Promise.reject(this.brokenError);
    if (this.hasExited) return this.exited.then((exit) => Promise.reject(exit));
    // vscode-jsonrpc counts every argument after the method as a parameter unless it is a token: pass only what is there.
    const args: unknown[] = params === undefined ? [] : [params];
    if (token) args.push(token.token);
    const answer = this.connection.sendRequest<R>(method, ...(args as [])).then((result) => this.resolveArrays(result));
    return Promise.race([answer, this.exited.then((exit) => Promise.reject(exit)), this.broken.then((error) => Promise.reject(error))]);
  }

  /** A message's array references read back; an unreadable one breaks the channel. */
  private resolveArrays<T>(value: T): T {
    try {
      return this.arrays.resolve(value);
    } catch (error) {
      this.fail(error as Error);
      throw this.brokenError;
    }
  }

  /** The channel broke: every pending request rejects with the reason, and the backend is ended. */
  private fail(error: Error): void {
    if (this.brokenError || this.closing) return;
    this.brokenError = error instanceof TransportError ? error : new TransportError(`cannot read the PyTorch backend's messages: ${error?.message ?? String(error)}`);
    this.breakWith(this.brokenError);
    this.kill();
  }

  private removeArrays(): void {
    rmSync(this.arrays.path, { recursive: true, force: true });
  }

  /** Asks the backend to end (shutdown, then exit); kills it when it has not ended within `graceMs`. */
  async shutdown(graceMs = 2000): Promise<void> {
    if (this.hasExited) return this.dispose();
    const timer = setTimeout(() => this.kill(), graceMs);
    try {
      await this.request('shutdown', undefined);
      this.closing = true;
      await this.connection.sendNotification('exit');
      // End of input too: the backend's stdin reader thread ends instead of blocking its interpreter's shutdown.
      this.child.stdin?.end();
      await this.exited;
    } catch {
      this.kill();
    } finally {
      clearTimeout(timer);
      this.dispose();
    }
  }

  /** Ends the process at once. */
  kill(): void {
    if (!this.hasExited) this.child.kill('SIGKILL');
  }

  private dispose(): void {
    this.closing = true;
    this.connection.dispose();
  }
}

export { CancellationTokenSource };
