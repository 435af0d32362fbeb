/**
 * The memory a run needs, estimated from its config before it starts, so that the CLI and the
 * editor refuse the same runs (more than a limit that applies) and warn about the same (a large
 * share of one).
 *
 * The estimate counts what the engine keeps for the whole run: every trajectory step (held in the
 * worker and again in the thread that saves it), the contour and landscape grids, and the dense
 * Hessian (n² doubles, plus the eigensolver's working copy and the eigenvectors when asked).
 *
 * Two limits apply, and a run must fit both. The whole run (every thread, the typed arrays and
 * the messages between threads) must fit in the process's memory: the machine's, or the
 * container's cgroup limit, or LANDSCAPE_LENS_MEMORY_BYTES, whichever is smallest. And what is
 * held in JavaScript arrays (trajectories, grids, eigenvectors) must fit in one V8 heap, whose
 * limit (Node's heap_size_limit, 2-4 GB by default whatever the machine has) is often the smaller
 * one: past it the process aborts with "JavaScript heap out of memory" and saves nothing.
 */
import { getHeapStatistics } from 'node:v8';
import { denseHessianBytes, denseHessianRefusal, describeLimit, formatBytes, LARGEST_DENSE_DIMENSION, largestDenseDimension, memoryLimit, type MemoryLimit } from '../core/hessian/dense-memory';
import type { ConfigIssue, ExperimentConfig } from './types';

export { availableMemory, cgroupMemoryLimit, denseHessianBytes, denseHessianRefusal, describeLimit, formatBytes, LARGEST_DENSE_DIMENSION, largestDenseDimension, MEMORY_LIMIT_VARIABLE, memoryLimit, type MemoryLimit } from '../core/hessian/dense-memory';

/** Above this share of a limit a run is allowed with a warning. */
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
/**
 * Of those, the copies in the one heap that holds the most: the thread that receives and saves
 * the results keeps the last partial results and the final ones (the worker's heap holds one,
 * and messages are outside both). Measured: 200,000 steps peaked at 577 bytes a step in the
 * receiving heap (a copy is 280-370 bytes a step); 5 × 1,000,000 steps fit Node's default 4.3 GB
 * heap and 8 × 1,000,000 abort with "JavaScript heap out of memory".
 */
const TRAJECTORY_COPIES_IN_ONE_HEAP = 2;
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
  /** All of it, every copy in every thread. */
  bytes: number;
  /** What one JavaScript heap holds of it (the largest share; 0 for typed arrays, which live outside the heap). */
  heapBytes: number;
}

export interface MemoryEstimate {
  bytes: number;
  /** The most one JavaScript heap holds. */
  heapBytes: number;
  parts: MemoryPart[];
}

/** The limits a run is measured against. */
export interface MemoryLimits {
  /** The process's memory: the machine's, the container's or LANDSCAPE_LENS_MEMORY_BYTES (the smallest). */
  memory: MemoryLimit;
  /**
   * One JavaScript heap: this process's heap_size_limit. The worker threads get the same limit
   * (the pool sets no resourceLimits), and the thread that receives the results holds the most.
   */
  heap: MemoryLimit;
}

/** Node's limit on this process's JavaScript heap (heap_size_limit: --max-old-space-size and the young generation). */
export function heapLimit(statistics: { heap_size_limit: number } = getHeapStatistics()): MemoryLimit {
  return { bytes: statistics.heap_size_limit, owner: "the JavaScript heap's", source: "Node's heap_size_limit" };
}

/** The limits that apply to a run started by this process. */
export function memoryLimits(): MemoryLimits {
  return { memory: memoryLimit(), heap: heapLimit() };
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
    const bytes = optimizers * steps * bytesPerTrajectoryStep();
    parts.push({ what: `${optimizers} trajectories × ${steps.toLocaleString('en-US')} steps`, bytes, heapBytes: (bytes * TRAJECTORY_COPIES_IN_ONE_HEAP) / TRAJECTORY_COPIES });
    const resolution = config.grid?.resolution ?? 101;
    const grid = resolution * resolution * DOUBLE * 2;
    parts.push({ what: `${resolution}×${resolution} contour grid`, bytes: grid, heapBytes: grid });
  }
  const landscape = config.analyses?.landscape;
  if (landscape) {
    const resolution = landscape.resolution ?? 51;
    const cells = landscape.dimensions === 1 ? resolution : resolution * resolution;
    const grid = cells * DOUBLE * 4;
    parts.push({ what: `${resolution}${landscape.dimensions === 1 ? '' : `×${resolution}`} landscape grid`, bytes: grid, heapBytes: grid });
  }
  const hessian = config.analyses?.hessian;
  const layers = config.model?.layers;
  if (hessian && Array.isArray(layers) && layers.every((width) => Number.isInteger(width))) {
    const parameters = parameterCount(layers, config.model?.bias !== false);
    const limit = hessian.maxDimension ?? 3000;
    const dense = hessian.full ?? (parameters <= limit && hessian.top === undefined && hessian.bottom === undefined);
    // The matrix and the solver's copy are typed arrays (outside the heap); eigenvectors come back
    // as arrays of rows, in the receiving heap twice (the last partial results and the final ones).
    const eigenvectorRows = hessian.eigenvectors === true ? 2 * parameters * parameters * DOUBLE : 0;
    if (dense && parameters <= limit) parts.push({ what: `dense Hessian of ${parameters.toLocaleString('en-US')} parameters (${parameters}² × 8 bytes, the eigensolver's copy${hessian.eigenvectors ? ' and the eigenvectors' : ''})`, bytes: denseHessianBytes(parameters, hessian.eigenvectors === true), heapBytes: eigenvectorRows });
  }
  const sum = (of: (part: MemoryPart) => number) => parts.reduce((total, part) => total + of(part), 0);
  return { bytes: sum((part) => part.bytes), heapBytes: sum((part) => part.heapBytes), parts };
}

