import { objectivePlaneEvaluator, type PlaneEvaluator } from './evaluator';
import { mlpPlaneEvaluator } from './mlp-plane';
import { surfaceFromConfig } from '../surfaces/race';
import type { SurfaceName } from '../surfaces/catalog';
import type { PlaneSpec } from './types';

/** The evaluator of a plane spec's problem: the fast first-layer-linear path for MLPs, full evaluations otherwise. */
export function planeEvaluator(spec: PlaneSpec): PlaneEvaluator {
  const problem = spec.problem;
  switch (problem.kind) {
    case 'mlp':
      return mlpPlaneEvaluator(problem, spec);
    case 'surface':
      return objectivePlaneEvaluator(surfaceFromConfig({ name: problem.name as SurfaceName | undefined, expression: problem.expression, parameters: problem.parameters }), spec);
  }
}
