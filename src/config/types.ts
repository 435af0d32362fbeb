import type { HessianAnalysisOptions } from '../core/hessian/options';
import type { LandscapeOptions } from '../core/landscape/options';
import type { SurfaceSpec } from '../core/surfaces/race';

/** The typed form of a *.landscape.json file is the engine's experiment config (core/experiment/config). */
export type { ExperimentConfig, AnalysesConfig, OptimizerConfig, RuntimeConfig, ClusterConfig, ClusterSecurity } from '../core/experiment/config';

/** analyses.landscape (core/landscape/options). */
export type LandscapeAnalysisConfig = LandscapeOptions;
/** analyses.hessian (core/hessian/options). */
export type HessianAnalysisConfig = HessianAnalysisOptions;
/** surface (core/surfaces/race). */
export type SurfaceConfig = SurfaceSpec;

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
