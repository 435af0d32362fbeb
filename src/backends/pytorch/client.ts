/**
 * The PyTorch backend as a child process and a JSON-RPC connection over its stdio
 * (vscode-jsonrpc, the Language Server Protocol's framing). Started as `<python> -u -m
 * landscape_lens` with the extension's python/ folder on PYTHONPATH and the config's folder as
 * working directory. stderr is free text, forwarded line by line. A request settles with its
 * answer, or rejects with BackendExited when the process ends first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { delimiter } from 'node:path';
import { createInterface } from 'node:readline';
import { CancellationTokenSource, createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
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

export class BackendProcess {
  private readonly child: ChildProcess;
  private readonly connection: MessageConnection;
  private readonly stderrTail: string[] = [];
  /** Settles when the process has ended, with how. */
  readonly exited: Promise<BackendExited>;
  private hasExited = false;

  constructor(options: BackendProcessOptions) {
    const pythonPath = [options.packageDir, process.env.PYTHONPATH].filter(Boolean).join(delimiter);
    this.child = spawn(options.python, ['-u', '-m', 'landscape_lens'], {
      cwd: options.cwd,
      env: { ...process.env, PYTHONPATH: pythonPath, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' },
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.exited = new Promise((resolve) => {
      const end = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.hasExited) return;
        this.hasExited = true;
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
    this.connection = createMessageConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification('progress', (params: ProgressParams) => options.onProgress?.(params));
    // A write after the process ended (a closed pipe) surfaces through `exited`, not as an uncaught error.
    this.child.stdin!.on('error', () => undefined);
    this.connection.onError(() => undefined);
    this.connection.listen();
  }

  get running(): boolean {
    return !this.hasExited;
  }

  /** Sends a request; cancelling `token` sends $/cancelRequest. Rejects with BackendExited if the process ends first, or the backend's ResponseError. */
  request<R>(method: string, params: unknown, token?: CancellationTokenSource): Promise<R> {
    if (this.hasExited) return this.exited.then((exit) => Promise.reject(exit));
    // vscode-jsonrpc counts every argument after the method as a parameter unless it is a token: pass only what is there.
    const args: unknown[] = params === undefined ? [] : [params];
    if (token) args.push(token.token);
    const answer = this.connection.sendRequest<R>(method, ...(args as []));
    return Promise.race([answer, this.exited.then((exit) => Promise.reject(exit))]);
  }

  /** Asks the backend to end (shutdown, then exit); kills it when it has not ended within `graceMs`. */
  async shutdown(graceMs = 2000): Promise<void> {
    if (this.hasExited) return this.dispose();
    const timer = setTimeout(() => this.kill(), graceMs);
    try {
      await this.request('shutdown', undefined);
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
    this.connection.dispose();
  }
}

export { CancellationTokenSource };
