import type { ExperimentConfig } from '../../../config/types';

/** The settings a run applies as defaults (read by ../settings.ts). No `vscode` here. */
export interface RunDefaults {
  gridResolution: number;
  denseHessianLimit: number;
}

/** The settings as defaults of what a config leaves out: the contour grid's resolution, the dense-Hessian size limit. */
export function withSettingsDefaults(config: ExperimentConfig, settings: RunDefaults): ExperimentConfig {
  let result = config;
  if (result.surface && result.grid?.resolution === undefined) result = { ...result, grid: { ...result.grid, resolution: settings.gridResolution } };
  const hessian = result.analyses?.hessian;
  if (hessian && hessian.maxDimension === undefined) result = { ...result, analyses: { ...result.analyses, hessian: { ...hessian, maxDimension: settings.denseHessianLimit } } };
  return result;
}
