import type { ExperimentConfig } from '../config/types';
import { backendOf } from '../config/prepare';

/** Which runner computes a config: the PyTorch backend for a config with model.pytorch (or PyTorch data), else the engine (config/prepare.ts: backendOf). */
export function runsOnPytorch(config: ExperimentConfig): boolean {
  return backendOf(config) === 'pytorch';
}
