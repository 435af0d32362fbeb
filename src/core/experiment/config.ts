/**
 * The typed form of an experiment (a *.landscape.json file, see schemas/experiment.schema.json):
 * what the pipeline runs. Composed of the option types each part of the engine takes.
 */
import type { DataConfig } from '../data/load';
import type { HessianAnalysisOptions } from '../hessian/options';
import type { LandscapeOptions } from '../landscape/options';
import type { ModelConfig, TrainingConfig } from '../nn/config';
import type { OptimizerName, Schedule } from '../optimizers';
import type { SurfaceSpec } from '../surfaces/race';

export interface ExperimentConfig {
  name: string;
  description?: string;
  seed?: number;
  surface?: SurfaceSpec;
  start?: [number, number];
  steps?: number;
  tolerance?: number;
  divergenceBound?: number;
  optimizers?: OptimizerConfig[];
  grid?: { resolution?: number; domain?: [[number, number], [number, number]] };
  criticalPoints?: boolean;
  /** An MLP on `data` (see core/nn/config); it trains only when `training` is given. */
  model?: ModelConfig;
  data?: DataConfig;
  training?: TrainingConfig;
  analyses?: AnalysesConfig;
  /** Where a PyTorch model (model.pytorch) runs. */
  runtime?: RuntimeConfig;
  /** A Dask cluster for a PyTorch model's landscape rows and Hessian probes. */
  cluster?: ClusterConfig;
}

/**
 * cluster: a running Dask scheduler (`scheduler`, with Dask's TLS `security` options), or a local
 * cluster of worker processes started and stopped by the run (`local`). Passed to the PyTorch
 * backend unchanged.
 */
export interface ClusterConfig {
  /** The scheduler's address, e.g. "tcp://host:8786" ("tls://" with security). */
  scheduler?: string;
  /** Dask's TLS options (distributed.security.Security); file paths relative to the config. */
  security?: ClusterSecurity;
  /** A LocalCluster of `workers` processes (default 2), one thread each. */
  local?: { workers?: number };
}

/** Dask's TLS options, as distributed.security.Security takes them. */
export interface ClusterSecurity {
  tls_ca_file?: string;
  tls_client_cert?: string;
  tls_client_key?: string;
  tls_ciphers?: string;
  tls_min_version?: number;
  tls_max_version?: number;
  require_encryption?: boolean;
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
  hessian?: HessianAnalysisOptions;
  landscape?: LandscapeOptions;
}

/** One optimizer of a surface race: a torch.optim name and its parameters. */
export interface OptimizerConfig {
  name: OptimizerName;
  label?: string;
  lr?: number;
  schedule?: Schedule;
  [parameter: string]: unknown;
}
