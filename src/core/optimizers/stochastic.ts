import { norm2 } from '../linalg/vector';
import type { Optimizer } from './types';

/** Noisy gradient descent (gradient descent with isotropic Gaussian noise): x ← x − lr·(∇f + σξ), ξ ~ N(0, I). */
export function noisyGradientDescent(options: { noise: number }, dim: number): Optimizer {
  return {
    name: 'noisy-gd',
    step(x, gradient, context) {
      for (let i = 0; i < dim; i++) {
        x[i] -= context.learningRate * (gradient[i] + options.noise * context.random.gaussian());
      }
    },
  };
}

/**
 * Perturbed gradient descent (Jin et al. 2017, Algorithm 2): when ‖∇f‖ ≤ g_thres and no
 * perturbation happened in the last t_thres steps, x ← x + ξ with ξ uniform in the ball of
 * the given radius; then x ← x − lr·∇f(x) at the (possibly perturbed) point.
 */
export function perturbedGradientDescent(options: {
  radius: number;
  g_thres: number;
  t_thres: number;
}, dim: number): Optimizer {
  const perturbation = new Float64Array(dim);
  const perturbedGradient = new Float64Array(dim);
  let lastPerturbation = -Infinity;
  return {
    name: 'perturbed-gd',
    step(x, gradient, context) {
      let direction = gradient;
      if (norm2(gradient) <= options.g_thres && context.step - lastPerturbation > options.t_thres) {
        context.random.uniformInBall(perturbation, options.radius);
        for (let i = 0; i < dim; i++) x[i] += perturbation[i];
        context.objective.gradient(x, perturbedGradient);
        direction = perturbedGradient;
        lastPerturbation = context.step;
      }
      for (let i = 0; i < dim; i++) x[i] -= context.learningRate * direction[i];
    },
  };
}
