/**
 * The one way a config becomes ready to run. Every path that runs or checks a config goes
 * through `prepare` (the editor's run commands, the Problems panel, `landscape-lens run` and
 * `validate`, a race re-run from the panel, a saved run's config run again), so each says the
 * same words and refuses the same configs. One fixed order:
 *
 * 1. parse, schema and semantic rules, then advice (validate.ts: validateConfigText);
 * 2. the settings as defaults of what the config leaves out (the contour grid's resolution, the
 *    dense-Hessian size limit), so the later steps see the config as it will run;
 * 3. the cluster setting or --cluster (cluster-address.ts), a malformed address as an error
 *    naming the setting or the flag;
 * 4. the memory check (memory.ts), on the config with its defaults and cluster;
 * 5. the backend choice: the PyTorch backend for model.pytorch or PyTorch data, else the engine.
 */
import { DEFAULT_DENSE_LIMIT } from '../core/hessian/dense-spectrum';
import { RACE_DEFAULTS } from '../core/surfaces/race';
import { ClusterAddressError, withClusterScheduler } from './cluster-address';
import { memoryIssues, type MemoryLimits } from './memory';
import type { ConfigIssue, ExperimentConfig } from './types';
import { validateConfigText, validateConfigValue, type ValidatedConfig } from './validate';

/** Which implementation computes a config. */
export type Backend = 'engine' | 'pytorch';

/** The backend of a config: the PyTorch backend for model.pytorch (or PyTorch data), else the engine. */
export function backendOf(config: ExperimentConfig): Backend {
  return config.model?.pytorch || config.data?.kind === 'pytorch' ? 'pytorch' : 'engine';
}

/** The settings a run applies as defaults of what a config leaves out (landscapeLens.gridResolution, landscapeLens.denseHessianLimit). */
export interface RunDefaults {
  gridResolution: number;
  denseHessianLimit: number;
}

/** The settings' documented defaults (package.json), which are also the engine's own: what the CLI applies. */
export const DEFAULT_RUN_DEFAULTS: RunDefaults = { gridResolution: RACE_DEFAULTS.resolution, denseHessianLimit: DEFAULT_DENSE_LIMIT };

/** The settings as defaults of what a config leaves out: the contour grid's resolution, the dense-Hessian size limit. */
export function withSettingsDefaults(config: ExperimentConfig, settings: RunDefaults): ExperimentConfig {
  let result = config;
  if (result.surface && result.grid?.resolution === undefined) result = { ...result, grid: { ...result.grid, resolution: settings.gridResolution } };
  const hessian = result.analyses?.hessian;
  if (hessian && hessian.maxDimension === undefined) result = { ...result, analyses: { ...result.analyses, hessian: { ...hessian, maxDimension: settings.denseHessianLimit } } };
  return result;
}

/** A scheduler address given outside the config. */
export interface ClusterOption {
  /** The address; empty or undefined: none. */
  address: string | undefined;
  /** What the messages call it: "--cluster", "the setting landscapeLens.cluster". */
  source: string;
  /**
   * True (--cluster): it replaces the config's own cluster. False (the setting): it applies only
   * to a config without a cluster of its own.
   */
  replaces: boolean;
}

export interface PrepareOptions {
  /** The settings as defaults (the editor's landscapeLens.* settings; the CLI's DEFAULT_RUN_DEFAULTS). None: the config as written. */
  defaults?: RunDefaults;
  /** --cluster or the setting landscapeLens.cluster; applies to PyTorch configs only (the engine runs on this machine). */
  cluster?: ClusterOption;
  /** The memory the check compares with (tests); default: this machine's and this process's heap's. */
  memory?: MemoryLimits | number;
}

/** A config ready to run: no error among `issues` (warnings allowed). */
export interface ReadyConfig {
  config: ExperimentConfig;
  /** The config as the text says it (validated, before defaults and cluster): what a command derives a part of. */
  written: ExperimentConfig;
  backend: Backend;
  /** Every problem, in the order of the steps (warnings only here). */
  issues: ConfigIssue[];
  /** The memory check's issues (also in `issues`): a warning is worth showing when the run starts. */
  memory: ConfigIssue[];
}

/** A config that cannot run: its errors (and warnings) in `issues`. */
export interface RefusedConfig {
  config?: undefined;
  /** Present when the text itself is valid and a later step (the cluster address, the memory check) refused it. */
  written?: ExperimentConfig;
  backend?: undefined;
  issues: ConfigIssue[];
  memory: ConfigIssue[];
}

export type PreparedConfig = ReadyConfig | RefusedConfig;

/** A config file's text, ready to run, or its problems; `baseDir` is the folder its relative paths resolve against. */
export function prepare(text: string, baseDir: string, options: PrepareOptions = {}): PreparedConfig {
  return prepareValidated(validateConfigText(text, baseDir, { denseHessianLimit: options.defaults?.denseHessianLimit }), options);
}

/** The same for a config already parsed (a part a command derived from a file, a quick race). */
export function prepareConfig(value: unknown, baseDir: string, options: PrepareOptions = {}): PreparedConfig {
  return prepareValidated(validateConfigValue(value, baseDir, { denseHessianLimit: options.defaults?.denseHessianLimit }), options);
}

/** Steps 2 to 5 after validation. */
function prepareValidated(validated: ValidatedConfig, options: PrepareOptions): PreparedConfig {
  const issues = [...validated.issues];
  const written = validated.config;
  if (!written || issues.some((issue) => issue.severity === 'error')) return { issues, memory: [] };
  let config = options.defaults ? withSettingsDefaults(written, options.defaults) : written;
  const cluster = options.cluster;
  if (cluster && backendOf(config) === 'pytorch' && (cluster.replaces || !config.cluster)) {
    try {
      config = withClusterScheduler(config, cluster.address, cluster.source);
    } catch (error) {
      if (!(error instanceof ClusterAddressError)) throw error;
      issues.push({ path: '', severity: 'error', message: error.message });
      return { written, issues, memory: [] };
    }
  }
  const memory = memoryIssues(config, options.memory);
  issues.push(...memory);
  if (memory.some((issue) => issue.severity === 'error')) return { written, issues, memory };
  return { config, written, backend: backendOf(config), issues, memory };
}
