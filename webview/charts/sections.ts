/**
 * The optional result sections the charts draw (training, Hessian, landscape of src/shared/results.ts),
 * in the shapes the charts use: each section is drawn when present, each optional field adds
 * its chart when present.
 */
import type { EpochRecord, ExperimentResults } from '../../src/shared/results';

export type { EpochRecord } from '../../src/shared/results';

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
  trajectory?: { alpha: number[]; beta: number[]; residual?: number[]; loss?: (number | null)[] };
  explainedVariance?: number[];
  /** Hessian directions: the eigenvalues of d₁ and d₂. */
  eigenvalues?: number[];
  /** A coarse level of the progressive refinement (the axes are already the coarse ones) while > 1. */
  stride: number;
  complete: boolean;
}

/** The training section (src/shared/results.ts TrainingResult): plateaus are the events with an end epoch. */
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

/** The Hessian section (src/shared/results.ts HessianResult), with the eigenvalues the charts need. */
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

/** The landscape section (src/shared/results.ts LandscapeResult); points not computed (null) become NaN. */
export function landscapeOf(results: ExperimentResults): LandscapeView | undefined {
  const landscape = results.landscape;
  if (!landscape) return undefined;
  const gridValues = (values: (number | null)[]): number[] => values.map((value) => (value === null ? NaN : value));
  return {
    directions: landscape.directions,
    dimensions: landscape.dimensions,
    alphas: landscape.alphas,
    betas: landscape.betas,
    loss: gridValues(landscape.loss),
    accuracy: landscape.accuracy && gridValues(landscape.accuracy),
    trajectory: landscape.trajectory && landscape.trajectory.alpha.length > 0 ? landscape.trajectory : undefined,
    explainedVariance: landscape.explainedVariance,
    eigenvalues: landscape.eigenvalues,
    stride: landscape.stride,
    complete: landscape.complete,
  };
}
