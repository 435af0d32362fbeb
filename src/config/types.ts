import type { OptimizerName, Schedule } from '../core/optimizers';
import type { SurfaceName } from '../core/surfaces/catalog';
import type { ModelConfig, TrainingConfig } from '../core/nn/config';
import type { DataConfig } from '../core/data/load';

/** The typed form of a *.landscape.json file (see schemas/experiment.schema.json). */
export interface ExperimentConfig {
  name: string;
  description?: string;
  seed?: number;
  surface?: SurfaceConfig;
  start?: [number, number];
  steps?: number;
  tolerance?: number;
  divergenceBound?: number;
  optimizers?: OptimizerConfig[];
  grid?: { resolution?: number; domain?: [[number, number], [number, number]] };
  criticalPoints?: boolean;
  /** An MLP trained on `data` (see core/nn/config). */
  model?: ModelConfig;
  data?: DataConfig;
  training?: TrainingConfig;
  analyses?: AnalysesConfig;
  /** Where a PyTorch model (model.pytorch) runs. */
  runtime?: RuntimeConfig;
}

/** runtime: the device and threads of the PyTorch backend. */
export interface RuntimeConfig {
  /** "auto" (CUDA when available, else the CPU; default), "cpu", "cuda", "cuda:1". */
  device?: string;
  /** torch.set_num_threads; 0 or absent: every core. */
  threads?: number;
}

/** Analyses run on the surface or the model (schemas/experiment.schema.json#/$defs/…). */
export interface AnalysesConfig {
  hessian?: HessianAnalysisConfig;
  landscape?: LandscapeAnalysisConfig;
}

/** analyses.landscape: the loss on a plane (or line) through the final weights (Li et al. 2018). */
export interface LandscapeAnalysisConfig {
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

/** analyses.hessian: what to compute from the Hessian (PyHessian's quantities and the dense spectrum). */
export interface HessianAnalysisConfig {
  /** Dense Hessian and its whole spectrum (default: when the model has at most maxDimension parameters and neither top nor bottom is given). */
  full?: boolean;
  /** Return eigenvectors with the eigenvalues (full spectrum, top, bottom). */
  eigenvectors?: boolean;
  /** Largest parameter count of the dense path (default 3000). */
  maxDimension?: number;
  /** Number of largest eigenvalues (Lanczos). */
  top?: number;
  /** Number of most negative eigenvalues (Lanczos). */
  bottom?: number;
  /** Lanczos (default) or PyHessian's power iteration for `top`. */
  solver?: 'lanczos' | 'power';
  /** Relative residual tolerance of Lanczos / relative change tolerance of power iteration. */
  tolerance?: number;
  maxProducts?: number;
  trace?: boolean | { probes?: number; relativeError?: number };
  density?: boolean | { steps?: number; probes?: number; width?: number; widthConvention?: 'variance' | 'standard-deviation'; scaleWidthByRange?: boolean; gridSize?: number };
  /** Also analyse during training every N epochs (and at detector events). */
  every?: number;
  /** Also analyse each layer's block (weights and bias of one layer). */
  layers?: boolean;
  method?: 'exact' | 'finite-difference';
  /** Finite-difference step ε (default 1e-5, the seed's). */
  step?: number;
  /** |λ| ≤ classificationTolerance·max|λ| counts as zero (default 1e-6). */
  classificationTolerance?: number;
  /** Loss along the top and the most negative eigenvector. */
  slice?: boolean | { radius?: number; points?: number };
}

export interface SurfaceConfig {
  name?: SurfaceName;
  expression?: string;
  domain?: [[number, number], [number, number]];
  parameters?: Record<string, number>;
}

export interface OptimizerConfig {
  name: OptimizerName;
  label?: string;
  lr?: number;
  schedule?: Schedule;
  [parameter: string]: unknown;
}

/** A problem in a config: the JSON pointer of the field, what is wrong and how to fix it. */
export interface ConfigIssue {
  /** JSON pointer, e.g. "/optimizers/0/lr"; "" for the whole file. */
  path: string;
  message: string;
  severity: 'error' | 'warning';
  /** Character offset in the file's text, when the problem is a syntax error. */
  offset?: number;
  length?: number;
}
