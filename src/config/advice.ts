/**
 * Advice on a valid config: warnings, not errors, for settings that run but probably do not do
 * what the author wants: a gradient-descent learning rate that diverges on the surface's
 * curvature at the start point, a full Hessian asked for a model above the dense size limit, and
 * model.trustCheckpoint (loading then runs the code a checkpoint file holds).
 * validateConfigText returns them with its issues, so the editor, `validate` and `run` say the same.
 */
import { DEFAULT_DENSE_LIMIT } from '../core/hessian/dense-spectrum';
import { symmetricEigen } from '../core/linalg/symmetric-eigen';
import { RACE_DEFAULTS, surfaceFromConfig } from '../core/surfaces/race';
import type { ConfigIssue, ExperimentConfig } from './types';

/** What advice depends on beyond the config: the dense Hessian limit when the config sets no maxDimension (the editor's setting; 3000 by default). */
export interface AdviceOptions {
  denseHessianLimit?: number;
}

/** Every warning of this module for a valid config. */
export function configAdvice(config: ExperimentConfig, options: AdviceOptions = {}): ConfigIssue[] {
  return [...learningRateIssues(config), ...denseHessianIssues(config, options.denseHessianLimit ?? DEFAULT_DENSE_LIMIT), ...trustCheckpointIssues(config)];
}

/** A warning whenever model.trustCheckpoint is true: full unpickling runs the code a checkpoint holds. */
export function trustCheckpointIssues(config: ExperimentConfig): ConfigIssue[] {
  const model = (config as { model?: { trustCheckpoint?: unknown; pytorch?: unknown } }).model;
  if (model?.trustCheckpoint !== true) return [];
  const message = model.pytorch
    ? 'loading runs code from the checkpoint files (model.weights, analyses.landscape.to, analyses.landscape.trajectory); only for files you made or trust. Without it, .pt/.pth files load weights-only and .safetensors never hold code'
    : '"trustCheckpoint" applies to PyTorch models (model.pytorch) only; the engine reads .json and .safetensors weights, which hold no code';
  return [{ path: '/model/trustCheckpoint', severity: 'warning', message }];
}

/** Optimizers whose step is x ← x − lr·g (+ momentum): stable on a quadratic only when lr·λmax is small enough. */
const GRADIENT_STEP = new Set(['sgd', 'noisy-gd', 'perturbed-gd']);

/**
 * Largest stable learning rate of gradient descent with heavy-ball momentum μ on curvature λ:
 * lr < 2(1 + μ)/λ (Polyak 1964; μ = 0 gives plain gradient descent's lr < 2/λ).
 */
export function stableLearningRate(curvature: number, momentum = 0): number {
  return curvature > 0 ? (2 * (1 + momentum)) / curvature : Infinity;
}

/** Warnings for learning rates above 2(1 + μ)/λmax, λmax the Hessian's largest eigenvalue at the start point. */
export function learningRateIssues(config: ExperimentConfig): ConfigIssue[] {
  if (!config.surface || !config.optimizers) return [];
  let curvature: number;
  const start = config.start ?? RACE_DEFAULTS.start;
  try {
    const eigenvalues = symmetricEigen(surfaceFromConfig(config.surface).hessian(Float64Array.from(start)), 2).values;
    curvature = Math.max(eigenvalues[0], eigenvalues[1]);
  } catch {
    return [];
  }
  if (!Number.isFinite(curvature)) return [];
  const issues: ConfigIssue[] = [];
  config.optimizers.forEach((optimizer, index) => {
    if (!GRADIENT_STEP.has(optimizer.name) || typeof optimizer.lr !== 'number' || optimizer.schedule) return;
    const momentum = optimizer.name === 'sgd' && !optimizer.nesterov && !optimizer.dampening && typeof optimizer.momentum === 'number' ? optimizer.momentum : 0;
    const limit = stableLearningRate(curvature, momentum);
    if (optimizer.lr < limit) return;
    issues.push({
      path: `/optimizers/${index}/lr`,
      severity: 'warning',
      message: `lr ${optimizer.lr} diverges on this surface: the largest curvature at the start [${start.join(', ')}] is λmax = ${curvature.toPrecision(4)}, and ${optimizer.name}${momentum ? ` with momentum ${momentum}` : ''} is stable only for lr < 2(1 + μ)/λmax = ${limit.toPrecision(3)}: lower it (or keep it to watch the divergence)`,
    });
  });
  return issues;
}

/** Parameters of an MLP with widths [input, hidden…, output]: Σ out·in (+ out with biases). */
export function parameterCount(layers: number[], bias = true): number {
  let count = 0;
  for (let i = 1; i < layers.length; i++) count += layers[i] * layers[i - 1] + (bias ? layers[i] : 0);
  return count;
}

/** A warning when analyses.hessian.full asks for a dense Hessian of a model above the limit. */
export function denseHessianIssues(config: ExperimentConfig, defaultLimit: number): ConfigIssue[] {
  const hessian = config.analyses?.hessian;
  const model = (config as { model?: { layers?: unknown; bias?: unknown } }).model;
  if (!hessian?.full || !model || !Array.isArray(model.layers) || !model.layers.every((width) => Number.isInteger(width))) return [];
  const parameters = parameterCount(model.layers as number[], model.bias !== false);
  const limit = hessian.maxDimension ?? defaultLimit;
  if (parameters <= limit) return [];
  return [{
    path: '/analyses/hessian/full',
    severity: 'warning',
    message: `a full Hessian of this model is ${parameters} × ${parameters} (${parameters} parameters, above the dense limit ${limit}): use Lanczos instead, e.g. "top": 20 and "bottom": 5, or "density": true for the spectrum's shape`,
  }];
}
