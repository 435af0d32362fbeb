import { denseHessian } from '../objective';
import { solveLinear } from '../linalg/dense';
import { symmetricEigen } from '../linalg/symmetric-eigen';
import type { Optimizer } from './types';

/**
 * Damped Newton: x ← x − lr·(H + λI)⁻¹∇f. Undamped it jumps to the nearest critical point of
 * a quadratic, saddles included: on x²−y² one step from anywhere lands on (0, 0).
 */
export function newton(options: { damping: number }, dim: number): Optimizer {
  return {
    name: 'newton',
    step(x, gradient, context) {
      const hessian = denseHessian(context.objective, x);
      for (let i = 0; i < dim; i++) hessian[i * dim + i] += options.damping;
      const direction = solveLinear(hessian, dim, gradient);
      for (let i = 0; i < dim; i++) x[i] -= context.learningRate * direction[i];
    },
  };
}

/**
 * Saddle-free Newton (Dauphin et al. 2014, eq. 13): x ← x − lr·(|H| + λI)⁻¹∇f with
 * |H| = Q|Λ|Qᵀ, so negative-curvature directions are descended instead of climbed.
 */
export function saddleFreeNewton(options: { damping: number }, dim: number): Optimizer {
  const coefficients = new Float64Array(dim);
  return {
    name: 'saddle-free-newton',
    step(x, gradient, context) {
      const { values, vectors } = symmetricEigen(denseHessian(context.objective, x), dim, { vectors: true });
      // (|H| + λI)⁻¹g = Q diag(1/(|λₖ| + λ)) Qᵀ g
      for (let k = 0; k < dim; k++) {
        let projection = 0;
        for (let i = 0; i < dim; i++) projection += vectors![k * dim + i] * gradient[i];
        const curvature = Math.abs(values[k]) + options.damping;
        coefficients[k] = curvature > 0 ? projection / curvature : 0;
      }
      for (let i = 0; i < dim; i++) {
        let update = 0;
        for (let k = 0; k < dim; k++) update += vectors![k * dim + i] * coefficients[k];
        x[i] -= context.learningRate * update;
      }
    },
  };
}
