/**
 * Every message between the extension host, the workers and the webviews, as discriminated
 * unions. The webview's tsconfig sees this file (and the pure data types of results.ts) only.
 */
import type { ExperimentResults, ProgressReport } from './results';

export type { ExperimentResults, ProgressReport } from './results';
import type { PlaneSpec, RowSegment, SegmentValues } from './core/landscape/types';

// ---- host ⇄ worker -------------------------------------------------------------------------

/**
 * Host → worker: run one experiment. `cancelFlag` is a SharedArrayBuffer holding one Int32 the
 * host sets to 1 to cancel (the worker reads it synchronously inside its loops); without it,
 * the host cancels by terminating the worker.
 */
export type WorkerRequest = { type: 'run'; jobId: number; config: unknown; baseDir: string; cancelFlag?: SharedArrayBuffer };

/** Worker → host. */
export type WorkerResponse =
  | { type: 'progress'; jobId: number; report: ProgressReport }
  | { type: 'done'; jobId: number; results: ExperimentResults }
  | { type: 'failed'; jobId: number; message: string };

/**
 * The worker pool's messages (src/pool) beyond a run: a plane's grid is split into row
 * segments; a worker builds the plane's evaluator once (plane-setup), then evaluates segments
 * one at a time. plane-values / plane-finished answer a worker's own plane-request (a running
 * experiment spreading its grid over every worker).
 */
export type PoolRequest =
  | WorkerRequest
  | { type: 'plane-setup'; planeId: number; spec: PlaneSpec; cancelFlag: SharedArrayBuffer }
  | { type: 'plane-segment'; planeId: number; segment: RowSegment }
  | { type: 'plane-release'; planeId: number }
  | { type: 'plane-values'; requestId: number; values: SegmentValues }
  | { type: 'plane-finished'; requestId: number; error?: string };

export type PoolResponse =
  | WorkerResponse
  | { type: 'segment-done'; planeId: number; values: SegmentValues }
  | { type: 'segment-stopped'; planeId: number; segment: RowSegment }
  | { type: 'plane-failed'; planeId: number; message: string }
  | { type: 'plane-request'; jobId: number; requestId: number; spec: PlaneSpec; segments: RowSegment[] };

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
  /**
   * The page asks for the whole current state whenever it loads or becomes visible, and asks
   * again until a `state` with its `requestId` arrives: a message VS Code drops before the page
   * listens costs nothing.
   */
  | { type: 'requestState'; requestId: number }
  /** Race optimizers (names as a config writes them) on a built-in surface from a start point. */
  | { type: 'runRace'; surface: string; optimizers: string[]; start: [number, number] }
  /** Re-run the shown surface race from a new start (a click on the contour). */
  | { type: 'setStart'; start: [number, number] }
  | { type: 'openRun'; id: string }
  | { type: 'cancelRun' }
  /** Save a chart or its data through the host's save dialog; `data` is text, or base64 for binary (PNG). */
  | { type: 'saveFile'; fileName: string; data: string; encoding: 'utf8' | 'base64' };

/** What a page needs to draw from scratch: the host's current state, not a replay of events. */
export interface ViewSnapshot {
  history: RunSummary[];
  currentId?: string;
  run?: RunSummary;
  results?: ExperimentResults;
  /** False while the shown run is still going. */
  final: boolean;
  progress?: { fraction: number; message: string };
}

/**
 * Host → webview. `state` answers a `requestState` (same `requestId`) from the host's state;
 * `results`, `progress` and `history` are updates while the page is up.
 */
export type HostToWebview =
  | ({ type: 'state'; requestId: number } & ViewSnapshot)
  | { type: 'results'; results: ExperimentResults; final: boolean; run?: RunSummary }
  | { type: 'progress'; fraction: number; message: string }
  | { type: 'history'; runs: RunSummary[]; currentId?: string };
