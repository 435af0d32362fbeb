import type { ExperimentConfig } from '../config/types';

/** Which runner computes a config: the PyTorch backend for a config with model.pytorch (or PyTorch data), else the engine. */
export function runsOnPytorch(config: ExperimentConfig): boolean {
  return Boolean(config.model?.pytorch) || config.data?.kind === 'pytorch';
}
