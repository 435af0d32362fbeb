import { dot } from '../linalg/vector';

export interface ProjectedTrajectory {
  alpha: number[];
  beta: number[];
  /** ‖r‖/‖θₜ − origin‖: the share of each point's displacement off the plane (0 on it). */
  residual: number[];
}

/**
 * Least-squares coordinates of each θₜ on the plane (Li et al. 2018, projection.py): minimise
 * ‖θₜ − origin − α·d₁ − β·d₂‖ by the 2×2 normal equations [d₁·d₁ d₁·d₂; d₁·d₂ d₂·d₂](α, β) = (d₁·δ, d₂·δ).
 */
export function projectTrajectory(points: Float64Array[], origin: Float64Array, directions: Float64Array[]): ProjectedTrajectory {
  const [first, second] = directions;
  const g11 = dot(first, first);
  const g12 = second ? dot(first, second) : 0;
  const g22 = second ? dot(second, second) : 1;
  const determinant = g11 * g22 - g12 * g12;
  const result: ProjectedTrajectory = { alpha: [], beta: [], residual: [] };
  const displacement = new Float64Array(origin.length);
  for (const point of points) {
    for (let i = 0; i < origin.length; i++) displacement[i] = point[i] - origin[i];
    const b1 = dot(first, displacement);
    const b2 = second ? dot(second, displacement) : 0;
    const alpha = second ? (g22 * b1 - g12 * b2) / determinant : b1 / g11;
    const beta = second ? (g11 * b2 - g12 * b1) / determinant : 0;
    let residualSquared = 0;
    for (let i = 0; i < origin.length; i++) {
      const off = displacement[i] - alpha * first[i] - (second ? beta * second[i] : 0);
      residualSquared += off * off;
    }
    const length = Math.sqrt(dot(displacement, displacement));
    result.alpha.push(alpha);
    result.beta.push(beta);
    result.residual.push(length > 0 ? Math.sqrt(residualSquared) / length : 0);
  }
  return result;
}
