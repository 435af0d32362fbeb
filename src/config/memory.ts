/**
 * The memory a run needs, estimated from its config before it starts, so that the CLI and the
 * editor refuse the same runs (more than the machine has) and warn about the same (a large share).
 *
 * The estimate counts what the engine keeps for the whole run: every trajectory step (held in the
 * worker and again in the thread that saves it), the contour and landscape grids, and the dense
 * Hessian (n² doubles, plus the eigensolver's working copy and the eigenvectors when asked).
 */
import { availableMemory, denseHessianBytes, denseHessianRefusal, formatBytes, LARGEST_DENSE_DIMENSION, largestDenseDimension } from '../core/hessian/dense-memory';
import type { ConfigIssue, ExperimentConfig } from './types';

export { availableMemory, denseHessianBytes, denseHessianRefusal, formatBytes, LARGEST_DENSE_DIMENSION, largestDenseDimension, MEMORY_LIMIT_VARIABLE } from '../core/hessian/dense-memory';

/** Above this share of the machine's memory a run is allowed with a warning. */
export const WARN_SHARE = 0.5;

/** Bytes of one double. */
const DOUBLE = 8;
/** A JavaScript array of a few doubles (the point and the eigenvalues of a step): its header, its backing store's header and the slot that holds it. */
const SMALL_ARRAY_OVERHEAD = 56;
/**
 * Copies of a trajectory alive at once near the end of a run: the worker's arrays, the message
 * posted to the thread that saves it, that thread's copy, and the last partial results. Calibrated:
 * a 1,000,000-step × 5-optimizer race on rosenbrock peaked at 6.46 GB resident (estimate 6.7 GB).
 */
const TRAJECTORY_COPIES = 4;
/** Growing arrays by pushing leaves up to half their capacity unused. */
const GROWTH_SLACK = 2;

/** Bytes of one recorded step of a 2-D surface race: the point and the Hessian's eigenvalues (small arrays), f, ‖∇f‖ and the learning rate. */
export function bytesPerTrajectoryStep(dimension = 2, eigenvalues = true): number {
  const point = SMALL_ARRAY_OVERHEAD + dimension * DOUBLE;
  const spectrum = eigenvalues ? SMALL_ARRAY_OVERHEAD + dimension * DOUBLE : 0;
  return Math.ceil((point + spectrum + 3 * DOUBLE) * GROWTH_SLACK * TRAJECTORY_COPIES);
}

/** One part of a run's memory. */
export interface MemoryPart {
  what: string;
  bytes: number;
}

export interface MemoryEstimate {
  bytes: number;
  parts: MemoryPart[];
}

/** Trainable parameters of an MLP: Σ out·in (+ out biases). */
function parameterCount(layers: number[], bias: boolean): number {
  let count = 0;
  for (let i = 1; i < layers.length; i++) count += layers[i] * layers[i - 1] + (bias ? layers[i] : 0);
  return count;
}

/** The memory the run of `config` needs, by part (only the parts that grow with the config). */
export function estimateRunMemory(config: ExperimentConfig): MemoryEstimate {
  const parts: MemoryPart[] = [];
  const optimizers = config.optimizers?.length ?? 0;
  if (config.surface && optimizers > 0) {
    const steps = (config.steps ?? 100) + 1;
    parts.push({ what: `${optimizers} trajectories × ${steps.toLocaleString('en-US')} steps`, bytes: optimizers * steps * bytesPerTrajectoryStep() });
    const resolution = config.grid?.resolution ?? 101;
    parts.push({ what: `${resolution}×${resolution} contour grid`, bytes: resolution * resolution * DOUBLE * 2 });
  }
  const landscape = config.analyses?.landscape;
  if (landscape) {
    const resolution = landscape.resolution ?? 51;
    const cells = landscape.dimensions === 1 ? resolution : resolution * resolution;
    parts.push({ what: `${resolution}${landscape.dimensions === 1 ? '' : `×${resolution}`} landscape grid`, bytes: cells * DOUBLE * 4 });
  }
  const hessian = config.analyses?.hessian;
  const layers = config.model?.layers;
  if (hessian && Array.isArray(layers) && layers.every((width) => Number.isInteger(width))) {
    const parameters = parameterCount(layers, config.model?.bias !== false);
    const limit = hessian.maxDimension ?? 3000;
    const dense = hessian.full ?? (parameters <= limit && hessian.top === undefined && hessian.bottom === undefined);
    if (dense && parameters <= limit) parts.push({ what: `dense Hessian of ${parameters.toLocaleString('en-US')} parameters (${parameters}² × 8 bytes, the eigensolver's copy${hessian.eigenvectors ? ' and the eigenvectors' : ''})`, bytes: denseHessianBytes(parameters, hessian.eigenvectors === true) });
  }
  return { bytes: parts.reduce((sum, part) => sum + part.bytes, 0), parts };
}

/**
 * An error when the run cannot fit in `memory` bytes, a warning above WARN_SHARE of it, and an
 * error when analyses.hessian.maxDimension allows a dense Hessian that cannot fit.
 */
export function memoryIssues(config: ExperimentConfig, memory = availableMemory()): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const hessian = config.analyses?.hessian;
  const refusal = hessian?.maxDimension !== undefined ? denseHessianRefusal(hessian.maxDimension, false, memory) : undefined;
  if (refusal) {
    const largest = Math.min(LARGEST_DENSE_DIMENSION, largestDenseDimension(memory));
    issues.push({ path: '/analyses/hessian/maxDimension', severity: 'error', message: `maxDimension ${hessian?.maxDimension} is too large: ${refusal}. Set it at most ${largest}, and use "top"/"bottom" (Lanczos) or "density" for larger models` });
  }
  const estimate = estimateRunMemory(config);
  const largestPart = [...estimate.parts].sort((a, b) => b.bytes - a.bytes)[0];
  const detail = estimate.parts.map((part) => `${part.what}: ${formatBytes(part.bytes)}`).join('; ');
  const path = largestPart?.what.includes('trajectories') ? '/steps' : largestPart?.what.includes('Hessian') ? '/analyses/hessian' : largestPart?.what.includes('landscape') ? '/analyses/landscape/resolution' : '/grid/resolution';
  if (estimate.bytes > memory) {
    issues.push({ path, severity: 'error', message: `the run needs about ${formatBytes(estimate.bytes)} of memory (${detail}), more than this machine's ${formatBytes(memory)}: lower "steps", the number of optimizers or the grid resolution` });
  } else if (estimate.bytes > WARN_SHARE * memory) {
    issues.push({ path, severity: 'warning', message: `the run needs about ${formatBytes(estimate.bytes)} of memory (${detail}), more than half of this machine's ${formatBytes(memory)}: other programs may slow down or the run may fail` });
  }
  return issues;
}
