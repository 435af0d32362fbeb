/**
 * The optional result sections the charts draw (training, Hessian, landscape), read
 * defensively: a section is drawn when present, and a field missing from an older or partial
 * results.json leaves its chart out instead of breaking the page.
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
}

export interface LandscapeView {
  alphas: number[];
  betas: number[];
  loss: number[];
  accuracy?: number[];
  trajectory?: { alpha: number[]; beta: number[]; residual?: number[] };
  explainedVariance?: number[];
  slices: Slice[];
}

type Loose = Record<string, unknown>;

const isRecord = (value: unknown): value is Loose => typeof value === 'object' && value !== null && !Array.isArray(value);
const numbers = (value: unknown): number[] => (Array.isArray(value) ? value.filter((item): item is number => typeof item === 'number') : []);
const numberOr = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
const text = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);
const records = (value: unknown): Loose[] => (Array.isArray(value) ? value.filter(isRecord) : []);

function section(results: ExperimentResults, name: string): Loose | undefined {
  const value = (results as unknown as Loose)[name];
  return isRecord(value) ? value : undefined;
}

function mark(entry: Loose, fallbackKind: string): TrainingMark | undefined {
  const epoch = numberOr(entry.epoch) ?? numberOr(entry.start) ?? numberOr(entry.startEpoch) ?? numberOr(entry.from);
  if (epoch === undefined) return undefined;
  const endEpoch = numberOr(entry.endEpoch) ?? numberOr(entry.end) ?? numberOr(entry.to);
  const kind = text(entry.kind, text(entry.type, fallbackKind));
  return { kind, epoch, endEpoch, message: text(entry.message, text(entry.detail, kind)) };
}

/** "top eigenvector (λ = 1.38)" for a Hessian slice, the direction name otherwise. */
function sliceLabel(entry: Loose): string {
  const direction = text(entry.direction, 'slice');
  const eigenvalue = numberOr(entry.eigenvalue);
  if (eigenvalue === undefined) return direction;
  const name = direction === 'top' ? 'top eigenvector' : direction === 'bottom' ? 'most negative eigenvector' : direction;
  return `${name} (λ = ${Number(eigenvalue.toPrecision(3))})`;
}

function slicesOf(value: unknown): Slice[] {
  return records(value)
    .map((entry) => ({
      label: text(entry.label, sliceLabel(entry)),
      steps: numbers(entry.steps ?? entry.alphas ?? entry.t),
      loss: numbers(entry.loss ?? entry.values),
      accuracy: Array.isArray(entry.accuracy) ? numbers(entry.accuracy) : undefined,
    }))
    .filter((slice) => slice.steps.length > 1 && slice.steps.length === slice.loss.length);
}

/** The training section, or undefined when the results have none. */
export function trainingOf(results: ExperimentResults): TrainingView | undefined {
  const training = section(results, 'training');
  if (!training) return undefined;
  const history = records(training.history).map((entry, index): EpochRecord => ({
    epoch: numberOr(entry.epoch) ?? index + 1,
    loss: numberOr(entry.loss),
    testLoss: numberOr(entry.testLoss),
    trainAccuracy: numberOr(entry.trainAccuracy),
    testAccuracy: numberOr(entry.testAccuracy),
    gradientNorm: numberOr(entry.gradientNorm),
    learningRate: numberOr(entry.learningRate),
    seconds: numberOr(entry.seconds),
  }));
  const allEvents = records(training.events).map((entry) => mark(entry, 'event')).filter((entry): entry is TrainingMark => entry !== undefined);
  const plateaus = [
    ...records(training.plateaus).map((entry) => mark(entry, 'plateau')),
    ...allEvents.filter((entry) => entry.endEpoch !== undefined),
  ].filter((entry): entry is TrainingMark => entry !== undefined && entry.endEpoch !== undefined);
  return { history, events: allEvents.filter((entry) => entry.endEpoch === undefined), plateaus };
}

/** The Hessian section, or undefined. */
export function hessianOf(results: ExperimentResults): HessianView | undefined {
  const hessian = section(results, 'hessian');
  if (!hessian) return undefined;
  const density = isRecord(hessian.density) ? { grid: numbers(hessian.density.grid), values: numbers(hessian.density.values) } : undefined;
  const extremes = (value: unknown): number[] => (Array.isArray(value) ? numbers(value.map((item) => (isRecord(item) ? item.value ?? item.eigenvalue : item))) : []);
  const training = section(results, 'training');
  const historySource = hessian.history ?? training?.hessian;
  const history = records(historySource).map((entry, index): SpectrumRecord => ({
    epoch: numberOr(entry.epoch) ?? index,
    top: numberOr(entry.top) ?? numberOr(entry.lambdaMax) ?? numberOr(entry.max),
    bottom: numberOr(entry.bottom) ?? numberOr(entry.lambdaMin) ?? numberOr(entry.min),
    negativeCount: numberOr(entry.negativeCount) ?? numberOr(entry.index),
    classification: isRecord(entry.classification) ? text(entry.classification.kind) : text(entry.classification, text(entry.kind)),
  }));
  const classification = isRecord(hessian.classification) ? text(hessian.classification.kind) : text(hessian.classification) || undefined;
  return {
    eigenvalues: numbers(hessian.eigenvalues),
    top: extremes(hessian.top),
    bottom: extremes(hessian.bottom),
    trace: numberOr(hessian.trace) ?? (isRecord(hessian.trace) ? numberOr(hessian.trace.estimate ?? hessian.trace.value) : undefined),
    density: density && density.grid.length > 1 && density.grid.length === density.values.length ? density : undefined,
    classification,
    negativeCount: isRecord(hessian.classification) ? numberOr(hessian.classification.index) : undefined,
    history,
    slices: slicesOf(hessian.slices),
  };
}

/** The landscape section, or undefined. */
export function landscapeOf(results: ExperimentResults): LandscapeView | undefined {
  const landscape = section(results, 'landscape');
  if (!landscape) return undefined;
  const trajectory = isRecord(landscape.trajectory)
    ? { alpha: numbers(landscape.trajectory.alpha), beta: numbers(landscape.trajectory.beta), residual: Array.isArray(landscape.trajectory.residual) ? numbers(landscape.trajectory.residual) : undefined }
    : undefined;
  return {
    alphas: numbers(landscape.alphas),
    betas: numbers(landscape.betas),
    loss: numbers(landscape.loss),
    accuracy: Array.isArray(landscape.accuracy) ? numbers(landscape.accuracy) : undefined,
    trajectory: trajectory && trajectory.alpha.length > 0 ? trajectory : undefined,
    explainedVariance: Array.isArray(landscape.explainedVariance) ? numbers(landscape.explainedVariance) : undefined,
    slices: slicesOf(landscape.slices),
  };
}
