/**
 * What the webview shows: the latest results (merged from partial updates), the run they
 * belong to, and the view choices a user made (tab, replay step, log levels, hidden series),
 * persisted through VS Code's webview state so a hidden or reloaded view comes back as it was.
 */
import type { ExperimentResults, RunSummary } from '../src/protocol';

export interface ViewState {
  /** The run whose results are shown (the host reloads it after a window reload). */
  runId?: string;
  tab?: string;
  /** Replay position: the step each trajectory is drawn up to; undefined = the whole run. */
  step?: number;
  /** Contour levels: undefined = chosen from the field's shape. */
  logLevels?: boolean;
  /** Legend selection per chart: series name → shown. */
  legend: Record<string, Record<string, boolean>>;
}

export interface AppState {
  results?: ExperimentResults;
  final: boolean;
  run?: RunSummary;
  progress?: { fraction: number; message: string };
  history: RunSummary[];
  currentRunId?: string;
  view: ViewState;
  playing: boolean;
}

/** The view state restored from VS Code, or a fresh one when it is missing or from an older shape. */
export function initialViewState(restored: unknown): ViewState {
  const fresh: ViewState = { legend: {} };
  if (typeof restored !== 'object' || restored === null) return fresh;
  const candidate = restored as Partial<ViewState>;
  return {
    runId: typeof candidate.runId === 'string' ? candidate.runId : undefined,
    tab: typeof candidate.tab === 'string' ? candidate.tab : undefined,
    step: typeof candidate.step === 'number' ? candidate.step : undefined,
    logLevels: typeof candidate.logLevels === 'boolean' ? candidate.logLevels : undefined,
    legend: typeof candidate.legend === 'object' && candidate.legend !== null ? candidate.legend : {},
  };
}

/** The longest trajectory's step count: the end of the replay slider. */
export function replayLength(results: ExperimentResults | undefined): number {
  return Math.max(0, ...(results?.trajectories ?? []).map((trajectory) => trajectory.points.length - 1));
}
