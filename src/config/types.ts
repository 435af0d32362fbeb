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
