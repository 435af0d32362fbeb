import type { Objective } from '../objective';

/**
 * The objective restricted to parameters offset…offset+length−1, the others frozen at x0:
 * g(y) = f(x0 + Pᵀ(y − P x0)), ∇g = P∇f, ∇²g = P·H·Pᵀ (one layer's Hessian block).
 */
export function restrictObjective(objective: Objective, x0: Float64Array, offset: number, length: number): Objective {
  if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 1 || offset + length > objective.dim) {
    throw new Error(`the block [${offset}, ${offset + length}) does not fit in the ${objective.dim} parameters: offset and length must satisfy 0 ≤ offset and offset + length ≤ ${objective.dim}`);
  }
  const full = Float64Array.from(x0);
  const fullGradient = new Float64Array(objective.dim);
  const fullDirection = new Float64Array(objective.dim);
  const fullProduct = new Float64Array(objective.dim);
  const embed = (y: Float64Array): Float64Array => {
    full.set(y, offset);
    return full;
  };
  const restricted: Objective = {
    dim: length,
    value: (y) => objective.value(embed(y)),
    gradient(y, out) {
      const value = objective.gradient(embed(y), fullGradient);
      out.set(fullGradient.subarray(offset, offset + length));
      return value;
    },
  };
  if (objective.hessianVectorProduct) {
    restricted.hessianVectorProduct = (y, v, out) => {
      fullDirection.fill(0);
      fullDirection.set(v, offset);
      objective.hessianVectorProduct!(embed(y), fullDirection, fullProduct);
      out.set(fullProduct.subarray(offset, offset + length));
    };
  } else if (objective.hessian) {
    restricted.hessian = (y) => {
      const matrix = objective.hessian!(embed(y));
      const n = objective.dim;
      const block = new Float64Array(length * length);
      for (let i = 0; i < length; i++) block.set(matrix.subarray((offset + i) * n + offset, (offset + i) * n + offset + length), i * length);
      return block;
    };
  }
  return restricted;
}
