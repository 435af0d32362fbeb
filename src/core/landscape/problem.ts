import { objectivePlaneEvaluator, type PlaneEvaluator } from './evaluator';
import { mlpPlaneEvaluator } from './mlp-plane';
import type { Objective } from '../objective';
import { surfaceFromConfig } from '../surfaces/race';
import type { SurfaceName } from '../surfaces/catalog';
import type { PlaneSpec, QuadraticProblem } from './types';

/** The evaluator of a plane spec's problem: the fast first-layer-linear path for MLPs, full evaluations otherwise. */
export function planeEvaluator(spec: PlaneSpec): PlaneEvaluator {
  const problem = spec.problem;
  switch (problem.kind) {
    case 'mlp':
      return mlpPlaneEvaluator(problem, spec);
    case 'surface':
      return objectivePlaneEvaluator(surfaceFromConfig({ name: problem.name as SurfaceName | undefined, expression: problem.expression, parameters: problem.parameters }), spec);
    case 'quadratic':
      return objectivePlaneEvaluator(quadraticObjective(problem), spec);
  }
}

/** f(x) = ½ xᵀA x + bᵀx, ∇f = A x + b (A symmetric), H = A. */
export function quadraticObjective(problem: QuadraticProblem): Objective {
  const dim = problem.linear.length;
  const { matrix, linear } = problem;
  const gradient = (x: Float64Array, out: Float64Array): number => {
    let value = 0;
    for (let i = 0; i < dim; i++) {
      let sum = 0;
      for (let j = 0; j < dim; j++) sum += matrix[i * dim + j] * x[j];
      out[i] = sum + linear[i];
      value += x[i] * (0.5 * sum + linear[i]);
    }
    return value;
  };
  const scratch = new Float64Array(dim);
  return {
    dim,
    value(x) {
      if (problem.delayMs) busyWait(problem.delayMs);
      return gradient(x, scratch);
    },
    gradient,
    hessian: () => Float64Array.from(matrix),
  };
}

function busyWait(milliseconds: number): void {
  const until = performance.now() + milliseconds;
  while (performance.now() < until) {
    // spin: simulates a costly evaluation
  }
}
