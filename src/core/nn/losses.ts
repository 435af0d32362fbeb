import { sigmoid, softplus } from './activations';

/**
 * Loss names. `mse`: mean over samples and outputs of (y − t)² (torch MSELoss);
 * `softmax-cross-entropy`: mean over samples of −Σ t·log softmax(y) (torch CrossEntropyLoss on
 * logits; t one-hot or soft); `sigmoid-bce`: mean over samples and outputs of
 * −[t·log σ(y) + (1 − t)·log(1 − σ(y))] (torch BCEWithLogitsLoss); `sse`: ½·Σ (y − t)² summed
 * over the batch and outputs, whose gradient with respect to the outputs is y − t (the
 * backpropagation delta of Rumelhart, Hinton & Williams 1986).
 */
export const LOSS_NAMES = ['mse', 'softmax-cross-entropy', 'sigmoid-bce', 'sse'] as const;
export type LossName = (typeof LOSS_NAMES)[number];

/** Whether a config's loss is one of the engine's (not a PyTorch model's "file.py:function"). */
export function isEngineLoss(name: string): name is LossName {
  return (LOSS_NAMES as readonly string[]).includes(name);
}

/**
 * A loss on the network's output y (rows × outputs, row-major) against targets t of the same
 * shape. `total` is the number of samples the loss averages over, so a data set processed in
 * chunks sums the chunks' contributions exactly.
 */
export interface Loss {
  readonly name: LossName;
  /** Σ over these rows of the loss contribution; with gradientOut, writes ∂L/∂y too. */
  evaluate(y: Float64Array, t: Float64Array, rows: number, outputs: number, total: number, gradientOut: Float64Array | null): number;
  /** True when ∇²_y L is constant (hessianTimes reads neither y nor t). */
  readonly constantHessian?: boolean;
  /** out = ∇²_y L · v (block-diagonal per sample), the loss's part of the R-operator. */
  hessianTimes(y: Float64Array, t: Float64Array, v: Float64Array, rows: number, outputs: number, total: number, out: Float64Array): void;
}

const mse: Loss = {
  name: 'mse',
  constantHessian: true,
  evaluate(y, t, rows, outputs, total, gradientOut) {
    const scale = 1 / (total * outputs);
    let sum = 0;
    for (let i = 0; i < rows * outputs; i++) {
      const residual = y[i] - t[i];
      sum += residual * residual;
      if (gradientOut) gradientOut[i] = 2 * scale * residual;
    }
    return sum * scale;
  },
  hessianTimes(_y, _t, v, rows, outputs, total, out) {
    const scale = 2 / (total * outputs);
    for (let i = 0; i < rows * outputs; i++) out[i] = scale * v[i];
  },
};

const sse: Loss = {
  name: 'sse',
  constantHessian: true,
  evaluate(y, t, rows, outputs, _total, gradientOut) {
    let sum = 0;
    for (let i = 0; i < rows * outputs; i++) {
      const residual = y[i] - t[i];
      sum += residual * residual;
      if (gradientOut) gradientOut[i] = residual;
    }
    return 0.5 * sum;
  },
  hessianTimes(_y, _t, v, rows, outputs, _total, out) {
    for (let i = 0; i < rows * outputs; i++) out[i] = v[i];
  },
};

/** Softmax of one row into out: pⱼ = e^(yⱼ − max y) / Σ e^(yₖ − max y); returns log Σ e^(yₖ − max y) + max y. */
function softmaxRow(y: Float64Array, offset: number, outputs: number, out: Float64Array, outOffset: number): number {
  let max = -Infinity;
  for (let j = 0; j < outputs; j++) max = Math.max(max, y[offset + j]);
  let sum = 0;
  for (let j = 0; j < outputs; j++) {
    const e = Math.exp(y[offset + j] - max);
    out[outOffset + j] = e;
    sum += e;
  }
  for (let j = 0; j < outputs; j++) out[outOffset + j] /= sum;
  return max + Math.log(sum);
}

function crossEntropy(): Loss {
  let probabilities = new Float64Array(0);
  const ensure = (size: number) => {
    if (probabilities.length < size) probabilities = new Float64Array(size);
    return probabilities;
  };
  return {
    name: 'softmax-cross-entropy',
    // L = (1/N) Σᵢ [logsumexp(yᵢ)·Σⱼtᵢⱼ − Σⱼ tᵢⱼ yᵢⱼ]; ∂L/∂yᵢⱼ = (pᵢⱼ·Σₖtᵢₖ − tᵢⱼ)/N
    evaluate(y, t, rows, outputs, total, gradientOut) {
      const p = ensure(outputs);
      let sum = 0;
      for (let i = 0; i < rows; i++) {
        const row = i * outputs;
        const logNormalizer = softmaxRow(y, row, outputs, p, 0);
        let targetMass = 0;
        for (let j = 0; j < outputs; j++) {
          targetMass += t[row + j];
          sum += t[row + j] * (logNormalizer - y[row + j]);
        }
        if (gradientOut) for (let j = 0; j < outputs; j++) gradientOut[row + j] = (p[j] * targetMass - t[row + j]) / total;
      }
      return sum / total;
    },
    // per sample: (Σₖtₖ/N)·(diag(p) − ppᵀ)v = (Σₖtₖ/N)·p ⊙ (v − pᵀv)
    hessianTimes(y, t, v, rows, outputs, total, out) {
      const p = ensure(outputs);
      for (let i = 0; i < rows; i++) {
        const row = i * outputs;
        softmaxRow(y, row, outputs, p, 0);
        let targetMass = 0;
        let dot = 0;
        for (let j = 0; j < outputs; j++) {
          targetMass += t[row + j];
          dot += p[j] * v[row + j];
        }
        const scale = targetMass / total;
        for (let j = 0; j < outputs; j++) out[row + j] = scale * p[j] * (v[row + j] - dot);
      }
    },
  };
}

const binaryCrossEntropy: Loss = {
  name: 'sigmoid-bce',
  // ℓ(y, t) = softplus(y) − t·y; ∂ℓ/∂y = σ(y) − t; averaged over N·outputs
  evaluate(y, t, rows, outputs, total, gradientOut) {
    const scale = 1 / (total * outputs);
    let sum = 0;
    for (let i = 0; i < rows * outputs; i++) {
      sum += softplusExact(y[i]) - t[i] * y[i];
      if (gradientOut) gradientOut[i] = scale * (sigmoid(y[i]) - t[i]);
    }
    return sum * scale;
  },
  hessianTimes(y, _t, v, rows, outputs, total, out) {
    const scale = 1 / (total * outputs);
    for (let i = 0; i < rows * outputs; i++) {
      const s = sigmoid(y[i]);
      out[i] = scale * s * (1 - s) * v[i];
    }
  },
};

/** log(1 + e^y) without softplus's linear cut-off (the loss must be exact for large logits). */
function softplusExact(y: number): number {
  return y > 20 ? y + Math.log1p(Math.exp(-y)) : softplus(y);
}

/** A fresh loss of a name (cross-entropy keeps a small scratch buffer). */
export function createLoss(name: LossName): Loss {
  switch (name) {
    case 'mse':
      return mse;
    case 'sse':
      return sse;
    case 'sigmoid-bce':
      return binaryCrossEntropy;
    case 'softmax-cross-entropy':
      return crossEntropy();
  }
}
