/**
 * The shape of results.json: what an experiment produces. Pure data (no functions), shared by
 * core, host, worker, CLI and webview.
 */

/**
 * Why a trajectory stopped: a gradient-norm tolerance was met, the step budget ran out, it
 * diverged (f or ∇f infinite, or |x| beyond the bound), it reached a point where f or ∇f is
 * undefined (NaN: outside where the expression is defined, e.g. log x at x ≤ 0), or the run was cancelled.
 */
export type TrajectoryStatus = 'converged' | 'max-steps' | 'cancelled' | `diverged at step ${number}` | `undefined at step ${number}`;

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
  /** Set only in what the views receive of a long trajectory: the arrays hold every stride-th step (and the last). */
  stride?: number;
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

/** Values of f on a regular grid: values[j * xs.length + i] = f(xs[i], ys[j]); null where f is not finite. */
export interface GridResult {
  xs: number[];
  ys: number[];
  values: (number | null)[];
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
  /** Hessian analysis (analyses.hessian): spectrum, extremes, trace, density, classification. */
  hessian?: HessianResult;
  /** Loss landscape (analyses.landscape): the loss on a plane or line through the weights, the training path projected on it. */
  landscape?: LandscapeResult;
  /** The backend that computed a model's analyses, when not the engine (the PyTorch backend). */
  backend?: BackendRecord;
  /** Seconds spent per phase. */
  timings: Record<string, number>;
  /** Problems met while running that did not stop the run (e.g. a diverged optimizer). */
  warnings: string[];
}

/** What computed a run outside the engine: the PyTorch backend, its Python, torch, device and dtype. */
export interface BackendRecord {
  /** "pytorch". */
  name: string;
  /** The Python version, e.g. "3.11.2". */
  python: string;
  /** torch.__version__. */
  torch: string;
  /** "cpu", "cuda:0", … */
  device: string;
  /** "float32", "float64". */
  dtype: string;
  /** Parameters of the model. */
  parameters: number;
  /** The interpreter's path. */
  interpreter?: string;
  /** The backend package's version. */
  version?: string;
  /** The Dask cluster that evaluated the landscape's points and the Hessian's probes (config.cluster): the scheduler's address, or "a local cluster of N worker process(es)". */
  cluster?: string;
  /** Leaf modules with parameters. */
  modules?: { name: string; type: string; parameters: number }[];
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
  /** Absolute path of the trained weights written (training.saveWeights). */
  savedWeights?: string;
}

/**
 * How a run ended: all done, cancelled (what finished is kept) or failed (what finished is kept);
 * or, read from a run folder, stopped: its run.json still says running but the writing process is
 * gone (killed), and what it finished is in its events.jsonl.
 */
export type RunStatus = 'completed' | 'cancelled' | 'failed' | 'stopped';

/** A run as the history lists it; `id` is its folder's name under the results folder. */
export interface RunSummary {
  id: string;
  name: string;
  status: 'running' | RunStatus;
  /** Why a run failed or was cancelled. */
  reason?: string;
  startedAt: string;
  finishedAt?: string;
  /** Set for a folder whose run.json is there but cannot be read: why (the run list shows it, not as a run to open). */
  unreadable?: string;
}

/** A progress report streamed while an experiment runs. */
export interface ProgressReport {
  /** Fraction done in [0, 1]. */
  fraction: number;
  message: string;
  /** The results so far, when a part finished (a trajectory, a grid level, an epoch). */
  partial?: Partial<ExperimentResults>;
}

/** An eigenpair found by Lanczos or power iteration, with its residual ‖Hv − λv‖. */
export interface HessianEigenpairResult {
  value: number;
  residual: number;
  /** Unit eigenvector, when eigenvectors were asked for. */
  vector?: number[];
}

