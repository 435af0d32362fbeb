import { denseHessian, type Objective } from './objective';
import { norm2 } from './linalg/vector';
import { solveLinear } from './linalg/dense';
import { symmetricEigen } from './linalg/symmetric-eigen';
import type { CriticalPointResult } from '../shared/results';
import { classifyEigenvalues } from './hessian/classify';

export { classifyEigenvalues };

export interface CriticalPointSearch {
  domain: [[number, number], [number, number]];
  /** Starts per axis of the grid of Newton starts. */
  starts?: number;
  iterations?: number;
  /** ‖∇f‖ below which a point is critical. */
  gradientTolerance?: number;
}

/**
 * Critical points of a 2-D objective in its domain: Newton on ∇f = 0 (x ← x − H⁻¹∇f) from a
 * grid of starts, kept when ‖∇f‖ is tiny, merged when closer than 1e-3 of the domain's size,
 * and classified by classifyEigenvalues; points where f or the Hessian is not finite are skipped.
 */
export function findCriticalPoints(objective: Objective, search: CriticalPointSearch): CriticalPointResult[] {
  const [[xMin, xMax], [yMin, yMax]] = search.domain;
  const starts = search.starts ?? 21;
  const iterations = search.iterations ?? 60;
  const tolerance = search.gradientTolerance ?? 1e-9;
  const scale = Math.max(xMax - xMin, yMax - yMin);
  const found: CriticalPointResult[] = [];
  const gradientNorms: number[] = [];
  const gradient = new Float64Array(2);
  for (let i = 0; i < starts; i++) {
    for (let j = 0; j < starts; j++) {
      const x = Float64Array.of(xMin + ((i + 0.5) * (xMax - xMin)) / starts, yMin + ((j + 0.5) * (yMax - yMin)) / starts);
      if (!newtonOnGradient(objective, x, iterations, tolerance * Math.max(1, scale))) continue;
      if (x[0] < xMin || x[0] > xMax || x[1] < yMin || x[1] > yMax) continue;
      const value = objective.gradient(x, gradient);
      const gradientNorm = norm2(gradient);
      // A point where f is not finite (1/0, log 0) is no critical point, whatever its gradient.
      if (!Number.isFinite(value)) continue;
      const eigenvalues = symmetricEigen(denseHessian(objective, x), 2).values;
      if (!eigenvalues.every(Number.isFinite)) continue;
      const duplicate = found.findIndex((point) => Math.hypot(point.point[0] - x[0], point.point[1] - x[1]) < 1e-3 * scale);
      if (duplicate >= 0) {
        // A degenerate point converges only linearly: keep the start that came closest.
        if (gradientNorm >= gradientNorms[duplicate]) continue;
        found.splice(duplicate, 1);
        gradientNorms.splice(duplicate, 1);
      }
      gradientNorms.push(gradientNorm);
      found.push({ point: Array.from(x), value, eigenvalues: Array.from(eigenvalues), ...classifyEigenvalues(eigenvalues) });
    }
  }
  return found.sort((a, b) => a.point[0] - b.point[0] || a.point[1] - b.point[1]);
}

/** Newton's iteration on the gradient, in place; true when ‖∇f‖ falls below the tolerance. */
function newtonOnGradient(objective: Objective, x: Float64Array, iterations: number, tolerance: number): boolean {
  const gradient = new Float64Array(objective.dim);
  for (let k = 0; k < iterations; k++) {
    objective.gradient(x, gradient);
    const gradientNorm = norm2(gradient);
    if (!Number.isFinite(gradientNorm)) return false;
    if (gradientNorm <= tolerance) return true;
    const step = solveLinear(denseHessian(objective, x), objective.dim, gradient);
    if (!step.every(Number.isFinite)) return false;
    for (let i = 0; i < x.length; i++) x[i] -= step[i];
  }
  objective.gradient(x, gradient);
  return norm2(gradient) <= tolerance;
}
