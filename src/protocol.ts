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

/** A run as the history lists it; `id` is its folder's name under the results folder. */
export interface RunSummary {
  id: string;
  name: string;
  status: 'running' | 'completed' | 'failed' | 'cancelled';
  /** Why a run failed or was cancelled. */
  reason?: string;
  startedAt: string;
  finishedAt?: string;
}

/**
 * Webview → host. The host validates every message (src/host/messages-logic.ts) and ignores,
 * with a log line, anything else. The panel and the side view send the same messages.
 */
export type WebviewToHost =
  | { type: 'ready' }
  /** Race optimizers (names as a config writes them) on a built-in surface from a start point. */
  | { type: 'runRace'; surface: string; optimizers: string[]; start: [number, number] }
  /** Re-run the shown surface race from a new start (a click on the contour). */
  | { type: 'setStart'; start: [number, number] }
  | { type: 'openRun'; id: string }
  | { type: 'cancelRun' }
  /** Save a chart or its data through the host's save dialog; `data` is text, or base64 for binary (PNG). */
  | { type: 'saveFile'; fileName: string; data: string; encoding: 'utf8' | 'base64' };

/** Host → webview. The host re-sends `history` and the current `results` after every `ready`. */
export type HostToWebview =
  | { type: 'results'; results: ExperimentResults; final: boolean; run?: RunSummary }
  | { type: 'progress'; fraction: number; message: string }
  | { type: 'history'; runs: RunSummary[]; currentId?: string };
