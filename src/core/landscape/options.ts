/** analyses.landscape: the loss on a plane (or line) through the final weights (Li et al. 2018). */
export interface LandscapeOptions {
  /** random (seeded Gaussian, default), pca (of the training path), hessian (top and most negative eigenvector), interpolation (initial → final, 1-D). */
  directions?: 'random' | 'pca' | 'hessian' | 'interpolation';
  /** Scaling of random directions: filter (default for models), layer, model, unit (default for surfaces), none. */
  normalization?: 'filter' | 'layer' | 'model' | 'unit' | 'none';
  /** Zero the directions' bias entries (default true, Li et al.'s --xignore biasbn). */
  ignoreBiases?: boolean;
  /** Grid range of α and β: r for [−r, r] or [min, max] (default [−1, 1]; interpolation [−0.5, 1.5]; pca covers the path). */
  range?: number | [number, number];
  /** Points per axis (default 51). */
  resolution?: number;
  /** Rows of training data the loss averages over, a seeded subset (default all). */
  samples?: number;
  /** 1 (a line) or 2 (a plane, default). */
  dimensions?: 1 | 2;
  /** PyTorch without training: a glob of checkpoint files whose path pca follows, sorted by name. */
  trajectory?: string;
  /** PyTorch without training: the second checkpoint of interpolation (from model.weights to this). */
  to?: string;
}
