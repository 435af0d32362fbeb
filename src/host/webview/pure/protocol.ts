/**
 * Every message between the extension host and its two webviews (the results panel and the
 * side view), as discriminated unions shared by both sides. The webview's tsconfig sees this
 * file and the pure data types of src/shared/results.ts only; nothing here imports `vscode`.
 */
import type { ExperimentResults, RunSummary } from '../../../shared/results';

export type { ExperimentResults, RunSummary } from '../../../shared/results';

/** A run of a comparison: its summary, results and the config it ran (parsed; undefined when unreadable). */
export interface ComparedRun {
  summary: RunSummary;
  results: ExperimentResults;
  config?: unknown;
}

/** What a page needs to draw from scratch: the host's current state, not a replay of events. */
export interface ViewSnapshot {
  history: RunSummary[];
  currentId?: string;
  run?: RunSummary;
  results?: ExperimentResults;
  /** False while the shown run is still going. */
  final: boolean;
  progress?: { fraction: number; message: string };
  /** The runs being compared (two or more), when a comparison is shown. */
  comparison?: ComparedRun[];
  /** The training curves' smoothing weight in [0, 1), remembered per workspace. */
  smoothing: number;
}

/** Most runs one comparison holds. */
export const MAX_COMPARED_RUNS = 12;

/**
 * Webview → host. The host validates every message (src/host/webview/pure/message-validation.ts) and ignores,
 * with a log line, anything else. The panel and the side view send the same messages.
 */
export type WebviewToHost =
  /**
   * The page asks for the whole current state whenever it loads or becomes visible, and asks
   * again until a `state` with its `requestId` arrives: a message VS Code drops before the page
   * listens costs nothing. `compare` carries the comparison the page's saved state holds (after
   * a window reload the host has none).
   */
  | { type: 'requestState'; requestId: number; compare?: string[] }
  /** Re-run the shown surface race from a new start (a click on the contour). */
  | { type: 'setStart'; start: [number, number] }
  /** Show a saved run; `inPanel` also opens the results panel at it (from the side view). */
  | { type: 'openRun'; id: string; inPanel?: boolean }
  /** Compare these runs (two or more) in the panel; an empty list ends the comparison. */
  | { type: 'compareRuns'; ids: string[] }
  /** "Compare with…": the host asks which runs to compare this one with. */
  | { type: 'compareWith'; id: string }
  /** Rename a run (its run.json name; the host asks for the new name). */
  | { type: 'renameRun'; id: string }
  /** Delete runs to the trash (the host asks to confirm). */
  | { type: 'deleteRuns'; ids: string[] }
  | { type: 'revealRun'; id: string }
  /** Open the config a run ran, as saved in its folder. */
  | { type: 'openRunConfig'; id: string }
  | { type: 'setSmoothing'; smoothing: number }
  | { type: 'cancelRun' }
  /** Save a chart or its data through the host's save dialog; `data` is text, or base64 for binary (PNG). */
  | { type: 'saveFile'; fileName: string; data: string; encoding: 'utf8' | 'base64' };

/**
 * Host → webview. `state` answers a `requestState` (same `requestId`) from the host's state;
 * the others are updates while the page is up.
 */
export type HostToWebview =
  | ({ type: 'state'; requestId: number } & ViewSnapshot)
  | { type: 'results'; results: ExperimentResults; final: boolean; run?: RunSummary }
  | { type: 'progress'; fraction: number; message: string }
  | { type: 'history'; runs: RunSummary[]; currentId?: string }
  /** The comparison to show (an empty list: back to the single run). */
  | { type: 'comparison'; runs: ComparedRun[] };
