import { symmetricEigen } from '../linalg/symmetric-eigen';

export interface PcaDirections {
  /** Unit-length principal axes in parameter space, largest variance first. */
  directions: Float64Array[];
  /** Fraction of the trajectory's variance along each axis (sklearn's explained_variance_ratio_). */
  explainedVariance: number[];
}

/**
 * PCA of a trajectory as Li et al. 2018 (projection.py): rows mₜ = θₜ − θ_final, centred by
 * their mean (as sklearn's PCA), axes from the small Gram matrix G = MMᵀ = UΛUᵀ:
 * axis k = Mᵀuₖ/√λₖ, explained variance λₖ/Σλ.
 */
export function trajectoryPca(snapshots: Float64Array[], final: Float64Array, count = 2): PcaDirections {
  const steps = snapshots.length;
  if (steps < 2) throw new Error(`PCA directions need at least 2 parameter snapshots, got ${steps}: train for more epochs or use random directions`);
  const dim = final.length;
  const mean = new Float64Array(dim);
  for (const snapshot of snapshots) for (let i = 0; i < dim; i++) mean[i] += (snapshot[i] - final[i]) / steps;
  const rows = snapshots.map((snapshot) => Float64Array.from(snapshot, (value, i) => value - final[i] - mean[i]));
  const gram = new Float64Array(steps * steps);
  for (let a = 0; a < steps; a++) {
    for (let b = a; b < steps; b++) {
      let sum = 0;
      for (let i = 0; i < dim; i++) sum += rows[a][i] * rows[b][i];
      gram[a * steps + b] = sum;
      gram[b * steps + a] = sum;
    }
  }
  const { values, vectors } = symmetricEigen(gram, steps, { vectors: true, overwrite: true });
  const total = values.reduce((sum, value) => sum + Math.max(value, 0), 0);
  const directions: Float64Array[] = [];
  const explainedVariance: number[] = [];
  for (let k = 0; k < Math.min(count, steps); k++) {
    const column = steps - 1 - k;
    const eigenvalue = Math.max(values[column], 0);
    const axis = new Float64Array(dim);
    for (let t = 0; t < steps; t++) {
      const weight = vectors![column * steps + t];
      for (let i = 0; i < dim; i++) axis[i] += weight * rows[t][i];
    }
    let length = 0;
    for (let i = 0; i < dim; i++) length += axis[i] * axis[i];
    length = Math.sqrt(length);
    if (length > 0) for (let i = 0; i < dim; i++) axis[i] /= length;
    directions.push(axis);
    explainedVariance.push(total > 0 ? eigenvalue / total : 0);
  }
  return { directions, explainedVariance };
}
