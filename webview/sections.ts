/**
 * The optional result sections the charts draw (training, Hessian, landscape), in the shapes
 * the charts use. Training and Hessian follow src/results.ts; the landscape section is read
 * defensively by the field names of its issue (alphas, betas, loss, accuracy, trajectory,
 * explainedVariance) until its type lands, so a missing field leaves a chart out.
 */
import type { ExperimentResults } from '../src/protocol';

export interface EpochRecord {
  epoch: number;
  loss?: number;
  testLoss?: number;
  trainAccuracy?: number;
  testAccuracy?: number;
  gradientNorm?: number;
  learningRate?: number;
  seconds?: number;
}

/** A detector event or a plateau, normalized: `epoch` (and `endEpoch` for a region). */
export interface TrainingMark {
  kind: string;
  epoch: number;
  endEpoch?: number;
  message: string;
}

export interface TrainingView {
  history: EpochRecord[];
  events: TrainingMark[];
  plateaus: TrainingMark[];
  status: string;
}

/** λmax, λmin and the negative count at one epoch of training. */
export interface SpectrumRecord {
  epoch: number;
  top?: number;
  bottom?: number;
  negativeCount?: number;
  classification?: string;
}

/** The loss along one direction of parameter space (an eigenvector slice, an interpolation). */
export interface Slice {
  label: string;
  steps: number[];
  loss: number[];
  accuracy?: number[];
}

export interface HessianView {
  eigenvalues: number[];
  top: number[];
  bottom: number[];
  trace?: number;
  density?: { grid: number[]; values: number[] };
  classification?: string;
  /** Negative eigenvalues beyond the classification's tolerance (the saddle's index). */
  negativeCount?: number;
  history: SpectrumRecord[];
  slices: Slice[];
  /** Per-layer blocks: each layer's extreme eigenvalues. */
  layers: { name: string; top?: number; bottom?: number; trace?: number }[];
}

export interface LandscapeView {
  directions: string;
  dimensions: number;
  alphas: number[];
  betas: number[];
  /** Row-major over betas: loss[j * alphas.length + i] at (alphas[i], betas[j]); NaN where not computed. */
  loss: number[];
  accuracy?: number[];
  trajectory?: { alpha: number[]; beta: number[]; residual?: number[] };
  explainedVariance?: number[];
  /** Hessian directions: the eigenvalues of d₁ and d₂. */
  eigenvalues?: number[];
  complete: boolean;
  slices: Slice[];
}

type Loose = Record<string, unknown>;

const isRecord = (value: unknown): value is Loose => typeof value === 'object' && value !== null && !Array.isArray(value);
const numbers = (value: unknown): number[] => (Array.isArray(value) ? value.filter((item): item is number => typeof item === 'number') : []);
const text = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);
const records = (value: unknown): Loose[] => (Array.isArray(value) ? value.filter(isRecord) : []);

function section(results: ExperimentResults, name: string): Loose | undefined {
  const value = (results as unknown as Loose)[name];
  return isRecord(value) ? value : undefined;
}

function slicesOf(value: unknown): Slice[] {
  return records(value)
    .map((entry) => ({
      label: text(entry.label, text(entry.direction, 'slice')),
      steps: numbers(entry.steps ?? entry.alphas ?? entry.t),
      loss: numbers(entry.loss ?? entry.values),
      accuracy: Array.isArray(entry.accuracy) ? numbers(entry.accuracy) : undefined,
    }))
    .filter((slice) => slice.steps.length > 1 && slice.steps.length === slice.loss.length);
}

/** The training section (src/results.ts TrainingResult): plateaus are the events with an end epoch. */
export function trainingOf(results: ExperimentResults): TrainingView | undefined {
  const training = results.training;
  if (!training) return undefined;
  const marks = training.events.map((event): TrainingMark => ({ kind: event.kind, epoch: event.epoch, endEpoch: event.endEpoch, message: event.message }));
  return {
    history: training.history,
    events: marks.filter((mark) => mark.endEpoch === undefined),
    plateaus: marks.filter((mark) => mark.endEpoch !== undefined),
    status: training.status,
  };
}

/** "top eigenvector (λ = 1.38)". */
function sliceLabel(direction: 'top' | 'bottom', eigenvalue: number): string {
  return `${direction === 'top' ? 'top eigenvector' : 'most negative eigenvector'} (λ = ${Number(eigenvalue.toPrecision(3))})`;
}

