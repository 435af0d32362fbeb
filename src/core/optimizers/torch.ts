import type { Optimizer, StepContext } from './types';

/** torch.optim.SGD: b ← μb + (1−τ)g (b₁ = g); g ← g + μb if nesterov else b; x ← x − lr·g, with g = ±∇f + λx. */
export function sgd(options: {
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weight_decay: number;
  maximize: boolean;
}, dim: number): Optimizer {
  const buffer = new Float64Array(dim);
  let started = false;
  return {
    name: 'sgd',
    step(x, gradient, context) {
      const { momentum, dampening, nesterov, weight_decay: weightDecay, maximize } = options;
      const lr = context.learningRate;
      for (let i = 0; i < dim; i++) {
        let g = maximize ? -gradient[i] : gradient[i];
        if (weightDecay !== 0) g += weightDecay * x[i];
        if (momentum !== 0) {
          buffer[i] = started ? momentum * buffer[i] + (1 - dampening) * g : g;
          g = nesterov ? g + momentum * buffer[i] : buffer[i];
        }
        x[i] -= lr * g;
      }
      started = true;
    },
  };
}

/**
 * torch.optim.Adam (Kingma & Ba 2015): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * x ← x − lr/(1−β₁ᵗ) · m / (√v̂/√(1−β₂ᵗ) + ε), v̂ = max of v so far if amsgrad else v.
 * decoupled = true is AdamW (Loshchilov & Hutter 2019): x ← x(1 − lr·λ) before the step.
 */
export function adam(options: {
  betas: [number, number];
  eps: number;
  weight_decay: number;
  amsgrad: boolean;
  maximize: boolean;
  decoupled: boolean;
}, dim: number): Optimizer {
  const firstMoment = new Float64Array(dim);
  const secondMoment = new Float64Array(dim);
  const maxSecondMoment = new Float64Array(dim);
  let t = 0;
  return {
    name: options.decoupled ? 'adamw' : 'adam',
    step(x, gradient, context) {
      const [beta1, beta2] = options.betas;
      const { eps, weight_decay: weightDecay, amsgrad, maximize, decoupled } = options;
      const lr = context.learningRate;
      t++;
      const stepSize = lr / (1 - Math.pow(beta1, t));
      const correction2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
      for (let i = 0; i < dim; i++) {
        let g = maximize ? -gradient[i] : gradient[i];
        if (decoupled) x[i] *= 1 - lr * weightDecay;
        else if (weightDecay !== 0) g += weightDecay * x[i];
        firstMoment[i] += (g - firstMoment[i]) * (1 - beta1);
        secondMoment[i] = beta2 * secondMoment[i] + (1 - beta2) * g * g;
        let second = secondMoment[i];
        if (amsgrad) {
          maxSecondMoment[i] = Math.max(maxSecondMoment[i], second);
          second = maxSecondMoment[i];
        }
        const denominator = Math.sqrt(second) / correction2Sqrt + eps;
        x[i] -= (stepSize * firstMoment[i]) / denominator;
      }
    },
  };
}

/**
 * torch.optim.RMSprop (Hinton 2012): s ← αs + (1−α)g², a = √(s − ḡ²) if centered else √s;
 * with momentum μ: b ← μb + g/(a+ε), x ← x − lr·b; else x ← x − lr·g/(a+ε).
 */
export function rmsprop(options: {
  alpha: number;
  eps: number;
  weight_decay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}, dim: number): Optimizer {
  const squareAverage = new Float64Array(dim);
  const gradientAverage = new Float64Array(dim);
  const buffer = new Float64Array(dim);
  return {
    name: 'rmsprop',
    step(x, gradient, context: StepContext) {
      const { alpha, eps, weight_decay: weightDecay, momentum, centered, maximize } = options;
      const lr = context.learningRate;
      for (let i = 0; i < dim; i++) {
        let g = maximize ? -gradient[i] : gradient[i];
        if (weightDecay !== 0) g += weightDecay * x[i];
        squareAverage[i] = alpha * squareAverage[i] + (1 - alpha) * g * g;
        let average: number;
        if (centered) {
          gradientAverage[i] += (g - gradientAverage[i]) * (1 - alpha);
          average = Math.sqrt(squareAverage[i] - gradientAverage[i] * gradientAverage[i]) + eps;
        } else {
          average = Math.sqrt(squareAverage[i]) + eps;
        }
        if (momentum > 0) {
          buffer[i] = momentum * buffer[i] + g / average;
          x[i] -= lr * buffer[i];
        } else {
          x[i] -= (lr * g) / average;
        }
      }
    },
  };
}

/** torch.optim.Adagrad (Duchi et al. 2011): s ← s + g², x ← x − lr/(1+(t−1)·lr_decay) · g/(√s+ε). */
export function adagrad(options: {
  lr_decay: number;
  weight_decay: number;
  initial_accumulator_value: number;
  eps: number;
  maximize: boolean;
}, dim: number): Optimizer {
  const sum = new Float64Array(dim).fill(options.initial_accumulator_value);
  let t = 0;
  return {
    name: 'adagrad',
    step(x, gradient, context) {
      const { lr_decay: lrDecay, weight_decay: weightDecay, eps, maximize } = options;
      t++;
      const clr = context.learningRate / (1 + (t - 1) * lrDecay);
      for (let i = 0; i < dim; i++) {
        let g = maximize ? -gradient[i] : gradient[i];
        if (weightDecay !== 0) g += weightDecay * x[i];
        sum[i] += g * g;
        x[i] -= (clr * g) / (Math.sqrt(sum[i]) + eps);
      }
    },
  };
}
