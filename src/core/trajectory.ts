import type { Cancellation } from './cancellation';
import { denseHessian, type Objective } from './objective';
import { norm2 } from './linalg/vector';
import { symmetricEigen } from './linalg/symmetric-eigen';
import { createOptimizer, scheduledLearningRate, type OptimizerSpec } from './optimizers';
import { Random } from './random';
import type { TrajectoryResult, TrajectoryStatus } from '../shared/results';

export interface TrajectoryOptions {
  start: ArrayLike<number>;
  steps: number;
  /** Stop when ‖∇f‖ ≤ tolerance (off when undefined). */
  tolerance?: number;
  /** A trajectory with |xᵢ| beyond this has diverged (not the plot's domain). */
  divergenceBound?: number;
  seed: number;
  /** Record the Hessian's eigenvalues at each point (needs a Hessian; small dims). */
  recordEigenvalues?: boolean;
  signal?: Cancellation;
  /** Called every PROGRESS_STEPS steps with the steps taken so far (long runs report progress). */
  onProgress?: (steps: number) => void;
}

/** How often (in steps) a trajectory calls its onProgress. */
export const PROGRESS_STEPS = 4096;

/** Largest |xᵢ| a trajectory may reach before it counts as diverged. */
export const DEFAULT_DIVERGENCE_BOUND = 1e6;

/**
 * Runs one optimizer from the start for at most `steps` steps: x_{k+1} = step(x_k, ∇f(x_k)),
 * recording every point, f, ‖∇f‖ and the learning rate. Divergence (an infinite value or
 * |x| beyond the bound) or a point where f or ∇f is NaN (undefined there) ends the run as a
 * result, never as an exception.
 */
export function runTrajectory(objective: Objective, spec: OptimizerSpec, options: TrajectoryOptions): TrajectoryResult {
  const dim = objective.dim;
  const x = Float64Array.from(options.start);
  const gradient = new Float64Array(dim);
  const optimizer = createOptimizer(spec, dim);
  const random = new Random(options.seed);
  const bound = options.divergenceBound ?? DEFAULT_DIVERGENCE_BOUND;
  const result: TrajectoryResult = {
    label: spec.label,
    optimizer: spec.name,
    parameters: spec.parameters,
    points: [],
    values: [],
    gradientNorms: [],
    hessianEigenvalues: options.recordEigenvalues ? [] : undefined,
    learningRates: [],
    status: 'max-steps',
    steps: 0,
  };
  const record = (value: number, gradientNorm: number) => {
    result.points.push(Array.from(x));
    result.values.push(value);
    result.gradientNorms.push(gradientNorm);
    if (result.hessianEigenvalues) {
      const finite = x.every(Number.isFinite);
      result.hessianEigenvalues.push(finite ? Array.from(symmetricEigen(denseHessian(objective, x), dim).values) : []);
    }
  };
  for (let step = 0; ; step++) {
    const value = objective.gradient(x, gradient);
    const gradientNorm = norm2(gradient);
    const diverged = !Number.isFinite(value) || !Number.isFinite(gradientNorm) || x.some((xi) => !(Math.abs(xi) <= bound));
    if (diverged) {
      // NaN at a point inside the bound: f is undefined there (e.g. log x at x ≤ 0), not unbounded.
      const undefinedHere = (Number.isNaN(value) || Number.isNaN(gradientNorm)) && x.every((xi) => Math.abs(xi) <= bound);
      result.points.push(Array.from(x));
      result.values.push(value);
      result.gradientNorms.push(gradientNorm);
      result.hessianEigenvalues?.push([]);
      result.status = `${undefinedHere ? 'undefined' : 'diverged'} at step ${step}` as TrajectoryStatus;
      break;
    }
    record(value, gradientNorm);
    if (options.tolerance !== undefined && gradientNorm <= options.tolerance) {
      result.status = 'converged';
      break;
    }
    if (step >= options.steps) break;
    if (options.signal?.aborted) {
      result.status = 'cancelled';
      break;
    }
    if (options.onProgress && step > 0 && step % PROGRESS_STEPS === 0) options.onProgress(step);
    const learningRate = scheduledLearningRate(spec.schedule, spec.lr, step);
    result.learningRates.push(learningRate);
    optimizer.step(x, gradient, { objective, learningRate, step: step + 1, random });
    result.steps = step + 1;
  }
  return result;
}
