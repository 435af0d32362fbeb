import type { Objective } from '../objective';
import type { Random } from '../random';

/** What a step sees besides x and ∇f(x). */
export interface StepContext {
  /** The objective, for second-order methods and perturbation (re-evaluating ∇f). */
  readonly objective: Objective;
  /** Learning rate for this step, after the schedule. */
  readonly learningRate: number;
  /** 1-based step number. */
  readonly step: number;
  /** The seeded PRNG of this run. */
  readonly random: Random;
}

/**
 * An optimizer is a state machine: step() updates x in place from ∇f(x), keeping its own
 * state (momentum buffers, moment estimates) between calls, as a torch.optim optimizer does.
 */
export interface Optimizer {
  readonly name: string;
  step(x: Float64Array, gradient: Float64Array, context: StepContext): void;
}

/** A plain parameter bag, as written in a config's optimizer entry. */
export type OptimizerParameters = Readonly<Record<string, unknown>>;
