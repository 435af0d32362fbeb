import { adagrad, adam, rmsprop, sgd } from './torch';
import { newton, saddleFreeNewton } from './second-order';
import { noisyGradientDescent, perturbedGradientDescent } from './stochastic';
import type { Optimizer } from './types';
import type { Schedule } from './schedules';

export type { Optimizer, StepContext } from './types';
export { scheduledLearningRate, type Schedule } from './schedules';

/** Optimizer names, as a config writes them. */
export const OPTIMIZER_NAMES = [
  'sgd',
  'adam',
  'adamw',
  'rmsprop',
  'adagrad',
  'newton',
  'saddle-free-newton',
  'noisy-gd',
  'perturbed-gd',
] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/**
 * Defaults of every parameter, as torch.optim documents them (torch 2.x: SGD lr 1e-3, Adam
 * 1e-3, AdamW 1e-3 with weight_decay 1e-2, RMSprop 1e-2, Adagrad 1e-2); the methods beyond
 * torch use lr 0.1 (gradient methods) or 1 (Newton methods).
 */
export const OPTIMIZER_DEFAULTS: Record<OptimizerName, Record<string, number | boolean | number[]>> = {
  sgd: { lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weight_decay: 0, maximize: false },
  adam: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false },
  adamw: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 1e-2, amsgrad: false, maximize: false },
  rmsprop: { lr: 1e-2, alpha: 0.99, eps: 1e-8, weight_decay: 0, momentum: 0, centered: false, maximize: false },
  adagrad: { lr: 1e-2, lr_decay: 0, weight_decay: 0, initial_accumulator_value: 0, eps: 1e-10, maximize: false },
  newton: { lr: 1, damping: 0 },
  'saddle-free-newton': { lr: 1, damping: 0 },
  'noisy-gd': { lr: 0.1, noise: 0.01 },
  'perturbed-gd': { lr: 0.1, radius: 0.1, g_thres: 1e-3, t_thres: 10 },
};

/** One optimizer entry of a config, with defaults filled in. */
export interface OptimizerSpec {
  name: OptimizerName;
  label: string;
  lr: number;
  schedule: Schedule;
  parameters: Record<string, number | boolean | number[]>;
}

/** Fills defaults: every torch parameter not given takes torch's default. */
export function resolveOptimizerSpec(entry: { name: OptimizerName; label?: string; schedule?: Schedule } & Record<string, unknown>): OptimizerSpec {
  const defaults = OPTIMIZER_DEFAULTS[entry.name];
  const parameters: Record<string, number | boolean | number[]> = {};
  for (const key of Object.keys(defaults)) {
    const given = entry[key];
    parameters[key] = given === undefined ? defaults[key] : (given as number | boolean | number[]);
  }
  return {
    name: entry.name,
    label: entry.label ?? describeOptimizer(entry.name, parameters),
    lr: parameters.lr as number,
    schedule: entry.schedule ?? { kind: 'constant' },
    parameters,
  };
}

/** A short label such as "sgd (momentum 0.9)". */
function describeOptimizer(name: OptimizerName, parameters: Record<string, unknown>): string {
  if (name === 'sgd' && parameters.momentum) return `sgd (momentum ${parameters.momentum}${parameters.nesterov ? ', nesterov' : ''})`;
  return name;
}

/** A fresh optimizer (with zeroed state) for a parameter vector of the given size. */
export function createOptimizer(spec: OptimizerSpec, dim: number): Optimizer {
  // The parameters were filled from OPTIMIZER_DEFAULTS, so every key each factory reads is present.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const p = spec.parameters as any;
  switch (spec.name) {
    case 'sgd':
      return sgd(p, dim);
    case 'adam':
      return adam({ ...p, decoupled: false }, dim);
    case 'adamw':
      return adam({ ...p, decoupled: true }, dim);
    case 'rmsprop':
      return rmsprop(p, dim);
    case 'adagrad':
      return adagrad(p, dim);
    case 'newton':
      return newton(p, dim);
    case 'saddle-free-newton':
      return saddleFreeNewton(p, dim);
    case 'noisy-gd':
      return noisyGradientDescent(p, dim);
    case 'perturbed-gd':
      return perturbedGradientDescent(p, dim);
  }
}
