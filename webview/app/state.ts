/**
 * What the webview shows: the latest results (merged from partial updates), the run they
 * belong to, and the view choices a user made (tab, replay step, log levels, hidden series),
 * persisted through VS Code's webview state so a hidden or reloaded view comes back as it was.
 */
import type { ExperimentResults, RunSummary } from '../../src/shared/results';
import type { ComparedRun } from '../../src/host/webview/pure/protocol';

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
  /** The runs compared (their ids): the comparison lives here and in the host's memory only. */
  compare?: string[];
  /** Runs ticked in the run list. */
  ticked: string[];
  /** The run list's name filter. */
  filter: string;
  /** Per chart: log (true) or linear (false) y axis, where the user chose. */
  logAxes: Record<string, boolean>;
  /** On/off view options per chart, keyed "chartId:key" (ignore outliers, relative x), where the user chose. */
  toggles: Record<string, boolean>;
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
  /** The runs being compared, as the host sent them. */
  comparison?: ComparedRun[];
  /** Smoothing weight of compared training curves (remembered per workspace by the host). */
  smoothing: number;
}

/** The view state restored from VS Code, or a fresh one when it is missing or from an older shape. */
export function initialViewState(restored: unknown): ViewState {
  const fresh: ViewState = { legend: {}, ticked: [], filter: '', logAxes: {}, toggles: {} };
  if (typeof restored !== 'object' || restored === null) return fresh;
  const candidate = restored as Partial<ViewState>;
  return {
    runId: typeof candidate.runId === 'string' ? candidate.runId : undefined,
    tab: typeof candidate.tab === 'string' ? candidate.tab : undefined,
    step: typeof candidate.step === 'number' ? candidate.step : undefined,
    logLevels: typeof candidate.logLevels === 'boolean' ? candidate.logLevels : undefined,
    legend: typeof candidate.legend === 'object' && candidate.legend !== null ? candidate.legend : {},
    compare: stringList(candidate.compare),
    ticked: stringList(candidate.ticked) ?? [],
    filter: typeof candidate.filter === 'string' ? candidate.filter : '',
    logAxes: typeof candidate.logAxes === 'object' && candidate.logAxes !== null ? candidate.logAxes : {},
    toggles: typeof candidate.toggles === 'object' && candidate.toggles !== null ? candidate.toggles : {},
  };
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : undefined;
}

/** The longest trajectory's step count: the end of the replay slider. */
export function replayLength(results: ExperimentResults | undefined): number {
  return Math.max(0, ...(results?.trajectories ?? []).map((trajectory) => trajectory.points.length - 1));
}
