/**
 * The shape of results.json: what an experiment produces. Pure data (no functions), shared by
 * core, host, worker, CLI and webview.
 */

/** Why a trajectory stopped: a gradient-norm tolerance was met, the step budget ran out, or it diverged. */
export type TrajectoryStatus = 'converged' | 'max-steps' | `diverged at step ${number}`;

export interface TrajectoryResult {
  label: string;
  optimizer: string;
  /** Resolved parameters (defaults filled in), as torch names them. */
  parameters: Record<string, number | boolean | number[]>;
  /** Points from the start point on: points[0] is the start, points[k] after k steps. */
  points: number[][];
  values: number[];
  gradientNorms: number[];
  /** Ascending Hessian eigenvalues at each point (surfaces only). */
  hessianEigenvalues?: number[][];
  learningRates: number[];
  status: TrajectoryStatus;
  /** Steps taken. */
  steps: number;
}

export type CriticalPointKind = 'minimum' | 'maximum' | 'saddle' | 'degenerate';

export interface CriticalPointResult {
  point: number[];
  value: number;
  /** Ascending Hessian eigenvalues. */
  eigenvalues: number[];
  kind: CriticalPointKind;
  /** Number of negative eigenvalues (a saddle's index). */
  index: number;
}

/** Values of f on a regular grid: values[j * xs.length + i] = f(xs[i], ys[j]). */
export interface GridResult {
  xs: number[];
  ys: number[];
  values: number[];
}

export interface SurfaceResult {
  name: string;
  formula: string;
  domain: [[number, number], [number, number]];
  grid: GridResult;
}

export interface ExperimentResults {
  /** Version of this format. */
  format: 1;
  name: string;
  seed: number;
  createdAt: string;
  surface?: SurfaceResult;
  trajectories?: TrajectoryResult[];
  criticalPoints?: CriticalPointResult[];
  /** Network training: per-epoch history and saddle-monitoring events. */
  training?: TrainingResult;
  /** Seconds spent per phase. */
  timings: Record<string, number>;
  /** Problems met while running that did not stop the run (e.g. a diverged optimizer). */
  warnings: string[];
}

/** One epoch of network training. Losses are the model's loss over the set after the epoch. */
export interface EpochRecord {
  /** 1-based. */
  epoch: number;
  loss: number;
  testLoss?: number;
  /** Classification only. */
  trainAccuracy?: number;
  testAccuracy?: number;
  /** ‖∇L‖: of the full-batch gradient, or of the mean of the epoch's mini-batch gradients. */
  gradientNorm: number;
  learningRate: number;
  /** Wall time of the epoch's training steps and metrics. */
  seconds: number;
  /** The saddle detector flagged this epoch. */
  saddle?: boolean;
}

/** Saddle detected, learning rate boosted, plateau (epochs start..endEpoch), early stop, divergence. */
export interface TrainingEvent {
  epoch: number;
  kind: 'detected' | 'boosted' | 'plateau' | 'stopped' | 'diverged';
  message: string;
  endEpoch?: number;
}

export interface TrainingResult {
  /** Layer widths, activations, loss, parameter count. */
  model: { layers: number[]; activations: string[]; loss: string; bias: boolean; parameters: number };
  data: { name: string; trainRows: number; testRows: number; features: number; classes?: number };
  optimizer: string;
  batchSize: number;
  history: EpochRecord[];
  events: TrainingEvent[];
  /** Why training ended. */
  status: 'completed' | 'early-stopped' | 'cancelled' | `diverged at epoch ${number}`;
}

/** A progress report streamed while an experiment runs. */
export interface ProgressReport {
  /** Fraction done in [0, 1]. */
  fraction: number;
  message: string;
  /** The results so far, when a part finished (a trajectory, a grid level, an epoch). */
  partial?: Partial<ExperimentResults>;
}
