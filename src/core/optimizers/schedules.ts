/** A learning-rate schedule, applied per step as torch's schedulers are per scheduler.step(). */
export type Schedule =
  | { kind: 'constant' }
  | { kind: 'step'; step_size: number; gamma: number }
  | { kind: 'exponential'; gamma: number }
  | { kind: 'cosine'; T_max: number; eta_min: number };

/**
 * Learning rate after t completed steps (t = 0 for the first step):
 * constant lr; StepLR lr·γ^⌊t/s⌋; ExponentialLR lr·γᵗ;
 * CosineAnnealingLR η_min + (lr − η_min)(1 + cos(π t/T_max))/2.
 */
export function scheduledLearningRate(schedule: Schedule, baseRate: number, t: number): number {
  switch (schedule.kind) {
    case 'constant':
      return baseRate;
    case 'step':
      return baseRate * Math.pow(schedule.gamma, Math.floor(t / schedule.step_size));
    case 'exponential':
      return baseRate * Math.pow(schedule.gamma, t);
    case 'cosine':
      return schedule.eta_min + ((baseRate - schedule.eta_min) * (1 + Math.cos((Math.PI * t) / schedule.T_max))) / 2;
  }
}