/** The Hessian at one point (a surface's start, a model's weights) or of one layer's block. */
export interface HessianResult {
  /** Parameters analysed. */
  dimension: number;
  /** "exact" (Hessian-vector products) or "finite-difference" (central differences of the gradient). */
  method: 'exact' | 'finite-difference';
  /** The point, for surfaces (models are too large to repeat here). */
  point?: number[];
  /** ‖∇f‖ at the point: the classification describes a critical point only when this is small. */
  gradientNorm?: number;
  /** The whole spectrum, ascending (dense path). */
  eigenvalues?: number[];
  /** eigenvectors[k] belongs to eigenvalues[k], when asked. */
  eigenvectors?: number[][];
  /** Largest first. */
  top?: HessianEigenpairResult[];
  /** Most negative first. */
  bottom?: HessianEigenpairResult[];
  /**
   * How the extremes were found. converged: every residual ‖Hv − λv‖ ≤ tolerance·max|λ|;
   * tolerance (PyTorch's Lanczos) is the one asked for, or in float32, when the residuals miss it,
   * what float32 products reach (√ε, 3.5e-4), the warnings saying so.
   */
  solver?: { name: 'lanczos' | 'power'; products: number; restarts?: number; converged: boolean; tolerance?: number };
  /**
   * The trace's estimate with its standard error (Hutch++: the remainder's); `exact` = Σλ when the
   * full spectrum is known. method: the estimator (absent in results written before Hutch++: Hutchinson's);
   * probes: the Hessian-vector products spent; sketch: Hutch++'s k (k products for the sketch, k
   * for the exact tr(QᵀHQ), probes − 2k for the remainder).
   */
  trace?: { method?: 'hutchinson' | 'hutch++'; estimate: number; standardError: number; probes: number; sketch?: number; exact?: number };
  /** Stochastic Lanczos quadrature density (Ghorbani et al. 2019), with its smoothing convention. */
  density?: {
    grid: number[];
    values: number[];
    convention: { width: number; widthConvention: 'variance' | 'standard-deviation'; scaleWidthByRange: boolean; sigma: number; sampling: 'cell-average' };
    steps: number;
    probes: number;
    integral: number;
  };
  classification?: HessianClassification;
  /** The loss along the top and the most negative eigenvector. */
  slices?: { direction: 'top' | 'bottom'; eigenvalue: number; steps: number[]; values: number[] }[];
  /** The same analysis on each layer's block (P·H·Pᵀ). */
  layers?: (HessianResult & { name: string; offset: number; length: number })[];
  /** Analyses during training (every N epochs, detector events, the end). */
  history?: HessianHistoryEntry[];
  /** Hessian-vector products spent. */
  products: number;
  seconds: number;
}

/**
 * What the Hessian's eigenvalues say about a point (core/hessian/classify.ts): minimum, maximum,
 * saddle of an index, or degenerate, with a tolerance relative to max|λ|.
 */
export interface HessianClassification {
  kind: CriticalPointKind;
  /** Eigenvalues below −threshold (a saddle's index); a lower bound when only the ends of the spectrum were computed (`complete` false). */
  index: number;
  /** Eigenvalues within ±threshold, counted as zero (only what was computed). */
  zeroCount: number;
  /** |λmin/λmax| (Li et al. 2018's map of non-convexity); 0 when λmax is 0. */
  negativeRatio: number;
  /** threshold = relativeTolerance·max|λ|. */
  threshold: number;
  relativeTolerance: number;
  /** True when the whole spectrum was known; false when only its ends were (Lanczos). */
  complete: boolean;
}

/** One analysis during training. */
export interface HessianHistoryEntry {
  epoch: number;
  /** Why it ran: every N epochs, a detector event, or the end of training. */
  reason: 'every' | 'event' | 'end';
  lambdaMax: number;
  lambdaMin: number;
  /** Eigenvalues below −threshold among those computed. */
  negativeCount: number;
  kind: CriticalPointKind;
}

/**
 * The loss on a line or plane through the weights, θ(α, β) = θ* + α·d₁ + β·d₂ (Li et al. 2018).
 * Grids are row-major: loss[j·alphas.length + i] at (alphas[i], betas[j]); null where not
 * computed (a cancelled run). While refining, partial results hold a coarser grid (stride > 1).
 */
export interface LandscapeResult {
  directions: 'random' | 'pca' | 'hessian' | 'interpolation';
  normalization: 'filter' | 'layer' | 'model' | 'unit' | 'none';
  dimensions: 1 | 2;
  alphas: number[];
  /** [0] for a 1-D line. */
  betas: number[];
  loss: (number | null)[];
  /** Classification accuracy in [0, 1] at each point (classifiers only). */
  accuracy?: (number | null)[];
  /** Rows of data the loss is averaged over. */
  samples: number;
  /** The training path projected on the plane (least squares); residual is each point's distance off the plane as a share of its distance from the plane's centre (α = β = 0, the weights the plane is drawn through). */
  trajectory?: {
    alpha: number[];
    beta: number[];
    residual: number[];
    /** The loss on the plane at each projected point θ(αₜ, βₜ), evaluated once the grid is whole; null where cancelled or not finite. */
    loss?: (number | null)[];
  };
  /** PCA directions: the fraction of the path's variance along each axis. */
  explainedVariance?: number[];
  /** Hessian directions: the eigenvalues of d₁ (largest) and d₂ (most negative). */
  eigenvalues?: number[];
  /** Grid step of this level in points of the final grid (1 = the full resolution). */
  stride: number;
  /** False when cancelled part-way. */
  complete: boolean;
}