/** The Hessian section (src/results.ts HessianResult), with the eigenvalues the charts need. */
export function hessianOf(results: ExperimentResults): HessianView | undefined {
  const hessian = results.hessian;
  if (!hessian) return undefined;
  const density = hessian.density && hessian.density.grid.length > 1 && hessian.density.grid.length === hessian.density.values.length ? { grid: hessian.density.grid, values: hessian.density.values } : undefined;
  return {
    eigenvalues: hessian.eigenvalues ?? [],
    top: (hessian.top ?? []).map((pair) => pair.value),
    bottom: (hessian.bottom ?? []).map((pair) => pair.value),
    trace: hessian.trace ? hessian.trace.exact ?? hessian.trace.estimate : undefined,
    density,
    classification: hessian.classification?.kind,
    negativeCount: hessian.classification?.index,
    history: (hessian.history ?? []).map((entry) => ({ epoch: entry.epoch, top: entry.lambdaMax, bottom: entry.lambdaMin, negativeCount: entry.negativeCount, classification: entry.kind })),
    slices: (hessian.slices ?? []).map((slice) => ({ label: sliceLabel(slice.direction, slice.eigenvalue), steps: slice.steps, loss: slice.values })),
    layers: (hessian.layers ?? []).map((layer) => {
      const eigenvalues = layer.eigenvalues ?? [];
      const top = layer.top?.[0]?.value ?? eigenvalues[eigenvalues.length - 1];
      const bottom = layer.bottom?.[0]?.value ?? eigenvalues[0];
      return { name: layer.name, top, bottom, trace: layer.trace ? layer.trace.exact ?? layer.trace.estimate : undefined };
    }),
  };
}

/** Every stride-th entry of a row-major grid (a progressive level's computed points). */
function subsample(values: number[], columns: number, rows: number, stride: number): number[] {
  const kept: number[] = [];
  for (let j = 0; j < rows; j += stride) for (let i = 0; i < columns; i += stride) kept.push(values[j * columns + i]);
  return kept;
}

const every = (values: number[], stride: number): number[] => values.filter((_, index) => index % stride === 0);

/**
 * The landscape section, or undefined. A progressive level (stride > 1) is reduced to the
 * points it computed, so a coarse grid draws as a coarse plot, not as holes.
 */
export function landscapeOf(results: ExperimentResults): LandscapeView | undefined {
  const landscape = section(results, 'landscape');
  if (!landscape) return undefined;
  const alphas = numbers(landscape.alphas);
  const betas = numbers(landscape.betas);
  const gridValues = (value: unknown): number[] => (Array.isArray(value) ? value.map((item) => (typeof item === 'number' ? item : NaN)) : []);
  let loss = gridValues(landscape.loss);
  let accuracy = Array.isArray(landscape.accuracy) ? gridValues(landscape.accuracy) : undefined;
  const stride = typeof landscape.stride === 'number' && landscape.stride > 1 ? Math.floor(landscape.stride) : 1;
  let xs = alphas;
  let ys = betas;
  if (stride > 1 && loss.length === alphas.length * betas.length) {
    loss = subsample(loss, alphas.length, betas.length, stride);
    accuracy = accuracy && subsample(accuracy, alphas.length, betas.length, stride);
    xs = every(alphas, stride);
    ys = betas.length > 1 ? every(betas, stride) : betas;
  }
  const trajectory = isRecord(landscape.trajectory)
    ? { alpha: numbers(landscape.trajectory.alpha), beta: numbers(landscape.trajectory.beta), residual: Array.isArray(landscape.trajectory.residual) ? numbers(landscape.trajectory.residual) : undefined }
    : undefined;
  return {
    directions: text(landscape.directions, 'random'),
    dimensions: typeof landscape.dimensions === 'number' ? landscape.dimensions : betas.length > 1 ? 2 : 1,
    alphas: xs,
    betas: ys,
    loss,
    accuracy,
    trajectory: trajectory && trajectory.alpha.length > 0 ? trajectory : undefined,
    explainedVariance: Array.isArray(landscape.explainedVariance) ? numbers(landscape.explainedVariance) : undefined,
    eigenvalues: Array.isArray(landscape.eigenvalues) ? numbers(landscape.eigenvalues) : undefined,
    complete: landscape.complete !== false,
    slices: slicesOf(landscape.slices),
  };
}
