import { compileExpression, type CompiledExpression } from './expression';
import type { Objective } from '../objective';

export type Domain = [[number, number], [number, number]];

/** A 2-D test function with exact gradient and Hessian. */
export interface Surface extends Objective {
  readonly dim: 2;
  readonly name: string;
  /** The formula in the notation a config's "expression" uses. */
  readonly formula: string;
  /** The plot's default window [[xmin, xmax], [ymin, ymax]]. */
  readonly domain: Domain;
  /** Critical points known in closed form or from the literature, if any. */
  readonly knownCriticalPoints?: readonly (readonly [number, number])[];
  hessian(x: Float64Array): Float64Array;
  hessianVectorProduct(x: Float64Array, v: Float64Array, out: Float64Array): void;
}

interface SurfaceDefinition {
  formula: (parameters: Record<string, number>) => string;
  domain: Domain;
  parameters?: Record<string, number>;
  knownCriticalPoints?: [number, number][];
  description: string;
}

/** The built-in surfaces, each defined by its formula (differentiated exactly by mathjs). */
export const SURFACES = {
  // f = x² − y²: a saddle of index 1 at the origin.
  saddle: { formula: () => 'x^2 - y^2', domain: [[-2, 2], [-2, 2]], knownCriticalPoints: [[0, 0]], description: 'x² − y², the classic saddle of index 1' },
  // f = 5x² − y²: the saddle of Dauphin et al. 2014 (Fig. 2).
  'dauphin-saddle': { formula: () => '5*x^2 - y^2', domain: [[-2, 2], [-2, 2]], knownCriticalPoints: [[0, 0]], description: '5x² − y² (Dauphin et al. 2014)' },
  // f = x³ − 3xy²: the monkey saddle, degenerate (zero Hessian) at the origin.
  'monkey-saddle': { formula: () => 'x^3 - 3*x*y^2', domain: [[-1.5, 1.5], [-1.5, 1.5]], knownCriticalPoints: [[0, 0]], description: 'x³ − 3xy², a degenerate saddle' },
  // f = (a − x)² + b(y − x²)²: Rosenbrock's valley, minimum at (a, a²).
  rosenbrock: { formula: (p) => `(${p.a} - x)^2 + ${p.b}*(y - x^2)^2`, domain: [[-2, 2], [-1, 3]], parameters: { a: 1, b: 100 }, knownCriticalPoints: [[1, 1]], description: 'Rosenbrock valley' },
  // f = (x² + y − 11)² + (x + y² − 7)²: Himmelblau, four minima, four saddles, one maximum.
  himmelblau: {
    formula: () => '(x^2 + y - 11)^2 + (x + y^2 - 7)^2',
    domain: [[-5, 5], [-5, 5]],
    knownCriticalPoints: [[3, 2], [-2.805118, 3.131312], [-3.77931, -3.283186], [3.584428, -1.848126], [-0.270845, -0.923039]],
    description: 'Himmelblau: four minima',
  },
  // f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²: Beale, minimum at (3, 0.5).
  beale: {
    formula: () => '(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2',
    domain: [[-4.5, 4.5], [-4.5, 4.5]],
    knownCriticalPoints: [[3, 0.5]],
    description: 'Beale: flat plateaus and a sharp valley',
  },
  // f = 2A + x² − A cos(2πx) + y² − A cos(2πy): Rastrigin, a lattice of local minima, global at 0.
  rastrigin: { formula: (p) => `${2 * p.A} + x^2 - ${p.A}*cos(2*pi*x) + y^2 - ${p.A}*cos(2*pi*y)`, domain: [[-5.12, 5.12], [-5.12, 5.12]], parameters: { A: 10 }, knownCriticalPoints: [[0, 0]], description: 'Rastrigin: many local minima' },
  // f = (4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y²: six-hump camel, global minima ±(0.0898, −0.7126).
  'six-hump-camel': {
    formula: () => '(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (-4 + 4*y^2)*y^2',
    domain: [[-3, 3], [-2, 2]],
    knownCriticalPoints: [[0.0898, -0.7126], [-0.0898, 0.7126]],
    description: 'six-hump camel: six minima',
  },
  // f = [1 + (x+y+1)²(19 − 14x + 3x² − 14y + 6xy + 3y²)]·[30 + (2x−3y)²(18 − 32x + 12x² + 48y − 36xy + 27y²)]: Goldstein–Price, minimum 3 at (0, −1).
  'goldstein-price': {
    formula: () => '(1 + (x + y + 1)^2*(19 - 14*x + 3*x^2 - 14*y + 6*x*y + 3*y^2))*(30 + (2*x - 3*y)^2*(18 - 32*x + 12*x^2 + 48*y - 36*x*y + 27*y^2))',
    domain: [[-2, 2], [-2, 2]],
    knownCriticalPoints: [[0, -1]],
    description: 'Goldstein–Price: steep, minimum 3 at (0, −1)',
  },
  // f = (x² + κy²)/2: an ill-conditioned quadratic, Hessian diag(1, κ), condition number κ.
  'ill-conditioned': { formula: (p) => `(x^2 + ${p.condition}*y^2)/2`, domain: [[-2, 2], [-2, 2]], parameters: { condition: 10 }, knownCriticalPoints: [[0, 0]], description: 'quadratic with condition number κ' },
} satisfies Record<string, SurfaceDefinition>;

export type SurfaceName = keyof typeof SURFACES;
export const SURFACE_NAMES = Object.keys(SURFACES) as SurfaceName[];

/** A built-in surface, with its parameters (e.g. the quadratic's condition) overriding the defaults. */
export function builtinSurface(name: SurfaceName, parameters: Record<string, number> = {}): Surface {
  const definition: SurfaceDefinition = SURFACES[name];
  const merged = { ...(definition.parameters ?? {}), ...parameters };
  return surfaceFromExpression(definition.formula(merged), definition.domain, name, definition.knownCriticalPoints);
}

/** A surface from a user's expression in x and y; throws ExpressionError with the fix on a bad one. */
export function surfaceFromExpression(
  formula: string,
  domain: Domain,
  name = formula,
  knownCriticalPoints?: [number, number][],
): Surface {
  const compiled: CompiledExpression = compileExpression(formula);
  const scratch = new Float64Array(4);
  return {
    dim: 2,
    name,
    formula,
    domain,
    knownCriticalPoints,
    value: (x) => compiled.value(x[0], x[1]),
    gradient(x, out) {
      compiled.gradient(x[0], x[1], out);
      return compiled.value(x[0], x[1]);
    },
    hessian(x) {
      const out = new Float64Array(4);
      compiled.hessian(x[0], x[1], out);
      return out;
    },
    hessianVectorProduct(x, v, out) {
      compiled.hessian(x[0], x[1], scratch);
      out[0] = scratch[0] * v[0] + scratch[1] * v[1];
      out[1] = scratch[2] * v[0] + scratch[3] * v[1];
    },
  };
}