/** The field to blame for a part: the one that makes it large. */
function fieldOf(part: MemoryPart | undefined): string {
  if (!part) return '/grid/resolution';
  if (part.what.includes('trajectories')) return '/steps';
  if (part.what.includes('Hessian')) return '/analyses/hessian';
  if (part.what.includes('landscape')) return '/analyses/landscape/resolution';
  return '/grid/resolution';
}

/** "--max-old-space-size=12288": a heap a quarter larger than the estimate, in whole GiB (MiB as Node takes it). */
function heapOption(heapBytes: number): string {
  return `--max-old-space-size=${Math.ceil((1.25 * heapBytes) / 2 ** 30) * 1024}`;
}

/**
 * An error when the run cannot fit in one of the limits, a warning above WARN_SHARE of one, and
 * an error when analyses.hessian.maxDimension allows a dense Hessian that cannot fit. `limits`
 * are this process's by default; a bare number is the process's memory with no heap limit (tests).
 */
export function memoryIssues(config: ExperimentConfig, limits: MemoryLimits | number = memoryLimits()): ConfigIssue[] {
  const { memory, heap } = typeof limits === 'number' ? { memory: { bytes: limits, owner: "this machine's" }, heap: { bytes: Infinity, owner: "the JavaScript heap's" } } : limits;
  const issues: ConfigIssue[] = [];
  const hessian = config.analyses?.hessian;
  const refusal = hessian?.maxDimension !== undefined ? denseHessianRefusal(hessian.maxDimension, false, memory) : undefined;
  if (refusal) {
    const largest = Math.min(LARGEST_DENSE_DIMENSION, largestDenseDimension(memory.bytes));
    issues.push({ path: '/analyses/hessian/maxDimension', severity: 'error', message: `maxDimension ${hessian?.maxDimension} is too large: ${refusal}. Set it at most ${largest}, and use "top"/"bottom" (Lanczos) or "density" for larger models` });
  }
  const estimate = estimateRunMemory(config);
  const detail = (bytesOf: (part: MemoryPart) => number) => estimate.parts.filter((part) => bytesOf(part) > 0).map((part) => `${part.what}: ${formatBytes(bytesOf(part))}`).join('; ');
  const largest = (bytesOf: (part: MemoryPart) => number) => [...estimate.parts].sort((a, b) => bytesOf(b) - bytesOf(a))[0];
  const fewer = (bytesOf: (part: MemoryPart) => number, limit: number) => {
    const part = largest(bytesOf);
    const optimizers = config.optimizers?.length ?? 0;
    if (fieldOf(part) !== '/steps' || optimizers === 0) return 'lower "steps", the number of optimizers or the grid resolution';
    // Steps per optimizer that fit in 80% of the limit beside the other parts (near a heap's
    // limit, collecting garbage takes most of the time), to two significant digits.
    const others = estimate.parts.reduce((total, other) => total + (other === part ? 0 : bytesOf(other)), 0);
    const perStep = bytesOf(part) / (optimizers * ((config.steps ?? 100) + 1));
    const steps = Math.max(0, (0.8 * limit - others) / (optimizers * perStep) - 1);
    const unit = steps >= 100 ? 10 ** (Math.floor(Math.log10(steps)) - 1) : 1;
    const rounded = Math.floor(steps / unit) * unit;
    return `lower "steps" (about ${rounded.toLocaleString('en-US')} fit with ${optimizers} optimizer(s)) or the number of optimizers`;
  };
  const memoryRatio = estimate.bytes / memory.bytes;
  const heapRatio = estimate.heapBytes / heap.bytes;
  if (heapRatio > 1 && heapRatio >= memoryRatio) {
    // A larger heap helps only while the whole run still fits in the process's memory.
    const raise = 1.25 * estimate.heapBytes < memory.bytes && estimate.bytes < memory.bytes ? `, or give Node a larger heap: the CLI takes NODE_OPTIONS=${heapOption(estimate.heapBytes)} (${describeLimit(memory)} has room for it)` : '';
    issues.push({ path: fieldOf(largest((part) => part.heapBytes)), severity: 'error', message: `the run holds about ${formatBytes(estimate.heapBytes)} in one JavaScript heap (${detail((part) => part.heapBytes)}), more than ${describeLimit(heap)}, and would abort with "JavaScript heap out of memory" and save nothing: ${fewer((part) => part.heapBytes, heap.bytes)}${raise}` });
  } else if (memoryRatio > 1) {
    issues.push({ path: fieldOf(largest((part) => part.bytes)), severity: 'error', message: `the run needs about ${formatBytes(estimate.bytes)} of memory (${detail((part) => part.bytes)}), more than ${describeLimit(memory)}: ${fewer((part) => part.bytes, memory.bytes)}` });
  } else if (memoryRatio > WARN_SHARE && memoryRatio >= heapRatio) {
    issues.push({ path: fieldOf(largest((part) => part.bytes)), severity: 'warning', message: `the run needs about ${formatBytes(estimate.bytes)} of memory (${detail((part) => part.bytes)}), more than half of ${describeLimit(memory)}: other programs may slow down or the run may fail` });
  } else if (heapRatio > WARN_SHARE) {
    issues.push({ path: fieldOf(largest((part) => part.heapBytes)), severity: 'warning', message: `the run holds about ${formatBytes(estimate.heapBytes)} in one JavaScript heap (${detail((part) => part.heapBytes)}), more than half of ${describeLimit(heap)}: the run may slow down collecting garbage` });
  }
  return issues;
}
