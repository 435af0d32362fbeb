/**
 * Every message between the extension host, the workers and the webviews, as discriminated
 * unions. The webview's tsconfig sees this file (and the pure data types of results.ts) only.
 */
import type { ExperimentResults, ProgressReport } from './results';

export type { ExperimentResults, ProgressReport } from './results';

// ---- host ⇄ worker -------------------------------------------------------------------------

/** Host → worker. */
export type WorkerRequest = { type: 'run'; jobId: number; config: unknown; baseDir: string };

/** Worker → host. */
export type WorkerResponse =
  | { type: 'progress'; jobId: number; report: ProgressReport }
  | { type: 'done'; jobId: number; results: ExperimentResults }
  | { type: 'failed'; jobId: number; message: string };

// ---- host ⇄ webview ------------------------------------------------------------------------

/** Webview → host. */
export type WebviewToHost = { type: 'ready' };

/** Host → webview. */
export type HostToWebview = { type: 'results'; results: ExperimentResults; final: boolean };
