import type { Objective } from '../objective';

/** f along a direction: values[i] = f(x + tᵢ·d/‖d‖) at the steps tᵢ. */
export interface DirectionSlice {
  steps: number[];
  values: number[];
}

/** The 1-D slice f(x + t·d/‖d‖) for t on a uniform grid of `points` in [−radius, radius] (the picture of a saddle along its negative eigenvector). */
export function lossAlongDirection(objective: Objective, x: Float64Array, direction: Float64Array, radius = 1, points = 51): DirectionSlice {
  let length = 0;
  for (let i = 0; i < direction.length; i++) length += direction[i] * direction[i];
  length = Math.sqrt(length);
  if (length === 0) throw new Error('the slice direction is the zero vector');
  const moved = new Float64Array(x.length);
  const steps: number[] = [];
  const values: number[] = [];
  for (let k = 0; k < points; k++) {
    const t = points === 1 ? 0 : -radius + (2 * radius * k) / (points - 1);
    for (let i = 0; i < x.length; i++) moved[i] = x[i] + (t / length) * direction[i];
    steps.push(t);
    values.push(objective.value(moved));
  }
  return { steps, values };
}
