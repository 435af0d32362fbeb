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
}

/** Analyses run on the surface or the model (schemas/experiment.schema.json#/$defs/…). */
export interface AnalysesConfig {
  hessian?: HessianAnalysisConfig;
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
